"""Lesson 08's exercises cannot be passed by a guess: every check gets realistic context and a
list of guesses (the label words, True, None, 0, "", a bare label, right label with wrong numbers,
a reversed sign), all of which must raise ``Wrong``; the right answer passes, and no wrong-answer
message gives the right value away."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from graded_checks import checks_as_graded  # noqa: F401 - every test also runs as graded
from dnncourse.exercises import CHECKS
from dnncourse.exercises.expect import Wrong

LABEL_WORDS = ["better", "worse", "undecided", "within the spread", "one seed: no spread"]
BLANK_GUESSES = [True, False, None, 0, 0.0, "", *LABEL_WORDS]


def wrong(check, answer, **context) -> str:
    with pytest.raises(Wrong) as raised:
        check(answer, **context)
    return str(raised.value)


# --- 08.1: the final model's learning rate after the validated run's steps -----------------------

RATE_CONTEXT = {"learning_rate": 1e-3, "train_images": 48_000, "full_images": 60_000, "batch_size": 250,
                "epochs": 15}


def right_rate() -> float:
    validated, total = 192 * 15, 240 * 15
    return 1e-3 * 0.5 * (1 + math.cos(math.pi * validated / total))


def test_08_1_the_right_rate_passes():
    assert "still runs at" in CHECKS["08.1"](right_rate(), **RATE_CONTEXT)
    assert CHECKS["08.1"](np.float32(right_rate()), **RATE_CONTEXT)  # a NumPy number is a number


@pytest.mark.parametrize("guess", [*BLANK_GUESSES, {"label": "better"}, 1e-3, 1.0, 0.5, -right_rate(),
                                   1e-3 * (1 - 192 / 240), right_rate() / 1e-3, right_rate() * 1.01])
def test_08_1_guesses_are_wrong(guess):
    message = wrong(CHECKS["08.1"], guess, **RATE_CONTEXT)
    for shown in (f"{right_rate():.3g}", f"{right_rate():.4g}", f"{right_rate():.6f}", repr(right_rate())):
        assert shown not in message, message


# --- 08.2: a search space with one width per layer --------------------------------------------------


def build_funnel(hp):
    import keras

    n_layers = hp.Int("layers", 1, 3)
    dropout = hp.Float("dropout", 0.0, 0.5, step=0.1)
    learning_rate = hp.Float("learning_rate", 1e-4, 1e-2, sampling="log")
    model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten()])
    for i in range(1, n_layers + 1):
        model.add(keras.layers.Dense(hp.Choice(f"units_{i}", [64, 128, 256]), activation="relu",
                                     kernel_initializer="he_normal"))
        model.add(keras.layers.Dropout(dropout))
    model.add(keras.layers.Dense(10, activation="softmax"))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def shared_units(hp):
    """The lesson's own mistake to avoid: one "units" for every layer."""
    import keras

    n_layers = hp.Int("layers", 1, 3)
    units = hp.Choice("units", [64, 128, 256])
    dropout = hp.Float("dropout", 0.0, 0.5, step=0.1)
    learning_rate = hp.Float("learning_rate", 1e-4, 1e-2, sampling="log")
    model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten()])
    for _ in range(n_layers):
        model.add(keras.layers.Dense(units, activation="relu", kernel_initializer="he_normal"))
        model.add(keras.layers.Dropout(dropout))
    model.add(keras.layers.Dense(10, activation="softmax"))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy")
    return model


def test_08_2_the_right_space_passes():
    pytest.importorskip("keras_tuner")
    assert "39 width combinations" in CHECKS["08.2"](build_funnel)


@pytest.mark.parametrize("guess", [*BLANK_GUESSES, {"label": "better"}, "build_funnel", shared_units,
                                   lambda: None])
def test_08_2_guesses_are_wrong(guess):
    pytest.importorskip("keras_tuner")
    wrong(CHECKS["08.2"], guess)


def test_08_2_a_built_model_is_not_the_function():
    pytest.importorskip("keras_tuner")
    import keras_tuner

    message = wrong(CHECKS["08.2"], build_funnel(keras_tuner.HyperParameters()))
    assert "function" in message


# --- 08.3: the grid's best point against its runner-up, fold by fold -----------------------------

FOLDS = {"best": [0.842, 0.851, 0.838], "runner-up": [0.835, 0.845, 0.830], "third": [0.821, 0.830, 0.826],
         "last": [0.801, 0.812, 0.797]}


def grid_table(folds=FOLDS) -> pd.DataFrame:
    rows = []
    for i, (name, scores) in enumerate(folds.items()):
        row = {"units": [512, 128, 512, 128][i], "learning_rate": [1e-3, 1e-3, 3e-3, 3e-3][i]}
        row.update({f"fold_{k + 1}": s for k, s in enumerate(scores)})
        row.update(mean_fold_accuracy=float(np.mean(scores)), std_fold_accuracy=float(np.std(scores)), rank=i + 1)
        rows.append(row)
    return pd.DataFrame(rows).sample(frac=1.0, random_state=3)  # the check must not rely on the order


def right_pair(folds=FOLDS) -> dict:
    differences = np.subtract(folds["best"], folds["runner-up"])
    n = len(differences)
    half = stats.t.ppf(0.975, n - 1) * differences.std(ddof=1) / math.sqrt(n)
    mean = differences.mean()
    low, high = mean - half, mean + half
    label = "undecided" if low <= 0 <= high else ("better" if low > 0 else "worse")
    return {"difference": mean, "low": low, "high": high, "label": label}


def test_08_3_the_right_answer_passes_and_is_decided_here():
    answer = right_pair()
    assert answer["label"] == "better"  # the context is built so that the label is decided
    assert "3 folds, so better" in CHECKS["08.3"](answer, grid_table=grid_table())
    rounded = {k: round(v, 4) if isinstance(v, float) else v for k, v in answer.items()}
    CHECKS["08.3"](rounded, grid_table=grid_table())  # four decimals pass


def test_08_3_an_undecided_pair_passes_with_its_label():
    folds = {**FOLDS, "runner-up": [0.845, 0.840, 0.836]}
    answer = right_pair(folds)
    assert answer["label"] == "undecided"
    CHECKS["08.3"](answer, grid_table=grid_table(folds))


def guesses_08_3() -> list:
    right = right_pair()
    guesses = [*BLANK_GUESSES, {"label": "better"}, {"label": right["label"]}, [right["difference"]],
               {**right, "label": "undecided"}, {**right, "label": "worse"},
               {**right, "difference": -right["difference"], "low": -right["high"], "high": -right["low"]},
               {**right, "difference": right["difference"] + 0.003},
               {**right, "low": right["low"] - 0.004, "high": right["high"] + 0.004},
               {**right, "low": right["difference"] - 1e-4, "high": right["difference"] + 1e-4},
               {"difference": 0.0, "low": 0.0, "high": 0.0, "label": "better"},
               {"difference": None, "low": None, "high": None, "label": "better"}]
    # the unpaired gap of the means with a 1.96 interval of the fold spread: the wrong statistic
    spread = 1.96 * (np.std(FOLDS["best"]) + np.std(FOLDS["runner-up"])) / 2
    guesses.append({"difference": right["difference"], "low": right["difference"] - spread,
                    "high": right["difference"] + spread, "label": "undecided"})
    return guesses


@pytest.mark.parametrize("guess", guesses_08_3())
def test_08_3_guesses_are_wrong(guess):
    right = right_pair()
    message = wrong(CHECKS["08.3"], guess, grid_table=grid_table())
    for key in ("difference", "low", "high"):
        for shown in (f"{right[key]:.4f}", f"{right[key]:+.4f}", f"{right[key]:.3f}"):
            assert shown not in message, (key, message)


def test_08_3_needs_the_fold_columns():
    wrong(CHECKS["08.3"], right_pair(), grid_table=grid_table().drop(columns=["fold_1", "fold_2", "fold_3"]))
    wrong(CHECKS["08.3"], right_pair(), grid_table="grid_table")
