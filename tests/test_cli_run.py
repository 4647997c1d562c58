"""``dnncourse run`` and ``dnncourse report`` on a tiny course (tests/cli_course.py).

The tiny lessons need no TensorFlow, so each kernel takes a few seconds.
"""

from __future__ import annotations

import io
import json
import os
import sys
from contextlib import redirect_stdout
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from dnncourse.tools.cli import main
from dnncourse.tools.course import load_book
from dnncourse.tools.plan import plan_parameters
from cli_course import make_course


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    return make_course(tmp_path_factory.mktemp("course"))


def decoy_kernel_spec(folder: Path) -> Path:
    """A ``python3`` kernel spec like ``dnncourse kernel`` installs, on the other backend; return its JUPYTER_PATH."""
    spec = folder / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "decoy", "language": "python", "env": {"KERAS_BACKEND": "jax"}}))
    return folder


GOOD_REQUEST = ["--profile", "smoke", "-p", "epochs=2"]  # + --params-file (fail: false)


@pytest.fixture(scope="module")
def good_run(course: Path, tmp_path_factory) -> tuple[Path, int, str]:
    """Both lessons in the smoke profile, two at a time, with a parameters file and -p, on TensorFlow.

    Jupyter also finds a ``python3`` kernel spec whose env names jax: it must not decide the run's backend.
    """
    saved = {name: os.environ.get(name) for name in ("OMP_NUM_THREADS", "JUPYTER_PATH")}
    out = tmp_path_factory.mktemp("runs") / "good"
    params = out.parent / "params.yml"
    params.write_text("fail: false\n")
    os.environ["JUPYTER_PATH"] = str(decoy_kernel_spec(out.parent / "jupyter"))
    buffer = io.StringIO()
    try:
        with redirect_stdout(buffer):
            code = main(["run", "--book", str(course), *GOOD_REQUEST, "--params-file", str(params),
                         "--jobs", "2", "--backend", "tensorflow", "--out", str(out)])
        assert os.environ.get("JUPYTER_PATH") == str(out.parent / "jupyter"), "run_all restores the environment"
    finally:
        os.environ.pop("JUPYTER_PATH")
        if saved["JUPYTER_PATH"] is not None:
            os.environ["JUPYTER_PATH"] = saved["JUPYTER_PATH"]
    assert os.environ.get("OMP_NUM_THREADS") == saved["OMP_NUM_THREADS"], "run_all restores the environment"
    return out, code, buffer.getvalue()


def test_run_writes_notebooks_results_and_report(good_run):
    out, code, printed = good_run
    assert code == 0, printed
    assert "2 done" in printed

    state = json.loads((out / "run.json").read_text())
    assert state["profile"] == "smoke" and state["status"] == "done" and state["backend"] == "tensorflow"
    for lesson in ("01_ok", "02_fail"):
        record = state["lessons"][lesson]
        assert record["status"] == "done" and record["seconds"] > 0
        assert record["params"]["epochs"] == 2 and record["params"]["output_dir"] == str(out)

    executed = nbformat.read(out / "notebooks" / "01_ok.ipynb", as_version=4)
    outputs = [o for cell in executed.cells if cell.cell_type == "code" for o in cell.outputs]
    assert any("image/png" in o.get("data", {}) for o in outputs), "the plot is kept in the executed notebook"
    printed_text = "".join(o.get("text", "") for o in outputs)
    assert "epochs 2" in printed_text
    # the kernel's environment and working folder
    assert "DNNCOURSE_HEADLESS=1" in printed_text and "TF_CPP_MIN_LOG_LEVEL=2" in printed_text
    assert "TF_ENABLE_ONEDNN_OPTS=0" in printed_text
    assert "KERAS_BACKEND=tensorflow" in printed_text, "--backend beats the installed python3 kernel spec"
    share = max(1, len(os.sched_getaffinity(0)) // 2)
    assert f"OMP_NUM_THREADS={share}" in printed_text and f"TF_NUM_INTRAOP_THREADS={share}" in printed_text
    assert str(out / "work" / "01_ok") in printed_text

    recorded = json.loads((out / "results" / "01_ok.json").read_text())
    assert [row["variant"] for row in recorded["rows"]] == ["a", "b"]
    assert (out / "run.log").read_text().count("done in") == 2
    assert "Keras backend tensorflow" in (out / "run.log").read_text()


def test_the_run_folder_records_how_its_kernels_started(good_run):
    out, _, _ = good_run
    spec = json.loads((out / "jupyter" / "kernels" / "dnncourse-run" / "kernel.json").read_text())
    assert spec["argv"][0] == sys.executable
    share = str(max(1, len(os.sched_getaffinity(0)) // 2))
    assert spec["env"] == {"TF_CPP_MIN_LOG_LEVEL": "2", "TF_ENABLE_ONEDNN_OPTS": "0", "DNNCOURSE_HEADLESS": "1",
                           "KERAS_BACKEND": "tensorflow", "JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS": "0",
                           "JAX_COMPILATION_CACHE_DIR": str(out / "jax-cache"),
                           "MPLBACKEND": "module://matplotlib_inline.backend_inline",
                           "OMP_NUM_THREADS": share, "TF_NUM_INTRAOP_THREADS": share, "TF_NUM_INTEROP_THREADS": share}


def test_report_ranks_variants_with_spread_and_notes(good_run):
    out, _, _ = good_run
    table = pd.read_csv(out / "report.csv")
    assert list(table["lesson"]) == ["01_ok", "01_ok", "02_fail", "02_fail"]
    assert list(table["variant"]) == ["b", "a", "b", "a"]
    assert list(table["rank"]) == [1, 2, 3, 4]
    assert table.loc[1, "notes_figure"] == pytest.approx(0.85)
    markdown = (out / "report.md").read_text()
    assert "| 01_ok" in markdown and "0.8200 ± 0.0100" in markdown and "0.8500" in markdown
    assert "Profile **smoke**, Keras backend **tensorflow**" in markdown
    assert (out / "report.png").read_bytes()[:4] == b"\x89PNG"


def test_report_command_rewrites_the_report(good_run, capsys):
    out, _, _ = good_run
    (out / "report.md").unlink()
    assert main(["report", str(out)]) == 0
    assert "0.8200 ± 0.0100" in capsys.readouterr().out
    assert (out / "report.md").is_file()


def test_existing_run_folder_is_not_overwritten(course, good_run, capsys):
    out, _, _ = good_run
    assert main(["run", "--book", str(course), "01", "--out", str(out)]) == 2
    assert "--force" in capsys.readouterr().err
    assert json.loads((out / "run.json").read_text())["status"] == "done"


@pytest.mark.parametrize("argv, message", [
    (["-p", "epochs=0"], "epochs=0 is too small"),
    (["-p", "epochs=two"], "has the wrong type"),
    (["-p", "score=high"], "has the wrong type: the lesson's default is 0.8"),
    (["-p", "learning_rate=0.1"], "Unknown parameter 'learning_rate'"),
    (["-p", "01.fail=true"], "unknown parameter(s) fail"),
    (["--profile", "huge"], "Unknown profile 'huge'; book.yml defines: smoke, full"),
    (["07"], "No lesson '07' in book.yml; lessons: 01_ok, 02_fail"),
    (["-p", "output_dir=elsewhere"], "output_dir is the run folder, set by dnncourse itself; use --out instead"),
])
@pytest.mark.parametrize("command", ["run", "prepare"])
def test_bad_requests_are_refused_before_any_kernel(course, tmp_path, capsys, monkeypatch, command, argv, message):
    import papermill

    def no_kernel(*args, **kwargs):
        raise AssertionError("a kernel was started")

    monkeypatch.setattr(papermill, "execute_notebook", no_kernel)
    out = tmp_path / "run"
    assert main([command, "--book", str(course), "--out", str(out), *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert message in err
    if "Unknown parameter" in message:
        assert "epochs" in err and "score" in err  # what is allowed
    assert not out.exists()


def test_failing_lesson_is_reported_and_resume_reruns_only_it(tmp_path, capsys):
    course = make_course(tmp_path / "course")
    out = tmp_path / "run"
    assert main(["run", "--book", str(course), "--out", str(out), "--backend", "tensorflow"]) == 1
    printed = capsys.readouterr().out
    assert "FAILED 02_fail: cell 3 (In [4]): ValueError: tiny lesson broke on purpose" in printed
    assert "--resume" in printed
    state = json.loads((out / "run.json").read_text())
    assert state["status"] == "failed"
    assert state["lessons"]["01_ok"]["status"] == "done"
    assert state["lessons"]["02_fail"]["error"]["cell_index"] == 3
    assert (out / "results" / "01_ok.json").is_file() and not (out / "results" / "02_fail.json").exists()
    assert "02_fail" in (out / "report.md").read_text() and "failed" in (out / "report.md").read_text()
    first_ok = (out / "notebooks" / "01_ok.ipynb").stat().st_mtime_ns

    # The author fixes the lesson; --resume runs only what did not finish.
    lesson = course.parent / "lessons" / "02_fail.ipynb"
    nb = nbformat.read(lesson, as_version=4)
    nb.cells[1].source = nb.cells[1].source.replace("fail = True", "fail = False")
    nbformat.write(nb, lesson)
    assert main(["run", "--resume", str(out), "--backend", "jax"]) == 0
    printed = capsys.readouterr()
    assert "--backend ignored" in printed.err
    assert "KERAS_BACKEND=tensorflow" in (out / "notebooks" / "02_fail.ipynb").read_text(), "the run's own backend"
    printed = printed.out
    assert "2 done" in printed
    assert (out / "notebooks" / "01_ok.ipynb").stat().st_mtime_ns == first_ok
    log = (out / "run.log").read_text()
    assert log.count("[01_ok] started") == 1 and log.count("[02_fail] started") == 2
    assert json.loads((out / "run.json").read_text())["status"] == "done"
    assert main(["run", "--resume", str(out)]) == 0
    assert "Nothing to resume" in capsys.readouterr().out


def test_interrupted_run_says_so_and_keeps_finished_lessons(tmp_path, capsys, monkeypatch):
    import papermill

    course = make_course(tmp_path / "course")
    out = tmp_path / "run"
    real_execute = papermill.execute_notebook

    def ctrl_c_in_second_lesson(input_path, *args, **kwargs):
        if "02_fail" in str(input_path):
            raise KeyboardInterrupt
        return real_execute(input_path, *args, **kwargs)

    monkeypatch.setattr(papermill, "execute_notebook", ctrl_c_in_second_lesson)
    assert main(["run", "--book", str(course), "--out", str(out), "-p", "fail=false"]) == 130
    state = json.loads((out / "run.json").read_text())
    assert state["status"] == "interrupted"
    assert state["lessons"]["01_ok"]["status"] == "done"
    assert state["lessons"]["02_fail"]["status"] == "interrupted"
    assert "--resume" in capsys.readouterr().out


def test_a_stuck_cell_fails_at_the_time_limit(course, tmp_path, capsys):
    out = tmp_path / "run"
    code = main(["run", "--book", str(course), "02", "-p", "fail=false", "-p", "sleep=60",
                 "--timeout", "2", "--out", str(out)])
    assert code == 1
    assert "FAILED 02_fail: cell 3 (In [4]): CellTimeoutError: A cell timed out" in capsys.readouterr().out


def test_resume_and_report_need_a_run_folder(tmp_path, capsys):
    assert main(["run", "--resume", str(tmp_path / "nowhere")]) == 2
    assert "is not a run folder" in capsys.readouterr().err
    assert main(["report", str(tmp_path / "nowhere")]) == 2
    assert "no such run folder" in capsys.readouterr().err


@pytest.mark.parametrize("backend_option, environment", [(["--backend", "torch"], None), ([], "torch")])
def test_an_unknown_backend_is_refused(course, tmp_path, capsys, monkeypatch, backend_option, environment):
    if environment:
        monkeypatch.setenv("KERAS_BACKEND", environment)
    out = tmp_path / "run"
    assert main(["run", "--book", str(course), "--out", str(out), *backend_option]) == 2
    assert capsys.readouterr().err == "error: Unknown Keras backend 'torch'; the course supports: jax, tensorflow.\n"
    assert not out.exists()


def test_prepare_injects_what_run_would_and_resume_executes_it(course, good_run, tmp_path, capsys):
    good, _, _ = good_run
    out = tmp_path / "prepared"
    params = good.parent / "params.yml"
    assert main(["prepare", "--book", str(course), *GOOD_REQUEST, "--params-file", str(params), "--out", str(out)]) == 0
    assert capsys.readouterr().out.splitlines() == [f"prepared {out / 'notebooks' / name}"
                                                    for name in ("01_ok.ipynb", "02_fail.ipynb")]
    state = json.loads((out / "run.json").read_text())
    assert state["status"] == "prepared" and state["backend"] is None
    ran = json.loads((good / "run.json").read_text())
    for lesson in ("01_ok", "02_fail"):  # one way to put a profile's parameters into a lesson
        assert state["lessons"][lesson]["params"] == {**ran["lessons"][lesson]["params"], "output_dir": str(out)}
    book = load_book(course)
    assert plan_parameters(book, ["01_ok"], "smoke", {"epochs": 2}, out)["01_ok"] == state["lessons"]["01_ok"]["params"]

    nb = nbformat.read(out / "notebooks" / "01_ok.ipynb", as_version=4)
    injected = [c.source for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "epochs = 2\n" in injected[0] and f'output_dir = "{out}"' in injected[0]
    assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code"), "prepared, not executed"

    assert main(["run", "--resume", str(out), "01", "--backend", "tensorflow"]) == 1  # 02 is still to run
    assert "1 done, 1 pending" in capsys.readouterr().out
    state = json.loads((out / "run.json").read_text())
    assert state["backend"] == "tensorflow" and state["lessons"]["01_ok"]["status"] == "done"
    assert (out / "results" / "01_ok.json").is_file()
