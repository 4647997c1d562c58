"""Check that this machine can run the course: ``dnncourse doctor``.

Prints the versions that matter, the Keras backend kernels will get and where
that choice comes from, the CPU and the devices the frameworks see, where
Fashion-MNIST was found and whether it verified, and warns about combinations
known to break the lessons.
"""

from __future__ import annotations

import os
import platform
from importlib import metadata

from .environment import DEFAULT_BACKEND, backend_problem, default_backend, kernel_backend

TF_PINNED = "2.21"  # the `cpu` extra of pyproject.toml pins TensorFlow 2.21.x; the numbers were measured on it
TF_SUPPORTED = ("2.20", "2.21")  # 2.20: Colab's (tested in CI with Colab's Keras and JAX)
DISTRIBUTIONS = ("tensorflow", "tensorflow-cpu", "keras", "jax", "jaxlib", "tf-keras", "tensorboard",
                 "keras-tuner", "papermill", "nbconvert", "ipywidgets", "dnncourse")
ALWAYS_SHOWN = ("keras", "jax")  # printed as "not installed" when missing


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
        warnings.append("TensorFlow is not installed: pip install 'dnncourse[cpu]' (tensorflow-cpu 2.21), "
                        "or keep the tensorflow 2.20 or 2.21 you have.")
    elif not tf.startswith(tuple(v + "." for v in TF_SUPPORTED)):
        warnings.append(f"TensorFlow {tf} is outside the supported {' and '.join(TF_SUPPORTED)}; the lessons' "
                        f"numbers were measured with {TF_PINNED}.")
    if versions.get("tensorflow") and versions.get("tensorflow-cpu"):
        warnings.append("both tensorflow and tensorflow-cpu are installed and overwrite each other's files: "
                        "pip uninstall -y tensorflow-cpu (keep one of the two).")
    if keras is None:
        warnings.append("Keras is not installed: pip install 'keras>=3.13,<4'.")
    elif not keras.startswith("3."):
        warnings.append(f"Keras {keras} is Keras 2: the lessons need Keras 3 (pip install 'keras>=3.13,<4').")
    if versions.get("jax") is None:
        warnings.append(f"jax is not installed: it is the course's default backend ({DEFAULT_BACKEND}); "
                        "pip install 'jax[cpu]>=0.7,<0.11'.")
    if versions.get("tf-keras"):
        warnings.append("tf-keras (Keras 2) is installed; with TF_USE_LEGACY_KERAS=1 it replaces Keras 3.")
    if versions.get("tensorboard") is None:
        warnings.append("tensorboard is missing: Keras Tuner fails every trial without it "
                        "(pip install 'tensorboard>=2.20,<2.22').")
    if versions.get("keras-tuner") is None:
        warnings.append("keras-tuner is missing: the tuning lesson needs it (pip install keras-tuner==1.4.8).")
    if os.environ.get("TF_USE_LEGACY_KERAS", "") in ("1", "true", "True"):
        warnings.append("TF_USE_LEGACY_KERAS is set: tf.keras would be Keras 2; unset it.")
    return warnings


def backend_lines() -> tuple[list[str], list[str]]:
    """What the kernels' backend is and where it comes from; and the warnings about it."""
    lab, source = kernel_backend()
    run, why = default_backend()
    lines = [f"Keras backend of JupyterLab kernels: {lab} (from {source})"]
    if lab != DEFAULT_BACKEND and "kernel spec" not in source:
        lines.append(f"  note: `dnncourse kernel` gives them the course's default, {DEFAULT_BACKEND}")
    lines.append(f"Keras backend of dnncourse run: {run} (from {why}; --backend NAME changes it)")
    problems = []
    for name in dict.fromkeys([lab, run]):
        problem = backend_problem(name)
        if problem:
            problems.append(f"Keras backend {name}: {problem}")
    return lines, problems


def device_lines() -> list[str]:
    """The CPU count and the devices TensorFlow and JAX see."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    lines = [f"CPU cores available: {cores} ({platform.processor() or platform.machine()})"]
    try:
        import tensorflow as tf
        gpus = tf.config.list_physical_devices("GPU")
        lines.append(f"GPUs TensorFlow sees: {len(gpus)}" + "".join(f"\n  {g.name}" for g in gpus))
    except Exception as err:  # noqa: BLE001 - a broken TF install is what doctor reports
        lines.append(f"TensorFlow could not be imported: {type(err).__name__}: {err}")
    try:
        import jax
        lines.append(f"Devices JAX sees: {', '.join(str(d) for d in jax.devices())}")
    except Exception as err:  # noqa: BLE001 - as above
        lines.append(f"JAX could not be imported: {type(err).__name__}: {err}")
    return lines


def data_lines() -> tuple[list[str], bool]:
    """Where Fashion-MNIST was found and whether every file verified."""
    from .. import data

    try:
        label, folder = data.find_fashion_mnist(download=False)
        data.verify_folder(folder)
    except data.DataError as err:
        return [f"Fashion-MNIST: NOT usable\n{err}"], False
    return [f"Fashion-MNIST: found ({label}) in {folder}, all four files verified (SHA-256)"], True


def version_lines() -> tuple[list[str], dict[str, str | None]]:
    """Python's and the installed distributions' versions, read from their metadata (nothing is imported)."""
    versions = {name: version_of(name) for name in DISTRIBUTIONS}
    lines = [f"Python {platform.python_version()} ({platform.system()} {platform.machine()})"]
    if not (versions["tensorflow"] or versions["tensorflow-cpu"]):
        lines.append(f"{'tensorflow':<15} not installed")
    lines += [f"{name:<15} {versions[name] or 'not installed'}" for name in DISTRIBUTIONS
              if versions[name] or name in ALWAYS_SHOWN]
    return lines, versions


def doctor() -> int:
    """Print the report; return 0 when nothing is wrong, 1 otherwise."""
    lines, versions = version_lines()
    print("\n".join(lines))
    lines, backend_problems = backend_lines()
    more, data_ok = data_lines()
    for line in [*lines, *device_lines(), *more]:
        print(line)
    problems = known_problems(versions) + backend_problems
    for problem in problems:
        print(f"WARNING: {problem}")
    if not problems and data_ok:
        print("All good: the lessons should run here.")
    return 0 if not problems and data_ok else 1
