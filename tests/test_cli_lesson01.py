"""The real path: ``dnncourse run --profile smoke 01`` executes lesson 01 and records its results."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from dnncourse import data
from dnncourse.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_lesson_01_runs_in_the_smoke_profile(tmp_path, capsys):
    try:
        data.find_fashion_mnist(download=False)
    except data.DataError:
        pytest.skip("Fashion-MNIST is not on this machine (dnncourse data says how to get it)")
    out = tmp_path / "run"
    code = main(["run", "--book", str(ROOT / "book.yml"), "--profile", "smoke", "01", "--out", str(out)])
    assert code == 0, capsys.readouterr().out + (out / "logs" / "01_baseline.log").read_text()

    recorded = json.loads((out / "results" / "01_baseline.json").read_text())
    assert recorded["params"]["n_train"] == 2000 and recorded["params"]["epochs"] == 1
    (row,) = recorded["rows"]
    assert row["variant"] == "baseline" and row["notes_figure"] == pytest.approx(0.8722)
    assert 0.1 < row["val_accuracy_mean"] <= 1 and 0.1 < row["test_accuracy_mean"] <= 1

    table = pd.read_csv(out / "report.csv")
    assert list(table["variant"]) == ["baseline"] and table.loc[0, "lesson"] == "01_baseline"
    assert "0.8722" in (out / "report.md").read_text()
    assert (out / "notebooks" / "01_baseline.ipynb").is_file()
