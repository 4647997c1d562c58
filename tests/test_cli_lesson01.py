"""The real path: ``dnncourse run --profile smoke 01`` executes lesson 01 and records its results."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from dnncourse import data
from dnncourse.tools.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_lesson_01_runs_in_the_smoke_profile(tmp_path, capsys):
    try:
        data.find_fashion_mnist(download=False)
    except data.DataError:
        pytest.skip("Fashion-MNIST is not on this machine (dnncourse data says how to get it)")
    out = tmp_path / "run"
    code = main(["run", "--book", str(ROOT / "book.yml"), "--profile", "smoke", "01",
                 "-p", "epochs=5", "--out", str(out)])
    assert code == 0, capsys.readouterr().out + (out / "logs" / "01_baseline.log").read_text()

    recorded = json.loads((out / "results" / "01_baseline.json").read_text())
    assert recorded["params"]["n_train"] == 2000 and recorded["params"]["epochs"] == 5  # -p beat the profile
    row, at_epoch5 = recorded["rows"]
    assert row["variant"] == "baseline" and row["notes_figure"] is None
    assert 0.1 < row["val_accuracy_mean"] <= 1 and 0.1 < row["test_accuracy_mean"] <= 1
    # the notes scored their baseline after 5 epochs: their figure sits beside our epoch-5 number
    assert at_epoch5["variant"] == "baseline, after 5 epochs" and at_epoch5["notes_figure"] == pytest.approx(0.8722)

    table = pd.read_csv(out / "report.csv")
    assert set(table["variant"]) == {"baseline", "baseline, after 5 epochs"}
    assert set(table["lesson"]) == {"01_baseline"}
    assert "0.8722" in (out / "report.md").read_text()
    assert (out / "notebooks" / "01_baseline.ipynb").is_file()
