"""Run every lesson's smoke profile on the Colab stand-in (scripts/colab-check.sh) and check what it left.

Each lesson must finish, record its results on Keras 3.13.2 with the JAX backend, and leave
Colab's TensorFlow, Keras, JAX and protobuf as they were, with no tensorflow-cpu beside them.
"""

import json
import subprocess
import sys
import time
from pathlib import Path

import papermill
import yaml

STACK = ("tensorflow", "tensorflow-cpu", "keras", "jax", "jaxlib", "protobuf")


def stack() -> dict[str, str]:
    frozen = subprocess.run([sys.executable, "-m", "pip", "freeze"], capture_output=True, text=True, check=True).stdout
    pins = dict(line.split("==", 1) for line in frozen.splitlines() if "==" in line)
    return {name: pins.get(name) for name in STACK}


def main(out: Path) -> int:
    book = yaml.safe_load(Path("book.yml").read_text())
    out.mkdir(parents=True, exist_ok=True)
    before = stack()
    print("Colab stand-in:", before)
    problems = []
    for lesson in book["lessons"]:
        params = {**lesson["profiles"]["smoke"], "output_dir": str(out / "outputs")}
        start = time.perf_counter()
        try:
            papermill.execute_notebook(lesson["file"], str(out / Path(lesson["file"]).name), parameters=params,
                                       kernel_name="python3", execution_timeout=600, progress_bar=False)
        except Exception as err:  # papermill's error names the cell
            problems.append(f"{lesson['id']}: {type(err).__name__}: {str(err)[:1500]}")
            continue
        recorded = json.loads((out / "outputs" / "results" / f"{lesson['id']}.json").read_text())["versions"]
        print(f"{lesson['id']}: {time.perf_counter() - start:.0f} s, {recorded}")
        if recorded["backend"] != "jax" or recorded["keras"] != "3.13.2":
            problems.append(f"{lesson['id']} ran on {recorded}, not Keras 3.13.2 on JAX")
    after = stack()
    if after != before or after["tensorflow-cpu"] is not None:
        problems.append(f"the set-up cells changed Colab's stack: {before} -> {after}")
    print("\n".join(problems) or "Every lesson ran on Colab's stack, and the stack is unchanged.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
