"""Lesson 02's exercises: no guess passes, the right answer does, and no wrong-answer message gives it away."""

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from guesses import GUESSES as BASE_GUESSES, wrong
from graded_checks import checks_as_graded  # noqa: F401 - every test also runs as graded
from dnncourse.exercises import CHECKS
from dnncourse.exercises.expect import NotAnswered
from dnncourse.verdicts import paired_verdict

GUESSES = [*BASE_GUESSES, "one seed: no spread"]


# --- 02.1: the number of weight updates ------------------------------------------------------------

def split(n_train, n_val=12_000):
    return SimpleNamespace(x_train=np.zeros((n_train, 1), "float32"), x_val=np.zeros((n_val, 1), "float32"))


CASES = [(48_000, 5, 32), (2_000, 5, 32), (12_000, 20, 32), (2_000, 1, 128)]


@pytest.mark.parametrize("n_train, epochs, batch_size", CASES)
@pytest.mark.parametrize("guess", GUESSES)
def test_02_1_guesses_do_not_pass(guess, n_train, epochs, batch_size):
    expected = epochs * math.ceil(n_train / batch_size)
    message = wrong("02.1", guess, data=split(n_train), epochs=epochs, batch_size=batch_size)
    assert str(expected) not in message and f"{expected:,}" not in message


@pytest.mark.parametrize("n_train, epochs, batch_size", CASES)
def test_02_1_near_misses_are_wrong_without_the_answer(n_train, epochs, batch_size):
    expected = epochs * math.ceil(n_train / batch_size)
    near = {epochs * (n_train // batch_size), math.ceil(n_train / batch_size), n_train * epochs, n_train,
            epochs * math.ceil((n_train + 12_000) / batch_size), expected + 0.5, expected + 1, expected - 1,
            -expected, epochs * n_train / batch_size}
    for answer in sorted(near - {expected}):
        message = wrong("02.1", answer, data=split(n_train), epochs=epochs, batch_size=batch_size)
        message = message.replace(repr(answer), "")   # the answer itself is echoed
        assert str(expected) not in message and f"{expected:,}" not in message


def test_02_1_names_the_dropped_last_batch():
    assert "last mini-batch" in wrong("02.1", 5 * (2_000 // 32), data=split(2_000), epochs=5, batch_size=32)


@pytest.mark.parametrize("n_train, epochs, batch_size", CASES)
def test_02_1_right_answer_passes(n_train, epochs, batch_size):
    expected = epochs * math.ceil(n_train / batch_size)
    assert "updates" in CHECKS["02.1"](expected, data=split(n_train), epochs=epochs, batch_size=batch_size)


def test_02_1_the_optimizers_own_count_decides():
    model = SimpleNamespace(optimizer=SimpleNamespace(iterations=7_499))
    wrong("02.1", 7_500, data=split(48_000), epochs=5, batch_size=32, model=model)
    CHECKS["02.1"](7_499, data=split(48_000), epochs=5, batch_size=32, model=model)


# --- 02.2: build_nesterov_gentle() ------------------------------------------------------------------

def builder(optimizer=None, units=100, loss="sparse_categorical_crossentropy", metrics=("accuracy",)):
    import keras

    def build():
        model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                                  keras.layers.Dense(units, activation="relu"),
                                  keras.layers.Dense(10, activation="softmax")])
        made = optimizer() if optimizer else keras.optimizers.SGD(learning_rate=0.01, momentum=0.9, nesterov=True)
        model.compile(optimizer=made, loss=loss, metrics=list(metrics))
        return model
    return build


def sgd(**kwargs):
    import keras
    return lambda: keras.optimizers.SGD(**kwargs)


@pytest.mark.parametrize("guess", GUESSES)
def test_02_2_guesses_do_not_pass(guess):
    wrong("02.2", guess)


@pytest.mark.parametrize("near_miss", [
    builder(sgd(learning_rate=0.1, momentum=0.9, nesterov=True)),     # the lesson's Nesterov lr=0.1
    builder(sgd(learning_rate=0.01, momentum=0.9, nesterov=False)),   # classic momentum
    builder(sgd(learning_rate=0.01, nesterov=True)),                  # no momentum
    builder(sgd(learning_rate=0.01)),                                 # plain SGD
    builder(lambda: __import__("keras").optimizers.Adam(learning_rate=0.01)),
    builder(units=300),                                               # another network
    builder(loss="categorical_crossentropy"),
    builder(metrics=()),                                              # no accuracy
])
def test_02_2_near_misses_are_wrong(near_miss):
    wrong("02.2", near_miss)


def test_02_2_a_model_instead_of_the_function_is_wrong():
    wrong("02.2", builder()())


def test_02_2_one_shared_model_or_optimizer_is_wrong():
    import keras

    made = builder()()
    assert "same model" in wrong("02.2", lambda: made)
    shared = keras.optimizers.SGD(learning_rate=0.01, momentum=0.9, nesterov=True)
    assert "share one optimizer" in wrong("02.2", builder(lambda: shared))


def test_02_2_right_answer_passes():
    assert "Nesterov" in CHECKS["02.2"](builder())


# --- 02.3: the paired verdict, Nesterov lr=0.1 against SGD lr=0.1 -----------------------------------

def table(nesterov=(0.812, 0.790, 0.839), sgd=(0.871, 0.864, 0.877), rmsprop=(0.873, 0.865, 0.881)):
    rows = []
    for name, scores, losses in (("SGD lr=0.1", sgd, (0.356, 0.361, 0.349)),
                                 ("Nesterov lr=0.1", nesterov, (0.519, 0.534, 0.522)),
                                 ("RMSprop", rmsprop, (0.352, 0.357, 0.348))):
        rows += [{"variant": name, "seed": s, "epochs": 5, "val_accuracy": a, "min_val_loss": l}
                 for s, (a, l) in enumerate(zip(scores, losses))]
    return pd.DataFrame(rows)


def right(t):
    v = paired_verdict(t, "Nesterov lr=0.1", "SGD lr=0.1", "val_accuracy")
    return {key: v[key] for key in ("difference", "low", "high", "label")}


def shown(v):
    return [f"{v[key]:.4f}" for key in ("difference", "low", "high")] + [f"{v[key]:+.4f}" for key in ("difference",
                                                                                                     "low", "high")]


DECIDED = table()                                                       # clearly worse
UNDECIDED = table(nesterov=(0.861, 0.880, 0.866))                       # the interval contains 0


@pytest.mark.parametrize("t", [DECIDED, UNDECIDED], ids=["decided", "undecided"])
@pytest.mark.parametrize("guess", GUESSES + [{"label": "worse"}, {"label": "undecided"}, {"label": "better"}])
def test_02_3_guesses_do_not_pass(guess, t):
    message = wrong("02.3", guess, table=t)
    assert not any(text in message for text in shown(right(t)))


@pytest.mark.parametrize("t", [DECIDED, UNDECIDED], ids=["decided", "undecided"])
def test_02_3_near_misses_are_wrong_without_the_answer(t):
    answer = right(t)
    differences = (t.pivot(index="seed", columns="variant", values="val_accuracy")["Nesterov lr=0.1"]
                   - t.pivot(index="seed", columns="variant", values="val_accuracy")["SGD lr=0.1"])
    d, sd = differences.mean(), differences.std(ddof=1)
    by = t.groupby("variant")["val_accuracy"]
    spread = by.std().loc["Nesterov lr=0.1"] + by.std().loc["SGD lr=0.1"]
    against_rmsprop = paired_verdict(t, "Nesterov lr=0.1", "RMSprop", "val_accuracy")
    loss_verdict = paired_verdict(t, "Nesterov lr=0.1", "SGD lr=0.1", "min_val_loss")
    near = [
        {**answer, "label": label} for label in ("better", "worse", "undecided") if label != answer["label"]
    ] + [
        {**answer, "difference": -d, "low": -answer["high"], "high": -answer["low"]},        # reversed sign
        {**answer, "low": d - 1.96 * sd / math.sqrt(3), "high": d + 1.96 * sd / math.sqrt(3)},  # z, not t
        {**answer, "low": d - spread, "high": d + spread},                                    # the old spread rule
        {**answer, "low": d - sd, "high": d + sd},                                            # sd, not its error
        {**answer, "difference": d + 0.01, "low": answer["low"] + 0.01, "high": answer["high"] + 0.01},
        {key: against_rmsprop[key] for key in answer},                                        # wrong reference
        {key: loss_verdict[key] for key in answer},                                           # wrong metric
        {**answer, "label": "within the spread"},
        {**answer, "difference": "a lot"},
        {**answer, "low": None},
        {"difference": d, "low": answer["low"], "high": answer["high"]},                      # no label
        {**answer, "note": "extra"},
    ]
    for guess in near:
        message = wrong("02.3", guess, table=t)
        assert not any(text in message for text in shown(right(t))), (guess, message)


def test_02_3_the_mixups_are_named():
    answer = right(DECIDED)
    against_rmsprop = paired_verdict(DECIDED, "Nesterov lr=0.1", "RMSprop", "val_accuracy")
    assert "RMSprop" in wrong("02.3", {key: against_rmsprop[key] for key in answer}, table=DECIDED)
    assert "min_val_loss" in wrong("02.3", {**answer, "difference": paired_verdict(
        DECIDED, "Nesterov lr=0.1", "SGD lr=0.1", "min_val_loss")["difference"]}, table=DECIDED)


def test_02_3_the_stub_counts_as_unanswered():
    with pytest.raises(NotAnswered):
        CHECKS["02.3"]({"difference": ..., "low": ..., "high": ..., "label": ...}, table=DECIDED)


def test_02_3_a_table_without_the_two_variants_is_wrong():
    wrong("02.3", right(DECIDED), table=DECIDED[DECIDED["variant"] != "SGD lr=0.1"])
    wrong("02.3", right(DECIDED), table=None)


@pytest.mark.parametrize("t", [DECIDED, UNDECIDED], ids=["decided", "undecided"])
def test_02_3_right_answer_passes(t):
    answer = right(t)
    assert answer["label"] == ("worse" if t is DECIDED else "undecided")
    assert answer["label"] in CHECKS["02.3"](answer, table=t)
    rounded = {key: round(value, 4) if isinstance(value, float) else value for key, value in answer.items()}
    CHECKS["02.3"](rounded, table=t)
