"""Lesson 08 with a tiny search subset: a clear parameter error, never scikit-learn's StratifiedKFold traceback.

GridSearchCV's stratified folds need at least ``cv_folds`` images of every class in the
search subset. The parameter rules accept ``search_n_train`` from 10 and ``cv_folds`` from 2,
so values such as ``search_n_train=10, cv_folds=2`` (one image per class) used to pass the
checks and then fail deep inside scikit-learn. The lesson now stops in its parameter cell
with a ParameterError that names the fix, and runs when ``search_n_train >= 10 * cv_folds``.
"""

from __future__ import annotations

import json
from pathlib import Path

import papermill
import pytest

from dnncourse import data

ROOT = Path(__file__).resolve().parents[1]
LESSON = ROOT / "lessons" / "08_tuning.ipynb"
# Everything as small as the rules allow, so a full run takes seconds of training.
TINY = {"candidate_epochs": [1], "n_train": 500, "n_seeds": 1, "batch_size": 250, "max_trials": 1,
        "search_epochs": 1, "grid_points": 2}


@pytest.fixture
def headless(monkeypatch):
    try:
        data.find_fashion_mnist(download=False)
    except data.DataError:
        pytest.skip("Fashion-MNIST is not on this machine (dnncourse data says how to get it)")
    monkeypatch.setenv("DNNCOURSE_HEADLESS", "1")
    monkeypatch.setenv("MPLBACKEND", "Agg")


def run_lesson(tmp_path: Path, **params) -> None:
    papermill.execute_notebook(str(LESSON), str(tmp_path / "08_out.ipynb"), kernel_name="python3",
                               parameters={**TINY, "output_dir": str(tmp_path / "run"), **params},
                               cwd=str(tmp_path), progress_bar=False, execution_timeout=300)


@pytest.mark.parametrize("search_n_train, cv_folds", [(10, 2), (25, 3)])
def test_too_few_search_images_for_the_folds_stop_with_a_clear_message(tmp_path, headless,
                                                                        search_n_train, cv_folds):
    with pytest.raises(papermill.PapermillExecutionError) as raised:
        run_lesson(tmp_path, search_n_train=search_n_train, cv_folds=cv_folds)
    error = raised.value
    assert error.ename == "ParameterError"
    assert f"search_n_train={search_n_train} is too small for cv_folds={cv_folds}" in error.evalue
    assert f"search_n_train >= {10 * cv_folds}" in error.evalue  # the fix, spelled out
    traceback = "".join(error.traceback)
    assert "n_splits" not in traceback and "sklearn" not in traceback  # not scikit-learn's own error
    assert not (tmp_path / "run" / "keras_tuner").exists(), "nothing may train before the check"


def test_the_smallest_allowed_search_subset_runs_to_the_end(tmp_path, headless):
    run_lesson(tmp_path, search_n_train=30, cv_folds=3)  # 3 images of each class: one per fold
    recorded = json.loads((tmp_path / "run" / "results" / "08_tuning.json").read_text())
    assert recorded["params"]["search_n_train"] == 30 and recorded["params"]["cv_folds"] == 3
    assert recorded["facts"]["final_epochs"] == 1
    variants = [row["variant"] for row in recorded["rows"]]
    assert variants == ["baseline", "chosen, 1 epochs", "final model (train + validation)"]
    final = recorded["rows"][-1]
    assert 0.0 < final["test_accuracy_mean"] <= 1.0 and final["notes_figure"] == pytest.approx(0.8967)


@pytest.mark.parametrize("batch_norm", [False, True])
def test_search_space_batch_norm_switch(batch_norm):
    # hp.Boolean("batch_norm"): Dense without bias, BatchNormalization, then the activation.
    import keras
    import keras_tuner

    from dnncourse.search_space import build_model

    hp = keras_tuner.HyperParameters()
    hp.Fixed("layers", 2)
    hp.Fixed("batch_norm", batch_norm)
    model = build_model(hp)
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds.count("BatchNormalization") == (2 if batch_norm else 0)
    hidden = [layer for layer in model.layers if layer.name.startswith("dense_")]
    assert len(hidden) == 2 and all(layer.use_bias == (not batch_norm) for layer in hidden)
    if batch_norm:
        assert kinds[kinds.index("BatchNormalization") + 1] == "Activation"
