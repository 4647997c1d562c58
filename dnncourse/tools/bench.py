"""Time the course's models on every installed Keras backend, side by side.

``dnncourse bench`` (or ``python -m dnncourse.tools.bench``) trains each course
model for a few epochs on each backend and writes ``bench.csv`` (one row per
backend and model) and ``bench.md`` (a side-by-side table, also printed). Per run:

* **first epoch** (s): includes tracing and compiling the train and validation steps;
* **warm s/epoch**: the mean of epochs 2..n, training plus validation;
* **compile overhead** (s): first epoch minus warm s/epoch (in the CSV);
* **peak MiB**: the worker process's maximum resident memory (``ru_maxrss``),
  so the framework and the data are included;
* **GFLOP/s**: the matmul FLOPs of one epoch (counted from the model's Dense layers,
  see ``dense_flops``) over the warm s/epoch;
* **% of peak**: that over this machine's FP32 peak, *measured on the spot* in the
  same worker process, so on the same backend with the same threads: the best of a few
  ``keras.ops.matmul`` calls on two n x n float32 matrices (n = ``--peak-size``,
  2,048 by default) after a warm-up, each timed to completion, 2n^3 FLOPs / time.
  Not a spec sheet: what this backend's matmul reaches here, now, under this load.

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
from typing import TYPE_CHECKING

from .environment import BACKENDS, HEADLESS_ONLY, KERNEL_ENV

if TYPE_CHECKING:  # stdlib only at import time: the CLI imports this module to build its --help
    import pandas as pd

KERAS_BACKENDS = ("jax", "tensorflow", "torch", "numpy", "openvino")  # every name Keras accepts
WORKER_ENV = {k: v for k, v in KERNEL_ENV.items() if k not in ("KERAS_BACKEND", *HEADLESS_ONLY)}
TRAIN_SIZE = 48_000  # training images after the course's 8:2 train/validation split
SEED = 0
PEAK_SIZE = 2048  # n of the n x n matmul that measures the peak
PEAK_REPEATS = 5  # timed calls after one warm-up; the peak is the fastest


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

def dense_flops(model) -> tuple[int, int]:
    """The matmul FLOPs of one sample through ``model``: ``(forward, training)``.

    Counted: every Dense layer's matmul, 2 * in * out FLOPs per sample (one multiply
    and one add per weight; times the positions of any axes between the batch and the
    last one). Training one sample costs that forward matmul, the gradient with respect
    to the weights (the same again) and the gradient with respect to the layer's input
    (the same again), except where nothing before the layer has trainable weights: the
    first Dense layer's input is the data, whose gradient nobody asks for, and the
    compilers drop it (XLA, TensorFlow's graph). So ``training`` is 3x ``forward`` less
    the first layer's input gradient.

    Ignored: biases, activations, softmax and the loss, Dropout, BatchNormalization and
    the optimizer's update: O(activations) or O(parameters) per sample or step, not
    O(matmul). A layer with a ``kernel`` other than Dense (a convolution, say) is not
    counted and raises ``ValueError`` rather than give a silently low share.
    """
    import keras

    forward = backward = 0
    trainable_before = False
    for layer in model.layers:
        if isinstance(layer, keras.layers.Dense):
            n_in, n_out = (int(d) for d in layer.kernel.shape)
            positions = 1
            for d in layer.output.shape[1:-1]:
                positions *= int(d)
            flops = 2 * n_in * n_out * positions
            forward += flops
            backward += flops * (2 if trainable_before else 1)
        elif hasattr(layer, "kernel"):
            raise ValueError(f"dense_flops counts Dense layers only, not {type(layer).__name__} "
                             f"({layer.name}).")
        trainable_before = trainable_before or bool(layer.trainable_weights)
    return forward, forward + backward


def epoch_flops(model, n_train: int, n_val: int) -> int:
    """The matmul FLOPs of one epoch: training on ``n_train`` samples, validating on ``n_val``
    (forward only); see ``dense_flops`` for what is counted."""
    forward, training = dense_flops(model)
    return n_train * training + n_val * forward


def matmul_peak(n: int = PEAK_SIZE, repeats: int = PEAK_REPEATS) -> dict:
    """This process's FP32 matmul rate, measured now: GFLOP/s of ``keras.ops.matmul`` on two
    ``n`` x ``n`` float32 matrices, on the backend Keras runs on and with its threads.

    One untimed call first (JAX compiles it), then ``repeats`` timed calls, each until its
    result is complete (``jax.block_until_ready`` on JAX; elsewhere the result is copied into
    NumPy). GFLOP/s = 2 n^3 / seconds; ``peak_gflops`` is the fastest call, the median is kept too.
    """
    import keras
    import numpy as np

    if keras.backend.backend() == "jax":
        import jax
        finish = jax.block_until_ready
    else:
        finish = keras.ops.convert_to_numpy
    rng = np.random.default_rng(SEED)
    a, b = (keras.ops.convert_to_tensor(rng.standard_normal((n, n), dtype=np.float32)) for _ in "ab")
    product = finish(keras.ops.matmul(a, b))
    assert str(product.dtype) == "float32", product.dtype
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        finish(keras.ops.matmul(a, b))
        seconds.append(time.perf_counter() - start)
    seconds.sort()
    rates = [2 * n**3 / s / 1e9 for s in seconds]
    return {"peak_gflops": rates[0], "peak_median_gflops": rates[len(rates) // 2], "peak_n": n,
            "peak_repeats": repeats}


def peak_mib() -> float:
    """The largest resident memory this process has used so far, in MiB."""
    import resource
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes on macOS, KiB on Linux


def measure(name: str, epochs: int, n_train: int | None, steps_per_execution: int = 1,
            peak_size: int = PEAK_SIZE) -> dict:
    """Train model ``name`` for ``epochs`` epochs with validation; return its timings, its
    achieved GFLOP/s and, measured afterwards in this process, the matmul peak."""
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
    flops = epoch_flops(model, len(data.y_train), len(data.y_val))
    peak = matmul_peak(peak_size)  # after training: the timings above are as before
    gflops = flops / warm / 1e9
    return {
        "backend": keras.backend.backend(), "model": name, "params": model.count_params(),
        "n_train": len(data.y_train), "n_val": len(data.y_val), "epochs": epochs,
        "first_epoch_s": seconds[0], "warm_s_per_epoch": warm, "compile_overhead_s": seconds[0] - warm,
        "peak_mib": peak_mib(), "val_accuracy": history.history["val_accuracy"][-1],
        "epoch_seconds": " ".join(f"{s:.3f}" for s in seconds),
        "gflop_per_epoch": flops / 1e9, "gflops": gflops, **peak,
        "pct_of_peak": 100 * gflops / peak["peak_gflops"],
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
               log_dir: Path, peak_size: int = PEAK_SIZE) -> dict:
    """Measure one model on one backend in a fresh process; a failure becomes the row's status."""
    command = [sys.executable, "-m", "dnncourse.tools.bench", "--worker", name, "--epochs", str(epochs),
               "--steps-per-execution", str(steps_per_execution), "--peak-size", str(peak_size)]
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
            f"first epoch {row['first_epoch_s']:6.2f} s, peak {row['peak_mib']:5.0f} MiB, "
            f"{row['gflops']:6.1f} GFLOP/s = {row['pct_of_peak']:4.1f} % of the {row['peak_gflops']:.0f} "
            f"GFLOP/s matmul peak")


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
    """One row per model; its GFLOP per epoch; per backend warm s/epoch, first epoch, peak memory,
    achieved GFLOP/s and its share of the worker's measured matmul peak; the speed-up."""
    import pandas as pd

    rows = []
    for name in results["model"].unique():
        runs = results[results["model"] == name].set_index("backend")
        row = {"model": name, "batch": int(runs["batch_size"].iloc[0])}
        counted = runs["gflop_per_epoch"].dropna() if "gflop_per_epoch" in runs else []
        row["GFLOP/epoch"] = f"{counted.iloc[0]:.1f}" if len(counted) else "–"
        for backend in backends:
            run = runs.loc[backend]
            ok = run["status"] == "ok"
            row[f"{backend} warm s/epoch"] = f"{run['warm_s_per_epoch']:.2f}" if ok else run["status"]
            row[f"{backend} first epoch s"] = f"{run['first_epoch_s']:.2f}" if ok else "–"
            row[f"{backend} peak MiB"] = f"{run['peak_mib']:.0f}" if ok else "–"
            row[f"{backend} GFLOP/s"] = f"{run['gflops']:.1f}" if ok else "–"
            row[f"{backend} % of peak"] = f"{run['pct_of_peak']:.1f}" if ok else "–"
        if "jax" in backends and "tensorflow" in backends:
            row["speed-up"] = "–"
            if (runs.loc[["jax", "tensorflow"], "status"] == "ok").all():
                ratio = runs.loc["tensorflow", "warm_s_per_epoch"] / runs.loc["jax", "warm_s_per_epoch"]
                row["speed-up"] = f"{ratio:.2f}x"
        rows.append(row)
    return pd.DataFrame(rows)


def peak_line(results: pd.DataFrame, backends: list[str]) -> str:
    """The measured FP32 peak of each backend (the median of its workers' peaks, and their range)
    and how it was measured."""
    ok = results[results["status"] == "ok"] if "peak_gflops" in results else results.iloc[0:0]
    parts = []
    for backend in backends:
        peaks = ok.loc[ok["backend"] == backend, "peak_gflops"] if len(ok) else []
        if not len(peaks):
            parts.append(f"{backend} not measured")
        elif len(peaks) == 1:
            parts.append(f"{backend} {peaks.iloc[0]:.0f} GFLOP/s")
        else:
            parts.append(f"{backend} {peaks.median():.0f} GFLOP/s (median of {len(peaks)} workers, "
                         f"{peaks.min():.0f} to {peaks.max():.0f})")
    size = f"{int(ok['peak_n'].iloc[0]):,}" if len(ok) else "n"
    repeats = int(ok["peak_repeats"].iloc[0]) if len(ok) else PEAK_REPEATS
    return (f"Measured FP32 peak: {'; '.join(parts)}. Measured on the spot in each worker, after its "
            f"training, so on the same backend with the same threads: keras.ops.matmul of two "
            f"{size} x {size} float32 matrices, one warm-up call, then the fastest of {repeats} "
            f"calls timed to completion, 2n^3 FLOPs / seconds (not a spec sheet). Each model's "
            f"% of peak is over its own worker's peak.")


def markdown_report(results: pd.DataFrame, backends: list[str], machine: str) -> str:
    """bench.md: the machine, the table, the measured peak, and what each column means."""
    notes = ("warm s/epoch: mean of epochs 2..n (training and validation); first epoch: includes "
             "tracing and compilation; peak MiB: the worker's maximum resident memory (framework "
             "and data included); GFLOP/epoch: the Dense layers' matmul FLOPs of one epoch "
             "(forward, input and weight gradients on the training images, forward on the "
             "validation images; biases, activations, BatchNormalization, softmax and the optimizer "
             "are not counted); GFLOP/s: GFLOP/epoch / warm s/epoch; % of peak: GFLOP/s over the "
             "measured matmul peak")
    if "jax" in backends and "tensorflow" in backends:
        notes += "; speed-up: tensorflow warm s/epoch / jax warm s/epoch (above 1: JAX is faster)"
    table = side_by_side(results, backends)
    aligned = ["left"] + ["right"] * (table.shape[1] - 1)  # keep "0.20" as written: no number parsing
    markdown = table.to_markdown(index=False, disable_numparse=True, colalign=aligned)
    return f"Machine: {machine}\n\n{markdown}\n\n{peak_line(results, backends)}\n\n{notes}.\n"


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


PEAK_HELP = """\
Each model's GFLOP/s is its Dense layers' matmul FLOPs per epoch (forward, input and
weight gradients; validation forward only) over its warm s/epoch. Its % of peak is
over this machine's FP32 peak, measured on the spot in the same worker process (so on
the same backend with the same threads): keras.ops.matmul of two n x n float32
matrices (n = --peak-size), one warm-up, then the fastest of 5 calls timed to
completion, 2n^3 FLOPs / seconds. Not a spec sheet."""


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
    peak = parser.add_argument_group("GFLOP/s and % of peak", PEAK_HELP)
    peak.add_argument("--peak-size", type=positive_int, default=PEAK_SIZE, metavar="N",
                      help=f"n of the n x n float32 matmul that measures the peak (default {PEAK_SIZE:,})")
    parser.add_argument("--worker", choices=MODEL_NAMES, help=argparse.SUPPRESS)  # internal: one measurement


def run(args: argparse.Namespace) -> int:
    """Time every (backend, model) pair, write the tables, print the markdown; 1 if a run failed."""
    epochs = args.epochs or (2 if args.quick else 3)
    n_train = args.n_train or (4000 if args.quick else None)
    if args.worker:
        print(json.dumps(measure(args.worker, epochs, n_train, args.steps_per_execution,
                                 getattr(args, "peak_size", PEAK_SIZE))))
        return 0
    backends = args.backends or installed_backends()
    if not backends:
        print(f"error: none of the backends {', '.join(BACKENDS)} is installed.", file=sys.stderr)
        return 1
    import pandas as pd
    from tqdm.auto import tqdm

    models = args.models or MODEL_NAMES
    out = args.out or Path("runs") / f"bench-{datetime.datetime.now():%Y%m%d-%H%M%S}"
    (out / "logs").mkdir(parents=True, exist_ok=True)
    load_at_start = load_average()
    rows = []
    runs = [(name, backend) for name in models for backend in backends]  # backends alternate: fairer under load
    with tqdm(total=len(runs), unit="run", disable=not sys.stderr.isatty(), file=sys.stderr) as bar:
        for name, backend in runs:
            bar.set_description(f"{backend} {name}")
            rows.append(run_worker(backend, name, epochs, n_train, args.steps_per_execution, out / "logs",
                                   getattr(args, "peak_size", PEAK_SIZE)))
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
