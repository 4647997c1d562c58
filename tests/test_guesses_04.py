"""Lesson 04's exercises: no guess passes, the right answer does, and no wrong-answer message gives it away."""

import numpy as np
import pandas as pd
import pytest

from guesses import GUESSES, labels_need_their_facts, wrong
from graded_checks import checks_as_graded  # noqa: F401 - every test also runs as graded
from dnncourse.exercises import CHECKS
from dnncourse.exercises.expect import NotAnswered
from dnncourse.verdicts import paired_verdict



def network(rate=None, factor=1e-4, penalty="l2"):
    import keras

    def regularizer():
        return keras.regularizers.L2(factor) if penalty == "l2" else keras.regularizers.L1(factor)

    layers = [keras.Input(shape=(28, 28)), keras.layers.Flatten(),
              keras.layers.Dense(100, activation="relu", kernel_regularizer=regularizer())]
    if rate is not None:
        layers.append(keras.layers.Dropout(rate))
    layers += [keras.layers.Dense(300, activation="relu", kernel_regularizer=regularizer()),
               keras.layers.Dense(10, activation="softmax", kernel_regularizer=regularizer())]
    model = keras.Sequential(layers)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


# --- 04.1: l2_penalty(kernels, factor) ------------------------------------------------------------

@pytest.fixture(scope="module")
def l2_model():
    return network()


def right_l2(kernels, factor):
    return factor * sum(float(np.sum(np.asarray(k) ** 2)) for k in kernels)


def expected_l2(model):
    kernels = [layer.get_weights()[0] for layer in model.layers if hasattr(layer, "kernel")]
    return right_l2(kernels, 1e-4)


@pytest.mark.parametrize("guess", GUESSES)
def test_04_1_guesses_do_not_pass(guess, l2_model):
    message = wrong("04.1", guess, model=l2_model)
    assert f"{expected_l2(l2_model):.4f}" not in message


@pytest.mark.parametrize("near_miss", [
    lambda kernels, factor: sum(float(np.sum(k ** 2)) for k in kernels),                 # no factor
    lambda kernels, factor: factor / 2 * sum(float(np.sum(k ** 2)) for k in kernels),     # λ/2
    lambda kernels, factor: factor * sum(float(np.linalg.norm(k)) for k in kernels),      # norm, not squares
    lambda kernels, factor: factor * sum(float(np.mean(k ** 2)) for k in kernels),        # mean
    lambda kernels, factor: factor * float(np.sum(kernels[0] ** 2)),                      # one kernel
    lambda kernels, factor: factor * sum(float(np.sum(np.abs(k))) for k in kernels),      # L1
    lambda kernels, factor: -factor * sum(float(np.sum(k ** 2)) for k in kernels),        # reversed sign
    lambda kernels, factor: 1e-4 * 99.0,                                                  # a constant
    lambda kernels, factor: "0.05",
])
def test_04_1_near_misses_are_wrong_without_the_answer(near_miss, l2_model):
    message = wrong("04.1", near_miss, model=l2_model)
    assert f"{expected_l2(l2_model):.4f}" not in message


def test_04_1_a_function_that_reads_the_model_is_wrong(l2_model):
    value = expected_l2(l2_model)
    assert "other kernels" in wrong("04.1", lambda kernels, factor: value, model=l2_model)


def test_04_1_right_answer_passes(l2_model):
    assert "λ·Σw²" in CHECKS["04.1"](right_l2, model=l2_model)


# --- 04.2: build_dropout_l2(rate=0.3, factor=1e-4) -------------------------------------------------

def right_builder(rate=0.3, factor=1e-4):
    return network(rate, factor)


@pytest.mark.parametrize("guess", GUESSES)
def test_04_2_guesses_do_not_pass(guess):
    wrong("04.2", guess)


@pytest.mark.parametrize("near_miss", [
    lambda rate=0.3, factor=1e-4: network(None, factor),                  # no dropout
    lambda rate=0.3, factor=1e-4: network(0.3, factor),                   # rate ignored
    lambda rate=0.3, factor=1e-4: network(rate, 1e-4),                    # factor ignored
    lambda rate=0.3, factor=1e-4: network(rate, factor, penalty="l1"),    # L1, not L2
    lambda rate=0.3, factor=1e-4: network(rate, 0.01),                    # the string "l2"'s factor
    lambda rate=0.25, factor=1e-4: network(rate, factor),                 # wrong default rate
    lambda: network(0.3, 1e-4),                                           # no arguments
])
def test_04_2_near_misses_are_wrong(near_miss):
    wrong("04.2", near_miss)


def test_04_2_a_model_instead_of_the_function_is_wrong():
    wrong("04.2", right_builder())


def test_04_2_shared_layers_are_wrong():
    made = right_builder()

    def same_model(rate=0.3, factor=1e-4):
        return made if (rate, factor) == (0.3, 1e-4) else network(rate, factor)

    assert "share" in wrong("04.2", same_model)


def test_04_2_right_answer_passes():
    assert "fresh" in CHECKS["04.2"](right_builder)


# --- 04.3: a paired verdict on the lowest validation loss -----------------------------------------

def runs_table(shift):
    rng = np.random.default_rng(3)
    plain = 0.310 + rng.normal(0, 0.002, 3)
    rows = [{"variant": "100-300", "seed": s, "min_val_ce": v, "val_accuracy": 0.888} for s, v in enumerate(plain)]
    rows += [{"variant": "Dropout(0.3)", "seed": s, "min_val_ce": v + shift + rng.normal(0, 0.003), "val_accuracy": 0.89}
             for s, v in enumerate(plain)]
    rows += [{"variant": "L2 penalty", "seed": s, "min_val_ce": 0.32, "val_accuracy": 0.88} for s in range(3)]
    return pd.DataFrame(rows)


def right_3(table):
    v = paired_verdict(table, "Dropout(0.3)", "100-300", "min_val_ce", higher_is_better=False)
    return {key: v[key] for key in ("difference", "low", "high", "label")}


@pytest.fixture(params=[-0.015, 0.0, 0.015], ids=["better", "undecided", "worse"])
def table(request):
    return runs_table(request.param)


@pytest.mark.parametrize("guess", GUESSES)
def test_04_3_guesses_do_not_pass(guess, table):
    message = wrong("04.3", guess, table=table)
    right = right_3(table)
    assert f"{right['difference']:+.4f}" not in message and f"{right['difference']:.4f}" not in message


def test_04_3_the_labels_need_their_facts(table):
    labels_need_their_facts("04.3", right_3(table), table=table)


def test_04_3_near_misses_are_wrong_without_the_answer(table):
    right = right_3(table)
    plain = table.set_index(["variant", "seed"])["min_val_ce"]
    unpaired = float(plain.loc["Dropout(0.3)"].mean() - plain.loc["100-300"].mean())
    misses = [
        {**right, "difference": -right["difference"], "low": -right["high"], "high": -right["low"]},   # reversed
        {**right, "low": right["difference"] - 1.96 * (right["high"] - right["difference"]) / 4.30,
         "high": right["difference"] + 1.96 * (right["high"] - right["difference"]) / 4.30},           # z, not t
        {**right, "low": right["low"] - 0.01, "high": right["high"] + 0.01},                           # too wide
        {**right, "difference": right["difference"] + 0.01},
        {**right, "difference": True},
        {**right, "label": "within the spread"},
    ]
    if abs(right["difference"]) > 1e-3:
        misses.append({**right, "difference": 0.0})
    for miss in misses:
        message = wrong("04.3", miss, table=table)
        assert f"{right['low']:+.4f}" not in message and f"{right['high']:+.4f}" not in message
    assert abs(unpaired - right["difference"]) < 1e-12  # the mean difference is the difference of means


def test_04_3_right_answer_passes(table):
    right = right_3(table)
    assert right["label"] in CHECKS["04.3"](right, table=table)
    rounded = {k: round(v, 4) if isinstance(v, float) else v for k, v in right.items()}
    CHECKS["04.3"](rounded, table=table)


def test_04_3_the_table_must_be_the_runs():
    wrong("04.3", {"difference": 0.0, "low": -1.0, "high": 1.0, "label": "undecided"}, table=pd.DataFrame())


def test_04_3_a_dict_still_holding_dots_is_unanswered():
    with pytest.raises(NotAnswered):
        CHECKS["04.3"]({"difference": ..., "low": ..., "high": ..., "label": ...}, table=None)
