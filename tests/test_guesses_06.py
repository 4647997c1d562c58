"""Lesson 06's exercises: no guess passes, the right answer does, and no wrong-answer message gives it away."""

import math

import numpy as np
import pandas as pd
import pytest

from guesses import GUESSES, wrong
from graded_checks import checks_as_graded  # noqa: F401 - every test also runs as graded
from dnncourse.exercises import CHECKS
from dnncourse.exercises.expect import NotAnswered, Wrong
from dnncourse.verdicts import paired_verdict


N_IMAGES, BATCH, START, EPOCHS = 48_000, 128, 0.01, 15
STEPS = math.ceil(N_IMAGES / BATCH)
HALVE = EPOCHS // 5


def schedule():
    import keras

    return keras.optimizers.schedules.ExponentialDecay(START, decay_steps=HALVE * STEPS, decay_rate=0.5)


def step_decay(epoch, learning_rate):
    return START * 0.5 ** (epoch // HALVE)


# --- 06.1: the rate after one epoch at batch 32 ---------------------------------------------------

def context_1():
    return {"schedule": schedule(), "n_images": N_IMAGES, "batch_size": BATCH}


def right_1():
    return START * 0.5 ** (math.ceil(N_IMAGES / 32) / (HALVE * STEPS))


@pytest.mark.parametrize("guess", GUESSES)
def test_06_1_guesses_do_not_pass(guess):
    message = wrong("06.1", guess, **context_1())
    assert f"{right_1():.6f}" not in message and repr(right_1()) not in message


@pytest.mark.parametrize("near_miss", [
    START * 0.5 ** ((N_IMAGES // 32) / (HALVE * STEPS)),      # the last, smaller batch left out (48000 divides: same)
    START * 0.5 ** (STEPS / (HALVE * STEPS)),                 # one epoch at the schedule's own batch size
    START * 0.5 ** math.floor(math.ceil(N_IMAGES / 32) / (HALVE * STEPS)),  # staircase
    START * 0.5 ** ((math.ceil(N_IMAGES / 32) - 1) / (HALVE * STEPS)),      # one step short
    START, -right_1(), 2 * right_1(),
])
def test_06_1_near_misses_are_wrong_without_the_answer(near_miss):
    if math.isclose(near_miss, right_1(), rel_tol=1e-4):
        pytest.skip("this near miss coincides with the answer for these numbers")
    message = wrong("06.1", near_miss, **context_1())
    assert f"{right_1():.6f}" not in message and f"{right_1():.4f}" not in message


def test_06_1_an_uneven_split_needs_the_last_batch():
    context = {**context_1(), "n_images": 2000}
    decay_steps = HALVE * STEPS
    left_out = START * 0.5 ** ((2000 // 32) / decay_steps)
    assert "last, smaller" in wrong("06.1", left_out, **context)
    right = START * 0.5 ** (math.ceil(2000 / 32) / decay_steps)
    assert "faster per epoch" in CHECKS["06.1"](right, **context)


def test_06_1_the_right_rate_passes_as_a_number_and_as_a_schedule_value():
    assert "faster per epoch" in CHECKS["06.1"](right_1(), **context_1())
    import keras

    value = schedule()(math.ceil(N_IMAGES / 32))  # a 0-d tensor, what calling the schedule gives
    assert "faster per epoch" in CHECKS["06.1"](keras.ops.convert_to_numpy(value), **context_1())


# --- 06.2: step decay as a schedule object -----------------------------------------------------------

def context_2():
    return {"step_decay": step_decay, "steps_per_epoch": 20, "epochs": EPOCHS}


def model_with(rate):
    import keras

    import dnncourse as dc

    model = dc.baseline_model()
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


@pytest.mark.parametrize("guess", GUESSES + [lambda: None.__class__])
def test_06_2_guesses_do_not_pass(guess):
    with pytest.raises(Wrong):
        CHECKS["06.2"](guess, **context_2())


def test_06_2_near_misses_say_what_is_wrong():
    import keras

    period = HALVE * 20
    schedules = keras.optimizers.schedules
    assert "constant" in wrong("06.2", lambda: model_with(START), **context_2())
    smooth = schedules.ExponentialDecay(START, decay_steps=period, decay_rate=0.5)
    assert "never uses" in wrong("06.2", lambda: model_with(smooth), **context_2())
    late = schedules.PiecewiseConstantDecay([k * period for k in range(1, 5)],
                                            [START * 0.5 ** k for k in range(5)])
    assert "One step late" in wrong("06.2", lambda: model_with(late), **context_2())
    per_epoch = schedules.ExponentialDecay(START, decay_steps=HALVE, decay_rate=0.5, staircase=True)
    assert "wrong place" in wrong("06.2", lambda: model_with(per_epoch), **context_2())
    model = model_with(START)
    assert "not a model" in wrong("06.2", model, **context_2())


def test_06_2_both_right_schedules_pass():
    import keras

    period = HALVE * 20
    schedules = keras.optimizers.schedules
    stairs = schedules.ExponentialDecay(START, decay_steps=period, decay_rate=0.5, staircase=True)
    assert "matches step_decay" in CHECKS["06.2"](lambda: model_with(stairs), **context_2())
    pieces = schedules.PiecewiseConstantDecay([k * period - 1 for k in range(1, 5)],
                                              [START * 0.5 ** k for k in range(5)])
    assert "matches step_decay" in CHECKS["06.2"](lambda: model_with(pieces), **context_2())


# --- 06.3: the rounding slip, a paired verdict ------------------------------------------------------

SLIP, REFERENCE = "cosine restarts, rounded down", "cosine restarts"


def runs(slip_scores=(0.8801, 0.8795, 0.8810), reference_scores=(0.8882, 0.8861, 0.8899), epochs=15):
    rows = []
    for name, scores in ((REFERENCE, reference_scores), (SLIP, slip_scores), ("constant 0.01", (0.87, 0.874, 0.876))):
        for seed, score in enumerate(scores):
            rows.append({"variant": name, "seed": seed, "epochs": epochs, "val_accuracy": score,
                         "min_val_loss": 0.32 + seed / 1000})
    return pd.DataFrame(rows)


def right_3(table):
    verdict = paired_verdict(table, SLIP, REFERENCE, "val_accuracy")
    return {key: verdict[key] for key in ("difference", "low", "high", "label")}


@pytest.mark.parametrize("guess", GUESSES + [{"label": "worse"}, {"label": "undecided"}, {"label": "better"}])
def test_06_3_guesses_do_not_pass(guess):
    table = runs()
    message = wrong("06.3", guess, table=table)
    answer = right_3(table)
    for key in ("difference", "low", "high"):
        assert f"{answer[key]:.4f}" not in message and f"{answer[key]:+.4f}" not in message


def test_06_3_the_right_label_with_wrong_numbers_or_sign_is_wrong():
    table = runs()
    answer = right_3(table)
    assert answer["label"] == "worse"
    made_up = {"difference": -0.01, "low": -0.02, "high": -0.001, "label": "worse"}
    assert "not the mean" in wrong("06.3", made_up, table=table)
    reversed_sign = {"difference": -answer["difference"], "low": -answer["high"], "high": -answer["low"],
                     "label": "better"}
    assert "wrong sign" in wrong("06.3", reversed_sign, table=table)
    too_wide = {**answer, "low": answer["low"] - 0.01, "high": answer["high"] + 0.01}
    assert "too wide" in wrong("06.3", too_wide, table=table)
    normal = 1.96 * np.std([-0.0081, -0.0066, -0.0089], ddof=1) / math.sqrt(3)  # z instead of t: too narrow
    narrow = {**answer, "low": answer["difference"] - normal, "high": answer["difference"] + normal}
    assert "too narrow" in wrong("06.3", narrow, table=table)
    for label in ("better", "undecided"):
        assert "does not follow" in wrong("06.3", {**answer, "label": label}, table=table)
    for message in (wrong("06.3", made_up, table=table), wrong("06.3", too_wide, table=table)):
        assert f"{answer['difference']:+.4f}" not in message and f"{answer['low']:+.4f}" not in message


def test_06_3_the_right_answer_passes_and_undecided_is_judged_the_same_way():
    table = runs()
    assert "so worse" in CHECKS["06.3"](right_3(table), **{"table": table})
    rounded = {key: round(value, 4) if isinstance(value, float) else value for key, value in right_3(table).items()}
    assert "so worse" in CHECKS["06.3"](rounded, table=table)
    noisy = runs(slip_scores=(0.8870, 0.8875, 0.8890))
    answer = right_3(noisy)
    assert answer["label"] == "undecided"
    assert "so undecided" in CHECKS["06.3"](answer, table=noisy)
    assert "does not follow" in wrong("06.3", {**answer, "label": "worse"}, table=noisy)


def test_06_3_a_table_that_cannot_hold_the_answer_is_named():
    table = runs()
    assert "no variant" in wrong("06.3", right_3(table), table=table[table["variant"] != SLIP])
    assert "per-seed table" in wrong("06.3", right_3(table), table=table.to_dict())
    one_seed = table[table["seed"] == 0]
    assert "share 1 seed" in wrong("06.3", {"difference": 0.0, "low": 0.0, "high": 0.0, "label": "undecided"},
                                   table=one_seed)
    same = runs(slip_scores=(0.8882, 0.8861, 0.8899))
    assert "same schedule" in wrong("06.3", {"difference": 0.0, "low": 0.0, "high": 0.0, "label": "undecided"},
                                    table=same)
    shorter = pd.concat([runs()[lambda t: t["variant"] != SLIP], runs(epochs=10)[lambda t: t["variant"] == SLIP]])
    assert "epochs" in wrong("06.3", right_3(runs()), table=shorter)


def test_06_3_the_stub_counts_as_unanswered():
    with pytest.raises(NotAnswered):
        CHECKS["06.3"]({"difference": ..., "low": ..., "high": ..., "label": ...}, table=...)
    with pytest.raises(NotAnswered):
        CHECKS["06.3"]({"difference": ..., "low": ..., "high": ..., "label": ...}, table=runs())
