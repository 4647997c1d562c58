"""Lesson 01's exercises: no guess passes, the right answer does, and no wrong-answer message gives it away."""

import numpy as np
import pandas as pd
import pytest

from guesses import GUESSES as BASE_GUESSES, wrong
from graded_checks import checks_as_graded  # noqa: F401 - every test also runs as graded
from dnncourse.exercises import CHECKS
from dnncourse.exercises.expect import NotAnswered
from dnncourse.verdicts import paired_verdict

GUESSES = [*BASE_GUESSES, "one seed: no spread", {"label": "undecided"}, {"label": "worse"}]


def small_model(units=300, activation="relu", output="softmax", optimizer="rmsprop",
                loss="sparse_categorical_crossentropy", flatten=True):
    import keras

    layers = [keras.Input(shape=(28, 28)), keras.layers.Flatten()] if flatten else [keras.Input(shape=(784,))]
    layers += [keras.layers.Dense(units, activation=activation), keras.layers.Dense(10, activation=output)]
    model = keras.Sequential(layers)
    model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"])
    return model


# --- 01.1: the parameters of 784 → 300 → 10 ------------------------------------------------------

RIGHT_COUNT = 784 * 300 + 300 + 300 * 10 + 10


@pytest.mark.parametrize("guess", [*GUESSES, 79_510, 784 * 300 + 300 * 10, 784 * 300 + 300, RIGHT_COUNT + 1,
                                   float(RIGHT_COUNT) + 0.5, str(RIGHT_COUNT), -RIGHT_COUNT])
def test_01_1_guesses_and_near_misses_are_wrong_without_the_answer(guess):
    message = wrong("01.1", guess).replace(repr(guess), "")   # the message may echo the guess itself
    assert str(RIGHT_COUNT) not in message and f"{RIGHT_COUNT:,}" not in message


def test_01_1_right_answer_passes():
    assert "238,510" in CHECKS["01.1"](RIGHT_COUNT)


# --- 01.2: build_wide() ----------------------------------------------------------------------------

@pytest.mark.parametrize("guess", GUESSES)
def test_01_2_guesses_are_wrong(guess):
    wrong("01.2", guess)


@pytest.mark.parametrize("near_miss", [
    dict(units=100), dict(activation="sigmoid"), dict(output="relu"), dict(optimizer="adam"),
    dict(loss="categorical_crossentropy"), dict(flatten=False),
])
def test_01_2_near_misses_are_wrong(near_miss):
    wrong("01.2", lambda: small_model(**near_miss))


def test_01_2_a_model_instead_of_the_function_is_wrong():
    wrong("01.2", small_model())


def test_01_2_right_answer_passes():
    assert "238,510" in CHECKS["01.2"](small_model)


# --- 01.3: the paired verdict on the replayed order ------------------------------------------------

def trap_table(shift, noise=0.002, n_baseline=5, n_replayed=3):
    """Per-seed runs as in the lesson: the baseline on 5 seeds, the replayed order on the first 3."""
    rng = np.random.default_rng(7)
    base = 0.344 + rng.normal(0, 0.004, n_baseline)
    rows = [{"variant": "baseline", "seed": s, "epochs": 10, "min_val_loss": base[s], "val_accuracy": 0.88}
            for s in range(n_baseline)]
    rows += [{"variant": "one order replayed", "seed": s, "epochs": 10,
              "min_val_loss": base[s] + shift + rng.normal(0, noise), "val_accuracy": 0.88}
             for s in range(n_replayed)]
    return pd.DataFrame(rows)


CONTEXTS = {"undecided": trap_table(0.001), "worse": trap_table(0.01), "better": trap_table(-0.01)}


def expected(table):
    return paired_verdict(table, "one order replayed", "baseline", "min_val_loss")


def right(table):
    verdict = expected(table)
    return {key: verdict[key] for key in ("difference", "low", "high", "label")}


def test_01_3_the_contexts_cover_every_label():
    assert {name: expected(t)["label"] for name, t in CONTEXTS.items()} == {n: n for n in CONTEXTS}


def secrets(table):
    verdict = expected(table)
    return [f"{verdict[key]:.4f}" for key in ("difference", "low", "high")] + \
           [f"{verdict[key]:+.4f}" for key in ("difference", "low", "high")]


@pytest.mark.parametrize("context", CONTEXTS)
@pytest.mark.parametrize("guess", GUESSES)
def test_01_3_guesses_do_not_pass(context, guess):
    table = CONTEXTS[context]
    message = wrong("01.3", guess, table=table)
    assert not any(secret in message for secret in secrets(table))


def near_misses(table):
    answer = right(table)
    other = [label for label in ("better", "worse", "undecided") if label != answer["label"]]
    d, low, high = answer["difference"], answer["low"], answer["high"]
    by_seed = table.pivot_table(index="seed", columns="variant", values="min_val_loss").dropna()
    diffs = by_seed["one order replayed"] - by_seed["baseline"]
    z_half = 1.96 * diffs.std(ddof=1) / np.sqrt(len(diffs))
    sd_half = 4.303 * diffs.std(ddof=1)                       # the sd, not the standard error
    unpaired = table.groupby("variant")["min_val_loss"].mean()
    return {
        "right numbers, wrong label 1": {**answer, "label": other[0]},
        "right numbers, wrong label 2": {**answer, "label": other[1]},
        "right label, wrong numbers": {**answer, "difference": d + 0.01, "low": low + 0.01, "high": high + 0.01},
        "right label, zeros": {"difference": 0.0, "low": 0.0, "high": 0.0, "label": answer["label"]},
        "reversed sign": {"difference": -d, "low": -high, "high": -low, "label": answer["label"]},
        "reversed sign and label": {"difference": -d, "low": -high, "high": -low,
                                    "label": {"better": "worse", "worse": "better"}.get(answer["label"], "undecided")},
        "1.96 instead of t": {"difference": d, "low": d - z_half, "high": d + z_half, "label": answer["label"]},
        "sd instead of sd/sqrt(n)": {"difference": d, "low": d - sd_half, "high": d + sd_half, "label": "undecided"},
        "unpaired means": {"difference": unpaired["one order replayed"] - unpaired["baseline"], "low": low,
                           "high": high, "label": answer["label"]},
        "label word as the label of a number dict": {"difference": d, "low": low, "high": high,
                                                     "label": "within the spread"},
        "strings for numbers": {"difference": f"{d:.4f}", "low": f"{low:.4f}", "high": f"{high:.4f}",
                                "label": answer["label"]},
        "missing a key": {"difference": d, "low": low, "label": answer["label"]},
        "an extra key": {**answer, "n_pairs": 3},
        "a tuple": (d, low, high, answer["label"]),
        "nan numbers": {"difference": float("nan"), "low": low, "high": high, "label": answer["label"]},
        "True for numbers": {"difference": True, "low": low, "high": high, "label": answer["label"]},
    }


@pytest.mark.parametrize("context", CONTEXTS)
@pytest.mark.parametrize("case", list(near_misses(CONTEXTS["worse"])))
def test_01_3_near_misses_are_wrong_without_the_answer(context, case):
    table = CONTEXTS[context]
    answer = near_misses(table)[case]
    message = wrong("01.3", answer, table=table)
    for value in (answer.values() if isinstance(answer, dict) else answer):
        message = message.replace(repr(value), "")                # the message may echo the answer itself
    assert not any(secret in message for secret in secrets(table))


def test_01_3_a_reversed_sign_is_named():
    table = CONTEXTS["worse"]
    answer = right(table)
    message = wrong("01.3", {"difference": -answer["difference"], "low": -answer["high"],
                             "high": -answer["low"], "label": "better"}, table=table)
    assert "sign" in message


@pytest.mark.parametrize("table", [None, "trap_table", pd.DataFrame({"variant": ["baseline"], "seed": [0]}),
                                   CONTEXTS["worse"].query("variant == 'baseline'"),
                                   trap_table(0.01, n_replayed=1)])
def test_01_3_a_wrong_table_is_wrong(table):
    wrong("01.3", right(CONTEXTS["worse"]), table=table)


def test_01_3_the_stub_is_unanswered():
    with pytest.raises(NotAnswered):
        CHECKS["01.3"]({"difference": ..., "low": ..., "high": ..., "label": ...}, table=CONTEXTS["worse"])


@pytest.mark.parametrize("context", CONTEXTS)
def test_01_3_right_answer_passes(context):
    table = CONTEXTS[context]
    answer = right(table)
    assert answer["label"] in CHECKS["01.3"](answer, table=table)
    rounded = {key: (round(value, 4) if key != "label" else value.upper()) for key, value in answer.items()}
    assert CHECKS["01.3"](rounded, table=table)
