"""The kernels that execute lessons, and the one call that executes a notebook.

``kernel_environment`` is what every headless kernel starts with (``KERNEL_ENV``,
the backend, inline plots, a share of the cores, a JAX cache of the run's own);
``write_run_kernel`` puts that into a kernel spec inside the run folder;
``execute`` runs a notebook with papermill in such a kernel (``dnncourse run``;
``dnncourse grade`` runs its sandboxed kernels with nbclient itself); ``describe_error`` says where it failed.
"""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Iterator

from .environment import kernel_env

RUN_KERNEL = "dnncourse-run"  # the kernel spec each run writes into its folder
# Plots stay in the executed notebook even where MPLBACKEND=Agg is set (CI, tests).
INLINE_PLOTS = {"MPLBACKEND": "module://matplotlib_inline.backend_inline"}
THREAD_VARS = ("OMP_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")
QUIET_KERNEL = ["--IPKernelApp.log_level=CRITICAL"]  # no kernel chatter on the console


def kernel_environment(jobs: int, backend: str, folder: Path) -> dict[str, str]:
    """Environment for the kernels: ``KERNEL_ENV`` with ``backend``, inline plots, a share of the
    cores, and a JAX compilation cache of the run's own (``folder/jax-cache``: every run starts cold)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    share = str(max(1, cores // max(1, jobs)))
    return {**kernel_env(backend, headless=True, cache=folder / "jax-cache"), **INLINE_PLOTS,
            **{name: share for name in THREAD_VARS}}


def write_run_kernel(folder: Path, env: dict[str, str], name: str = RUN_KERNEL) -> Path:
    """Write the kernel spec of this run's kernels into the run folder; return its ``jupyter`` folder.

    This Python, with ``env`` as the spec's ``env``. The runner finds it through
    ``JUPYTER_PATH``, so the ``python3`` spec that ``dnncourse kernel`` installs for
    JupyterLab (whose ``env`` would win over ours) never decides a run's backend,
    and the folder records how its kernels started.
    """
    from ipykernel.kernelspec import write_kernel_spec

    spec = folder / "jupyter" / "kernels" / name
    shutil.rmtree(spec, ignore_errors=True)  # a resumed run may use other settings
    write_kernel_spec(spec, overrides={"env": env, "display_name": f"dnncourse run ({env['KERAS_BACKEND']})"})
    return folder / "jupyter"


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables inside (``JUPYTER_PATH`` for a run); restore them afterwards."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def execute(source: Path, target: Path, parameters: dict[str, Any], kernel: str, timeout: int,
            workdir: Path | None = None, log: IO[str] | None = None, progress: dict | bool = False) -> None:
    """Execute the notebook ``source`` into ``target`` with papermill, in the kernel spec ``kernel``.

    ``workdir`` is the kernel's current folder (papermill's own ``cwd=`` would change the
    folder of this whole process); ``log`` receives the kernel's stdout and stderr;
    ``timeout`` is the most seconds one cell may take (papermill can stall on a widget).
    Raises what papermill raises; ``describe_error`` turns that into a record.
    """
    import papermill

    options: dict[str, Any] = {}
    if workdir is not None:
        options["resources"] = {"metadata": {"path": str(workdir)}}
    if log is not None:
        options.update(stdout_file=log, stderr_file=log)
    papermill.execute_notebook(str(source), str(target), parameters=parameters, kernel_name=kernel,
                               progress_bar=progress, execution_timeout=timeout, extra_arguments=QUIET_KERNEL,
                               **options)


def describe_error(err: BaseException, notebook: Path) -> dict:
    """Where and why a lesson failed: error name and message, and the failing cell.

    ``cell_index`` counts the cells of the lesson's own notebook from 0 (papermill's
    injected-parameters cell and its red error banners are not counted), so it points
    at the cell to fix; ``exec_count`` is the ``In [n]`` shown beside it when executed.
    """
    # papermill's own error carries the exception's message; others (timeouts) start with a summary line
    message = str(getattr(err, "evalue", "") or err).strip().splitlines()
    info = {"ename": getattr(err, "ename", type(err).__name__), "evalue": message[0] if message else "",
            "cell_index": getattr(err, "cell_index", None), "exec_count": getattr(err, "exec_count", None)}
    if notebook.is_file():
        import nbformat
        added_by_papermill = {"injected-parameters", "papermill-error-cell-tag"}
        cells = [c for c in nbformat.read(notebook, as_version=4).cells
                 if not added_by_papermill & set(c.get("metadata", {}).get("tags", []))]
        meta = [c.get("metadata", {}).get("papermill", {}) for c in cells]
        failed = [i for i, m in enumerate(meta) if m.get("status") == "failed"]
        started = [i for i, m in enumerate(meta) if m.get("start_time")]  # a timeout or a dead kernel
        index = failed[0] if failed else started[-1] if started else None
        if index is not None:
            info["cell_index"], info["exec_count"] = index, cells[index].get("execution_count")
    return info


def cell_label(error: dict) -> str:
    """'cell 11 (In [7])' for messages: the lesson notebook's cell index, then its execution count."""
    if error.get("cell_index") is None:
        return "no cell (the kernel did not start or papermill failed)"
    label = f"cell {error['cell_index']}"
    if error.get("exec_count") is not None:
        label += f" (In [{error['exec_count']}])"
    return label
