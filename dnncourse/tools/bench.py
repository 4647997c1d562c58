"""Time the course's models on every installed Keras backend, side by side.

``dnncourse bench`` (or ``python -m dnncourse.tools.bench``) trains each course
model for a few epochs on each backend and writes ``bench.csv`` (one row per
backend and model) and ``bench.md`` (a side-by-side table, also printed). Per run:

* **first epoch** (s): includes tracing and compiling the train and validation steps;
* **warm s/epoch**: the mean of epochs 2..n, training plus validation;
* **compile overhead** (s): first epoch minus warm s/epoch (in the CSV);
* **peak MiB**: the worker process's maximum resident memory (``ru_maxrss``),
  so the framework and the data are included.

A benchmark, not a test: the numbers depend on the machine and on its load, and
nothing asserts on them. Keras fixes its backend at its first import, so every
(backend, model) pair runs in a fresh worker process (``--worker``) with
``KERAS_BACKEND`` set; the worker prints one JSON line, which the parent collects.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import importlib.util
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

from .environment import BACKENDS, HEADLESS_ONLY, KERNEL_ENV

KERAS_BACKENDS = ("jax", "tensorflow", "torch", "numpy", "openvino")  # every name Keras accepts
WORKER_ENV = {k: v for k, v in KERNEL_ENV.items() if k not in ("KERAS_BACKEND", *HEADLESS_ONLY)}
TRAIN_SIZE = 48_000  # training images after the course's 8:2 train/validation split
SEED = 0


# The course's models: plain Keras, built as the lessons build them. Keras is imported
# inside each builder, so that the parent process never fixes a backend.

def build_baseline():
    """784-100-10 ReLU, the notes' baseline (lessons 01 and 02)."""
    import keras
    return keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(100, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ], name="baseline")


def build_300_100():
    """784-300-100-10 ReLU, the notes' model 2 (lesson 03)."""
    import keras
    return keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(300, activation="relu"),
        keras.layers.Dense(100, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ], name="m2_300_100")


def build_deep():
    """512-512-256-256-128-128 ReLU, the big model of lesson 03."""
    import keras
    layers = [keras.Input(shape=(28, 28)), keras.layers.Flatten()]
    for units in (512, 512, 256, 256, 128, 128):
        layers.append(keras.layers.Dense(units, activation="relu"))
    layers.append(keras.layers.Dense(10, activation="softmax"))
    return keras.Sequential(layers, name="deep")


def build_dropout():
    """256-128-64 ReLU with Dropout(0.25) after the first two layers (lesson 04)."""
    import keras
    return keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dropout(0.25),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dropout(0.25),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ], name="dropout")


def build_batch_norm():
    """300-100 with BatchNormalization between each Dense and its ReLU (lesson 05)."""
    import keras
    layers = [keras.Input(shape=(28, 28)), keras.layers.Flatten()]
    for units in (300, 100):
        layers += [keras.layers.Dense(units, use_bias=False),
                   keras.layers.BatchNormalization(),
                   keras.layers.Activation("relu")]
    layers.append(keras.layers.Dense(10, activation="softmax"))
    return keras.Sequential(layers, name="batch_norm")


def build_wide_dropout():
    """2 x 512 ReLU, each followed by Dropout(0.4): the tuned shape of lesson 08."""
    import keras
    return keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(512, activation="relu"),
        keras.layers.Dropout(0.4),
        keras.layers.Dense(512, activation="relu"),
        keras.layers.Dropout(0.4),
        keras.layers.Dense(10, activation="softmax"),
    ], name="wide_dropout")


MODELS = [
    # name            builder             optimizer  batch  lesson
    ("baseline",      build_baseline,     "rmsprop", 32,    "01/02"),
    ("300-100",       build_300_100,      "adam",    128,   "03"),
    ("deep",          build_deep,         "adam",    128,   "03"),
    ("dropout",       build_dropout,      "adam",    128,   "04"),
    ("batch-norm",    build_batch_norm,   "adam",    128,   "05"),
    ("wide-dropout",  build_wide_dropout, "adam",    256,   "08"),
]
MODEL_NAMES = [name for name, *_ in MODELS]


def model_spec(name: str) -> tuple:
    """The row of ``MODELS`` called ``name``."""
    return next(row for row in MODELS if row[0] == name)


# The worker: one model on the backend this process was started with.

def peak_mib() -> float:
    """The largest resident memory this process has used so far, in MiB."""
    import resource
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes on macOS, KiB on Linux


def measure(name: str, epochs: int, n_train: int | None, steps_per_execution: int = 1) -> dict:
    """Train model ``name`` for ``epochs`` epochs with validation; return its timings."""
    import keras

    from dnncourse import load_data, set_seed

    _, builder, optimizer, batch_size, _ = model_spec(name)
    data = load_data(n_train=n_train)
    set_seed(SEED)
    model = builder()
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  steps_per_execution=steps_per_execution)
    starts, seconds = [], []
    timer = keras.callbacks.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: starts.append(time.perf_counter()),
        on_epoch_end=lambda epoch, logs: seconds.append(time.perf_counter() - starts[-1]))
    history = model.fit(data.x_train, data.y_train, epochs=epochs, batch_size=batch_size,
                        validation_data=(data.x_val, data.y_val), callbacks=[timer], verbose=0)
    warm = sum(seconds[1:]) / len(seconds[1:])
    return {
        "backend": keras.backend.backend(), "model": name, "params": model.count_params(),
        "n_train": len(data.y_train), "epochs": epochs, "first_epoch_s": seconds[0],
        "warm_s_per_epoch": warm, "compile_overhead_s": seconds[0] - warm, "peak_mib": peak_mib(),
        "val_accuracy": history.history["val_accuracy"][-1],
        "epoch_seconds": " ".join(f"{s:.3f}" for s in seconds),
    }


# The parent: one worker per (backend, model), then the tables.

def installed_backends() -> list[str]:
    """The course's backends whose package is installed (without importing it)."""
    return [name for name in BACKENDS if importlib.util.find_spec(name) is not None]


def last_line(text: str) -> str:
    """The last non-empty line of ``text``, short enough for a table cell."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:160].replace("|", "/") if lines else ""


def run_worker(backend: str, name: str, epochs: int, n_train: int | None, steps_per_execution: int,
               log_dir: Path) -> dict:
    """Measure one model on one backend in a fresh process; a failure becomes the row's status."""
    command = [sys.executable, "-m", "dnncourse.tools.bench", "--worker", name, "--epochs", str(epochs),
               "--steps-per-execution", str(steps_per_execution)]
    if n_train is not None:
        command += ["--n-train", str(n_train)]
    env = {**os.environ, "KERAS_BACKEND": backend, **WORKER_ENV}
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    (log_dir / f"{backend}-{name}.log").write_text(done.stdout + done.stderr)
    _, _, optimizer, batch_size, lesson = model_spec(name)
    row = {"backend": backend, "model": name, "lesson": lesson, "optimizer": optimizer,
           "batch_size": batch_size, "steps_per_execution": steps_per_execution}
    reported = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode == 0 and reported:
        return {**row, **json.loads(reported[-1]), "status": "ok"}
    reason = last_line(done.stderr) or f"the worker exited with code {done.returncode}"
    return {**row, "status": f"failed: {reason}"}


def progress_line(row: dict) -> str:
    """One line about a finished run."""
    if row["status"] != "ok":
        return f"{row['backend']:<10} {row['model']:<13} {row['status']}"
    return (f"{row['backend']:<10} {row['model']:<13} {row['warm_s_per_epoch']:6.2f} s/epoch warm, "
            f"first epoch {row['first_epoch_s']:6.2f} s, peak {row['peak_mib']:5.0f} MiB")


def package_version(*names: str) -> str:
    """The installed version of the first of ``names`` that is installed, else 'not installed'."""
    for name in names:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            pass
    return "not installed"


def cpu_name() -> str:
    """The CPU's model name (from /proc/cpuinfo on Linux), else what ``platform`` knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def load_average() -> str:
    """The 1-minute load average, or '?' where the system does not report one."""
    return f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "?"


def machine_line(n_train: int | None, epochs: int, steps_per_execution: int, load_at_start: str) -> str:
    """One line of facts that the timings depend on."""
    return (f"{os.cpu_count()} CPUs ({cpu_name()}, {platform.machine()}), {platform.system()}, "
            f"Python {platform.python_version()}; keras {package_version('keras')}, "
            f"tensorflow {package_version('tensorflow', 'tensorflow-cpu', 'tensorflow-macos')}, "
            f"jax {package_version('jax')}; n_train {n_train or TRAIN_SIZE:,}, {epochs} epochs, "
            f"steps_per_execution {steps_per_execution}, seed {SEED}; load average {load_at_start} at the "
            f"start, {load_average()} at the end; {datetime.datetime.now():%Y-%m-%d %H:%M}.")


def side_by_side(results: pd.DataFrame, backends: list[str]) -> pd.DataFrame:
    """One row per model; per backend warm s/epoch, first epoch and peak memory; the speed-up."""
    rows = []
    for name in results["model"].unique():
        runs = results[results["model"] == name].set_index("backend")
        row = {"model": name, "batch": int(runs["batch_size"].iloc[0])}
        for backend in backends:
            run = runs.loc[backend]
            ok = run["status"] == "ok"
            row[f"{backend} warm s/epoch"] = f"{run['warm_s_per_epoch']:.2f}" if ok else run["status"]
            row[f"{backend} first epoch s"] = f"{run['first_epoch_s']:.2f}" if ok else "–"
            row[f"{backend} peak MiB"] = f"{run['peak_mib']:.0f}" if ok else "–"
        if "jax" in backends and "tensorflow" in backends:
            row["speed-up"] = "–"
            if (runs.loc[["jax", "tensorflow"], "status"] == "ok").all():
                ratio = runs.loc["tensorflow", "warm_s_per_epoch"] / runs.loc["jax", "warm_s_per_epoch"]
                row["speed-up"] = f"{ratio:.2f}x"
        rows.append(row)
    return pd.DataFrame(rows)


def markdown_report(results: pd.DataFrame, backends: list[str], machine: str) -> str:
    """bench.md: the machine, the table, and what each column means."""
    notes = ("warm s/epoch: mean of epochs 2..n (training and validation); first epoch: includes "
             "tracing and compilation; peak MiB: the worker's maximum resident memory (framework "
             "and data included)")
    if "jax" in backends and "tensorflow" in backends:
        notes += "; speed-up: tensorflow warm s/epoch / jax warm s/epoch (above 1: JAX is faster)"
    table = side_by_side(results, backends)
    aligned = ["left"] + ["right"] * (table.shape[1] - 1)  # keep "0.20" as written: no number parsing
    markdown = table.to_markdown(index=False, disable_numparse=True, colalign=aligned)
    return f"Machine: {machine}\n\n{markdown}\n\n{notes}.\n"


# The command line.

def epochs_type(text: str) -> int:
    """--epochs: a whole number of at least 2 (epoch 1 is the compile epoch)."""
    if not text.isdigit() or int(text) < 2:
        raise argparse.ArgumentTypeError(f"{text!r}: need at least 2 epochs (warm s/epoch is the mean "
                                         "of epochs 2..n)")
    return int(text)


def n_train_type(text: str) -> int:
    """--n-train: a whole number from 10 to 48,000."""
    if not text.isdigit() or not 10 <= int(text) <= TRAIN_SIZE:
        raise argparse.ArgumentTypeError(f"{text!r}: need a whole number from 10 to {TRAIN_SIZE}")
    return int(text)


def positive_int(text: str) -> int:
    """--steps-per-execution: a whole number of at least 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: need a whole number of at least 1")
    return int(text)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``dnncourse bench``."""
    parser.add_argument("--backends", nargs="+", choices=KERAS_BACKENDS, metavar="NAME",
                        help=f"Keras backends to time (default: the installed ones of {', '.join(BACKENDS)})")
    parser.add_argument("--models", nargs="+", choices=MODEL_NAMES, metavar="NAME",
                        help=f"models to time (default: all): {', '.join(MODEL_NAMES)}")
    parser.add_argument("--epochs", type=epochs_type, help="epochs per run, at least 2 (default 3; 2 with --quick)")
    parser.add_argument("--n-train", type=n_train_type, metavar="N",
                        help="training images per epoch (default: all 48,000; 4,000 with --quick)")
    parser.add_argument("--steps-per-execution", type=positive_int, default=1, metavar="N",
                        help="Keras' steps_per_execution (default 1: what a plain compile() gets, "
                             "and what the lessons use)")
    parser.add_argument("--out", type=Path, metavar="DIR",
                        help="folder for bench.csv, bench.md and the workers' logs (default runs/bench-<time>)")
    parser.add_argument("--quick", action="store_true", help="4,000 training images and 2 epochs (for tests)")
    parser.add_argument("--worker", choices=MODEL_NAMES, help=argparse.SUPPRESS)  # internal: one measurement


def run(args: argparse.Namespace) -> int:
    """Time every (backend, model) pair, write the tables, print the markdown; 1 if a run failed."""
    epochs = args.epochs or (2 if args.quick else 3)
    n_train = args.n_train or (4000 if args.quick else None)
    if args.worker:
        print(json.dumps(measure(args.worker, epochs, n_train, args.steps_per_execution)))
        return 0
    backends = args.backends or installed_backends()
    if not backends:
        print(f"error: none of the backends {', '.join(BACKENDS)} is installed.", file=sys.stderr)
        return 1
    models = args.models or MODEL_NAMES
    out = args.out or Path("runs") / f"bench-{datetime.datetime.now():%Y%m%d-%H%M%S}"
    (out / "logs").mkdir(parents=True, exist_ok=True)
    load_at_start = load_average()
    rows = []
    runs = [(name, backend) for name in models for backend in backends]  # backends alternate: fairer under load
    with tqdm(total=len(runs), unit="run", disable=not sys.stderr.isatty(), file=sys.stderr) as bar:
        for name, backend in runs:
            bar.set_description(f"{backend} {name}")
            rows.append(run_worker(backend, name, epochs, n_train, args.steps_per_execution, out / "logs"))
            tqdm.write(progress_line(rows[-1]), file=sys.stderr)
            bar.update()
    results = pd.DataFrame(rows)
    results.to_csv(out / "bench.csv", index=False)
    machine = machine_line(n_train, epochs, args.steps_per_execution, load_at_start)
    report = markdown_report(results, backends, machine)
    (out / "bench.md").write_text(report)
    print(report)
    print(f"Wrote {out / 'bench.csv'} and {out / 'bench.md'}.", file=sys.stderr)
    return 0 if (results["status"] == "ok").all() else 1


def main(argv: list[str] | None = None) -> int:
    """``python -m dnncourse.tools.bench [options]``; the same as ``dnncourse bench``."""
    parser = argparse.ArgumentParser(prog="dnncourse bench", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
