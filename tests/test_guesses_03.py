"""Lesson 03's exercises: no guess passes, the right answer does, and no wrong-answer message gives it away."""

import numpy as np
import pandas as pd
import pytest

from guesses import GUESSES as BASE_GUESSES, wrong
from graded_checks import checks_as_graded  # noqa: F401 - every test also runs as graded
from dnncourse.exercises import CHECKS
from dnncourse.exercises.expect import NotAnswered
from dnncourse.verdicts import paired_verdict

GUESSES = [*BASE_GUESSES, "one seed: no spread"]
DEEP, REFERENCE = "deep 512…128 Adam", "300→100 Adam (deep's budget)"


# --- 03.1: gradient steps up to the best epoch ------------------------------------------------------

HISTORY = {"loss": [0.52, 0.36, 0.32, 0.29, 0.27, 0.25, 0.23, 0.22],
           "val_loss": [0.41, 0.36, 0.34, 0.33, 0.31, 0.32, 0.33, 0.35]}   # lowest at epoch 5
N_TRAIN, BATCH = 48_000, 128
RIGHT_STEPS = 5 * 375


def test_03_1_the_right_answer_passes():
    assert "1,875" in CHECKS["03.1"](RIGHT_STEPS, history=HISTORY, n_train=N_TRAIN, batch_size=BATCH)


@pytest.mark.parametrize("guess", [*GUESSES, 4 * 375, 5, 375, 8 * 375, 5 * 1500, 6 * 375])
def test_03_1_guesses_and_near_misses_are_wrong_without_the_answer(guess):
    message = wrong("03.1", guess, history=HISTORY, n_train=N_TRAIN, batch_size=BATCH)
    assert "1875" not in message.replace(",", "")


@pytest.mark.parametrize("guess", [-RIGHT_STEPS, RIGHT_STEPS + 0.5, str(RIGHT_STEPS)])
def test_03_1_a_reversed_sign_a_fraction_or_a_string_is_wrong(guess):
    wrong("03.1", guess, history=HISTORY, n_train=N_TRAIN, batch_size=BATCH)


def test_03_1_the_last_partial_batch_counts():
    history = {"loss": [0.5, 0.4, 0.3], "val_loss": [0.5, 0.4, 0.45]}            # lowest at epoch 2
    assert "round" in wrong("03.1", 2 * (6000 // 128), history=history, n_train=6000, batch_size=128)
    CHECKS["03.1"](2 * 47, history=history, n_train=6000, batch_size=128)


# --- 03.2: SGD with four times the default learning rate --------------------------------------------

def network(first=300, second=100, optimizer=None):
    import keras

    model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                              keras.layers.Dense(first, activation="relu"),
                              keras.layers.Dense(second, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=optimizer if optimizer is not None else keras.optimizers.SGD(learning_rate=0.04),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def test_03_2_the_right_answer_passes():
    assert "four times" in CHECKS["03.2"](network)


@pytest.mark.parametrize("guess", GUESSES)
def test_03_2_guesses_do_not_pass(guess):
    wrong("03.2", guess)


def test_03_2_near_misses_are_wrong_without_the_answer():
    import keras

    near_misses = {
        "default rate": lambda: network(optimizer=keras.optimizers.SGD()),
        "rate / 4": lambda: network(optimizer=keras.optimizers.SGD(learning_rate=0.0025)),
        "rate x 2": lambda: network(optimizer=keras.optimizers.SGD(learning_rate=0.02)),
        "momentum": lambda: network(optimizer=keras.optimizers.SGD(learning_rate=0.04, momentum=0.9)),
        "Adam": lambda: network(optimizer=keras.optimizers.Adam(learning_rate=0.04)),
        "model 1's order": lambda: network(100, 300),
    }
    for name, build in near_misses.items():
        message = wrong("03.2", build)
        assert "0.04" not in message, name
    shared = network()
    wrong("03.2", lambda: shared)


# --- 03.3: paired verdict on the fixed-subset training loss -----------------------------------------

def runs(deep_minus_ref=(0.010, 0.014, 0.008), epochs=10):
    rows = []
    for seed, delta in enumerate(deep_minus_ref):
        reference = 0.21 + 0.003 * seed
        rows.append({"variant": REFERENCE, "seed": seed, "epochs": epochs, "fixed_loss": reference})
        rows.append({"variant": DEEP, "seed": seed, "epochs": epochs, "fixed_loss": reference + delta})
        rows.append({"variant": "100→300 Adam (deep's budget)", "seed": seed, "epochs": epochs,
                     "fixed_loss": reference + 0.02})
    return pd.DataFrame(rows)


def right(table):
    verdict = paired_verdict(table, DEEP, REFERENCE, "fixed_loss")
    return {key: verdict[key] for key in ("difference", "low", "high", "label")}, verdict


@pytest.mark.parametrize("deltas", [(0.010, 0.014, 0.008), (-0.010, -0.014, -0.008), (0.010, -0.012, 0.004)])
def test_03_3_the_right_answer_passes_for_every_label(deltas):
    table = runs(deltas)
    answer, verdict = right(table)
    assert verdict["label"] in CHECKS["03.3"](answer, table=table)


def test_03_3_the_three_labels_are_covered():
    assert {right(runs(d))[1]["label"] for d in [(0.010, 0.014, 0.008), (-0.010, -0.014, -0.008),
                                                 (0.010, -0.012, 0.004)]} == {"better", "worse", "undecided"}


@pytest.mark.parametrize("guess", GUESSES)
def test_03_3_guesses_do_not_pass(guess):
    table = runs()
    answer, _ = right(table)
    message = wrong("03.3", guess, table=table)
    for key in ("difference", "low", "high"):
        assert f"{answer[key]:.4f}" not in message


def test_03_3_near_misses_are_wrong_without_the_answer():
    table = runs()
    answer, verdict = right(table)
    sd = np.std(np.array([0.010, 0.014, 0.008]), ddof=1)
    misses = [
        {"label": answer["label"]},                                                      # only a label
        {**answer, "difference": answer["difference"] + 0.01},                           # wrong numbers
        {**answer, "difference": -answer["difference"], "low": -answer["high"], "high": -answer["low"]},  # sign
        {**answer, "low": answer["difference"] - 1.96 * sd / np.sqrt(3),
         "high": answer["difference"] + 1.96 * sd / np.sqrt(3)},                         # z instead of t
        {**answer, "label": "better"},                                                   # wrong label
        {**answer, "label": "undecided"},
        {**answer, "label": "within the spread"},
        {**answer, "difference": "0.01"},
    ]
    assert answer["label"] == "worse"
    for miss in misses:
        message = wrong("03.3", miss, table=table)
        for key in ("difference", "low", "high"):
            assert f"{answer[key]:.4f}" not in message, miss


def test_03_3_needs_the_same_budget_table():
    table = runs()
    answer, _ = right(table)
    uneven = table.copy()
    uneven.loc[uneven["variant"] == DEEP, "epochs"] = 15
    assert "different numbers of epochs" in wrong("03.3", answer, table=uneven)
    assert "fixed" in wrong("03.3", answer, table=table.drop(columns="fixed_loss"))
    assert "no run named" in wrong("03.3", answer, table=table[table["variant"] != DEEP])


def test_03_3_the_stub_counts_as_unanswered():
    with pytest.raises(NotAnswered):
        CHECKS["03.3"]({"difference": ..., "low": ..., "high": ..., "label": ...}, table=runs())
