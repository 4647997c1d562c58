"""Check that this machine can run the course: ``dnncourse doctor``.

Prints the versions that matter, the CPU and GPUs TensorFlow sees, where
Fashion-MNIST was found and whether it verified, and warns about combinations
known to break the lessons.
"""

from __future__ import annotations

import os
import platform
from importlib import metadata

TF_PINNED = "2.21"  # pyproject.toml pins TensorFlow 2.21.x


def version_of(distribution: str) -> str | None:
    """The installed version of a PyPI distribution, or None."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def known_problems(versions: dict[str, str | None]) -> list[str]:
    """Warnings for the installed versions (``versions`` maps distribution name to version)."""
    warnings = []
    tf = versions.get("tensorflow") or versions.get("tensorflow-cpu")
    keras = versions.get("keras")
    if tf is None:
        warnings.append("TensorFlow is not installed: pip install -e . (pulls tensorflow-cpu 2.21).")
    elif not tf.startswith(TF_PINNED + "."):
        warnings.append(f"TensorFlow {tf} is outside the pinned {TF_PINNED}.x; the lessons' numbers "
                        f"were measured with {TF_PINNED}.")
    if keras is None:
        warnings.append("Keras is not installed: pip install 'keras>=3.10,<4'.")
    elif not keras.startswith("3."):
        warnings.append(f"Keras {keras} is Keras 2: the lessons need Keras 3 (pip install 'keras>=3.10,<4').")
    if versions.get("tf-keras"):
        warnings.append("tf-keras (Keras 2) is installed; with TF_USE_LEGACY_KERAS=1 it replaces Keras 3.")
    if versions.get("tensorboard") is None:
        warnings.append("tensorboard is missing: Keras Tuner fails every trial without it "
                        "(pip install 'tensorboard>=2.21,<2.22').")
    if versions.get("keras-tuner") is None:
        warnings.append("keras-tuner is missing: the tuning lesson needs it (pip install keras-tuner==1.4.8).")
    if versions.get("scikeras") is None:
        warnings.append("scikeras is missing: the scikit-learn lesson needs it (pip install 'scikeras>=0.13,<0.14').")
    if os.environ.get("TF_USE_LEGACY_KERAS", "") in ("1", "true", "True"):
        warnings.append("TF_USE_LEGACY_KERAS is set: tf.keras would be Keras 2; unset it.")
    return warnings


def device_lines() -> list[str]:
    """The CPU count and the devices TensorFlow sees."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    lines = [f"CPU cores available: {cores} ({platform.processor() or platform.machine()})"]
    try:
        import tensorflow as tf
        gpus = tf.config.list_physical_devices("GPU")
        lines.append(f"GPUs TensorFlow sees: {len(gpus)}" + "".join(f"\n  {g.name}" for g in gpus))
    except Exception as err:  # noqa: BLE001 - a broken TF install is what doctor reports
        lines.append(f"TensorFlow could not be imported: {type(err).__name__}: {err}")
    return lines


def data_lines() -> tuple[list[str], bool]:
    """Where Fashion-MNIST was found and whether every file verified."""
    from . import data

    try:
        label, folder = data.find_fashion_mnist(download=False)
        data.verify_folder(folder)
    except data.DataError as err:
        return [f"Fashion-MNIST: NOT usable\n{err}"], False
    return [f"Fashion-MNIST: found ({label}) in {folder}, all four files verified (SHA-256)"], True


def doctor() -> int:
    """Print the report; return 0 when nothing is wrong, 1 otherwise."""
    names = ("tensorflow", "tensorflow-cpu", "keras", "tf-keras", "tensorboard", "keras-tuner",
             "scikeras", "papermill", "nbconvert", "ipywidgets", "dnncourse")
    versions = {name: version_of(name) for name in names}
    print(f"Python {platform.python_version()} ({platform.system()} {platform.machine()})")
    if not (versions["tensorflow"] or versions["tensorflow-cpu"]):
        print(f"{'tensorflow':<15} not installed")
    for name in names:
        if versions[name] or name == "keras":
            print(f"{name:<15} {versions[name] or 'not installed'}")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    for line in device_lines():
        print(line)
    lines, data_ok = data_lines()
    for line in lines:
        print(line)
    problems = known_problems(versions)
    for problem in problems:
        print(f"WARNING: {problem}")
    if not problems and data_ok:
        print("All good: the lessons should run here.")
    return 0 if not problems and data_ok else 1
