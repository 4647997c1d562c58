"""dnncourse bench: times the course's models per backend and writes a side-by-side table.

The numbers are never checked against a target (a benchmark, not a timed test);
only that every backend gave positive timings and that the tables are complete.
"""

import importlib.util

import pandas as pd
import pytest

from dnncourse.tools import bench

BOTH = ["jax", "tensorflow"]
MISSING = [name for name in BOTH if importlib.util.find_spec(name) is None]


def no_worker(*args, **kwargs):
    raise AssertionError("a worker was started")


@pytest.mark.skipif(bool(MISSING), reason=f"backend not installed: {MISSING}")
def test_bench_times_both_backends_side_by_side(tmp_path, capsys):
    out = tmp_path / "bench"
    code = bench.main(["--quick", "--models", "baseline", "--epochs", "2", "--n-train", "500",
                       "--backends", *BOTH, "--out", str(out)])
    assert code == 0
    table = pd.read_csv(out / "bench.csv")
    assert sorted(table["backend"]) == BOTH
    assert (table["status"] == "ok").all()
    assert (table["model"] == "baseline").all() and (table["n_train"] == 500).all()
    for column in ["first_epoch_s", "warm_s_per_epoch", "peak_mib", "params"]:
        assert (table[column] > 0).all(), column
    markdown = (out / "bench.md").read_text()
    assert "speed-up" in markdown and "jax warm s/epoch" in markdown and "tensorflow peak MiB" in markdown
    assert markdown.startswith("Machine: ") and "n_train 500, 2 epochs" in markdown
    assert markdown.strip() in capsys.readouterr().out


def test_unknown_model_is_refused_before_any_worker(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(bench.subprocess, "run", no_worker)
    with pytest.raises(SystemExit) as stop:
        bench.main(["--models", "baseline", "resnet", "--out", str(tmp_path / "bench")])
    assert stop.value.code == 2
    message = capsys.readouterr().err
    assert "resnet" in message
    assert all(name in message for name in bench.MODEL_NAMES)
    assert not (tmp_path / "bench").exists()


def test_one_epoch_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(bench.subprocess, "run", no_worker)
    with pytest.raises(SystemExit) as stop:
        bench.main(["--epochs", "1", "--out", str(tmp_path / "bench")])
    assert stop.value.code == 2
    assert "at least 2 epochs" in capsys.readouterr().err


@pytest.mark.skipif(importlib.util.find_spec("torch") is not None, reason="torch is installed")
def test_a_failed_worker_is_a_table_row_and_exit_1(tmp_path, capsys):
    out = tmp_path / "bench"
    code = bench.main(["--quick", "--models", "baseline", "--backends", "torch", "--out", str(out)])
    assert code == 1
    table = pd.read_csv(out / "bench.csv")
    assert table.loc[0, "status"].startswith("failed: ") and "torch" in table.loc[0, "status"]
    assert "failed: " in (out / "bench.md").read_text()
    assert "Traceback" not in capsys.readouterr().out
    assert "Traceback" in (out / "logs" / "torch-baseline.log").read_text()  # the details stay in the log
