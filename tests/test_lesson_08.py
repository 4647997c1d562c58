"""Lesson 08's parameters: a clear error for a search subset too small for its folds, never
scikit-learn's StratifiedKFold traceback; and its search space's batch-norm switch.

GridSearchCV's stratified folds need at least ``cv_folds`` images of every class in the
search subset. ``dnncourse.params`` refuses ``search_n_train < 10 * cv_folds`` in the
lesson's parameter cell and in ``dnncourse run`` before any kernel starts; the smallest
allowed subset runs to the end in the course run (tests/test_course_run.py). Also: the
facts about Keras' own scikit-learn wrapper that the lesson's grid search rests on.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import dnncourse as dc
from dnncourse.tools.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("search_n_train, cv_folds", [(10, 2), (25, 3)])
def test_too_few_search_images_for_the_folds_are_refused_with_the_fix(search_n_train, cv_folds):
    with pytest.raises(dc.ParameterError) as raised:
        dc.check_parameters(search_n_train=search_n_train, cv_folds=cv_folds)
    message = str(raised.value)
    assert f"search_n_train={search_n_train} is too small for cv_folds={cv_folds}" in message
    assert f"search_n_train >= {10 * cv_folds}" in message  # the fix, spelled out
    dc.check_parameters(search_n_train=10 * cv_folds, cv_folds=cv_folds)  # the smallest allowed passes


def test_dnncourse_run_refuses_them_before_any_kernel(tmp_path, capsys, no_kernel):
    out = tmp_path / "run"
    code = main(["run", "08", "--book", str(ROOT / "book.yml"), "--out", str(out), "-p", "search_n_train=25",
                 "-p", "cv_folds=3"])
    err = capsys.readouterr().err
    assert code == 2 and "08_tuning: search_n_train=25 is too small for cv_folds=3" in err
    assert not out.exists(), "the run folder was created for a refused request"


def test_candidate_epochs_must_be_whole_numbers():
    for wrong in ([], [0], [10, 2.5], [True]):
        with pytest.raises(dc.ParameterError, match="candidate_epochs=.*expected a list of ints >= 1"):
            dc.check_parameters(candidate_epochs=wrong)
    assert dc.check_parameters(candidate_epochs=[10, 25]) == {"candidate_epochs": [10, 25]}


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


def test_keras_sklearn_wrapper_behaves_as_the_lesson_says():
    # Section 4 builds on four facts about keras.wrappers.SKLearnClassifier: the build function gets X
    # and y (plus model_kwargs), the labels arrive one-hot, inputs must be 2-D, and the copy made for
    # each fold (sklearn.base.clone) drops fit_kwargs, so the lesson passes epochs to grid.fit.
    import keras
    import numpy as np
    from sklearn.base import clone

    seen = {}

    def build(X, y, units=8):
        seen.update(x_shape=X.shape, y_shape=y.shape, units=units)
        model = keras.Sequential([keras.Input(shape=(X.shape[1],)), keras.layers.Dense(units, activation="relu"),
                                  keras.layers.Dense(y.shape[1], activation="softmax")])
        model.compile(optimizer="adam", loss="categorical_crossentropy")
        return model

    wrapper = keras.wrappers.SKLearnClassifier(model=build, model_kwargs={"units": 4},
                                               fit_kwargs={"epochs": 1, "verbose": 0})
    assert clone(wrapper).fit_kwargs is None and clone(wrapper).model_kwargs == {"units": 4}
    rng = np.random.default_rng(0)
    x, y = rng.random((40, 6), dtype="float32"), np.arange(40) % 10
    wrapper.fit(x, y, epochs=1, verbose=0)
    assert seen == {"x_shape": (40, 6), "y_shape": (40, 10), "units": 4}
    assert set(wrapper.classes_) == set(range(10))
    with pytest.raises(ValueError, match="dim 3"):
        clone(wrapper).fit(x.reshape(40, 2, 3), y, epochs=1, verbose=0)
