"""Lesson 07's exercises: no guess passes, the right answer does, and no wrong-answer message gives it away."""

import math

import numpy as np
import pandas as pd
import pytest

from guesses import GUESSES, labels_need_their_facts, wrong
from graded_checks import checks_as_graded  # noqa: F401 - every test also runs as graded
from dnncourse.exercises import CHECKS, _outcome
from dnncourse.exercises.expect import NotAnswered
from dnncourse.verdicts import paired_verdict

SHORT, LONG, FIXED = "early stop p=3", "early stop p=10", "fixed 30 epochs"


# --- 07.1: (epochs_run, epoch_restored) for patience=2 and min_delta=0.01 ---------------------------

# Drops of 0.08 and 0.02 count; 0.005 and 0.003 do not, so the wait reaches 2 after epoch 5 and epoch 3 is
# restored, though epoch 5 has the lowest val_loss so far. Without min_delta it runs 8 epochs, restores 6.
CURVE = [0.50, 0.42, 0.40, 0.395, 0.392, 0.388, 0.40, 0.41, 0.42, 0.43]
RIGHT_STOP = (5, 3)


def assert_keeps_the_stop_secret(message):
    assert "(5, 3)" not in message and "[5, 3]" not in message and "epoch 3" not in message, message


@pytest.mark.parametrize("guess", [*GUESSES, (0, 0), (1, 1), (10, 10), (2, 2)])
def test_07_1_guesses_do_not_pass(guess):
    assert_keeps_the_stop_secret(wrong("07.1", guess, val_loss=CURVE))


@pytest.mark.parametrize("near_miss, why", [
    ((4, 2), "from 0"),                         # Keras' stopped_epoch/best_epoch, 0-based
    ((3, 5), "swapped"),
    ((8, 6), "without min_delta"),              # patience 2 alone
    ((5, 5), "lowest val_loss"),                # the lowest epoch, not the last counted improvement
    ((5, 4), "not the one restored"),
    ((4, 3), "does not stop"),
    ((6, 3), "does not stop"),
    ((11, 3), "only 10 epochs"),
    ((5, 6), "restored epoch must be"),
    ((5, 0), "restored epoch must be"),
    ((5.5, 3), "whole epoch numbers"),
    ((5, float("nan")), "whole epoch numbers"),  # once a ValueError from int(nan), not a Wrong
    ((True, 3), "whole epoch numbers"),
    (("5", "3"), "whole epoch numbers"),
    ("5, 3", "pair"),
    ((5, 3, 3), "pair"),
])
def test_07_1_near_misses_are_wrong_without_the_answer(near_miss, why):
    message = wrong("07.1", near_miss, val_loss=CURVE)
    assert why in message
    assert_keeps_the_stop_secret(message)


@pytest.mark.parametrize("answer", [RIGHT_STOP, list(RIGHT_STOP), np.array(RIGHT_STOP), (5.0, 3.0),
                                    (np.int64(5), np.int64(3))])
def test_07_1_right_answer_passes(answer):
    message = CHECKS["07.1"](answer, val_loss=np.array(CURVE))
    assert "stops after epoch 5 and restores epoch 3" in message and "not epoch 5" in message


def test_07_1_a_curve_that_never_stops():
    steady = [0.50, 0.47, 0.44, 0.41, 0.38, 0.35]
    assert "never stops" in CHECKS["07.1"]((6, 6), val_loss=steady)
    for miss in [(5, 5), (6, 5), (7, 7)]:
        assert "(6, 6)" not in wrong("07.1", miss, val_loss=steady)


@pytest.mark.parametrize("stub", [..., (..., ...), (5, ...)])
def test_07_1_the_stub_counts_as_unanswered(stub):
    with pytest.raises(NotAnswered):
        CHECKS["07.1"](stub, val_loss=CURVE)
    assert _outcome("07.1", stub, {"val_loss": CURVE})[0] == "unanswered"


# --- 07.2: accuracy_callbacks() -----------------------------------------------------------------------

PATIENCE = 10


@pytest.fixture
def context_2(tmp_path):
    return {"patience": PATIENCE, "section2_checkpoint": tmp_path / "07_best.weights.h5"}


def callbacks_maker(folder, monitor="val_accuracy", mode="max", patience=PATIENCE, restore=True, best_only=True,
                    weights_only=True, name="07_best_accuracy.weights.h5", saver_monitor=None, parts=("stop", "save")):
    import keras

    def accuracy_callbacks():
        made = {"stop": keras.callbacks.EarlyStopping(monitor=monitor, mode=mode, patience=patience,
                                                      restore_best_weights=restore),
                "save": keras.callbacks.ModelCheckpoint(str(folder / name), monitor=saver_monitor or monitor,
                                                        mode=mode, save_best_only=best_only,
                                                        save_weights_only=weights_only)}
        return [made[part] for part in parts]

    return accuracy_callbacks


@pytest.mark.parametrize("guess", GUESSES)
def test_07_2_guesses_do_not_pass(guess, context_2):
    wrong("07.2", guess, **context_2)


@pytest.mark.parametrize("guess", [g for g in GUESSES if g is not None])   # returning None is the stub
def test_07_2_functions_that_return_a_guess_do_not_pass(guess, context_2):
    wrong("07.2", lambda: guess, **context_2)


@pytest.mark.parametrize("change, why", [
    ({"monitor": "val_loss", "mode": "min"}, "watches 'val_loss'"),
    ({"monitor": "val_loss", "mode": "auto"}, "watches 'val_loss'"),
    ({"monitor": "accuracy"}, "training accuracy"),
    ({"saver_monitor": "val_loss"}, "ModelCheckpoint watches 'val_loss'"),
    ({"mode": "min"}, 'mode="min"'),
    ({"patience": 3}, "waits 3 epochs"),
    ({"restore": False}, "last epoch's weights"),
    ({"best_only": False}, "after every epoch"),
    ({"weights_only": False, "name": "07_best_accuracy.keras"}, "whole model"),
    ({"name": "07_best.weights.h5"}, "section 2's checkpoint"),   # overwrites section 2's file
    ({"parts": ("stop",)}, "one EarlyStopping and one ModelCheckpoint"),
    ({"parts": ("save",)}, "one EarlyStopping and one ModelCheckpoint"),
    ({"parts": ("stop", "stop", "save")}, "one EarlyStopping and one ModelCheckpoint"),
])
def test_07_2_near_misses_are_wrong(change, why, context_2, tmp_path):
    message = wrong("07.2", callbacks_maker(tmp_path, **change), **context_2)
    assert why in message
    assert "fresh on every call" not in message


def test_07_2_a_list_built_once_is_wrong(context_2, tmp_path):
    shared = callbacks_maker(tmp_path)()
    assert "same callback objects" in wrong("07.2", lambda: shared, **context_2)
    assert "should be a function" in wrong("07.2", shared, **context_2)          # the list, not the function


def test_07_2_a_single_callback_or_a_failing_function_is_wrong(context_2, tmp_path):
    import keras

    assert "not a list" in wrong("07.2", lambda: keras.callbacks.EarlyStopping(monitor="val_accuracy"), **context_2)

    def broken():
        raise KeyError("checkpoint_dir")

    assert "raised KeyError" in wrong("07.2", broken, **context_2)


def test_07_2_right_answer_passes(context_2, tmp_path):
    message = CHECKS["07.2"](callbacks_maker(tmp_path), **context_2)
    assert "patience 10" in message and "07_best_accuracy.weights.h5" in message and 'mode="max"' in message
    assert "Keras' guess" in CHECKS["07.2"](callbacks_maker(tmp_path, mode="auto"), **context_2)
    assert "fresh" in CHECKS["07.2"](callbacks_maker(tmp_path), patience=PATIENCE)   # no section 2 file given


def test_07_2_the_stub_counts_as_unanswered(context_2):
    def accuracy_callbacks():
        ...   # the exercise cell's body

    with pytest.raises(NotAnswered):
        CHECKS["07.2"](accuracy_callbacks, **context_2)
    assert _outcome("07.2", ..., context_2)[0] == "unanswered"


# --- 07.3: long patience minus short patience, paired by seed, on kept_val_loss --------------------------

def runs(long_minus_short):
    """Section 3's per-seed table: the long patience keeps the same or a lower val_loss, its last epoch is worse."""
    rows = []
    for seed, delta in enumerate(long_minus_short):
        short = 0.300 + 0.004 * seed
        rows.append({"variant": FIXED, "seed": seed, "epochs": 30, "best_epoch": 9, "min_val_loss": short - 0.002,
                     "val_loss": short + 0.09, "kept_val_loss": short + 0.09})
        rows.append({"variant": SHORT, "seed": seed, "epochs": 12, "best_epoch": 9, "min_val_loss": short,
                     "val_loss": short + 0.006 + 0.001 * seed, "kept_val_loss": short})
        rows.append({"variant": LONG, "seed": seed, "epochs": 22 + seed, "best_epoch": 12, "min_val_loss": short + delta,
                     "val_loss": short + delta + 0.035 + 0.002 * seed, "kept_val_loss": short + delta})
    return pd.DataFrame(rows)


CONTEXTS = {"better": (-0.012, -0.015, -0.009), "undecided": (-0.010, 0.0, -0.002), "same": (0.0, 0.0, 0.0)}


def right_3(table):
    verdict = paired_verdict(table, LONG, SHORT, "kept_val_loss")
    return {key: verdict[key] for key in ("difference", "low", "high", "label")}


@pytest.fixture(params=list(CONTEXTS))
def table(request):
    return runs(CONTEXTS[request.param])


def assert_keeps_the_numbers_secret(message, right):
    for key in ("difference", "low", "high"):
        if abs(right[key]) > 5e-5:   # "0.0000" is no secret
            assert f"{right[key]:.4f}" not in message and f"{right[key]:+.4f}" not in message, (key, message)


def test_07_3_the_contexts_cover_two_labels():
    assert {right_3(runs(d))["label"] for d in CONTEXTS.values()} == {"better", "undecided"}


@pytest.mark.parametrize("guess", GUESSES)
def test_07_3_guesses_do_not_pass(guess, table):
    message = wrong("07.3", guess, table=table, reference=SHORT, variant=LONG)
    assert_keeps_the_numbers_secret(message, right_3(table))


def test_07_3_the_labels_need_their_facts(table):
    labels_need_their_facts("07.3", right_3(table), table=table, reference=SHORT, variant=LONG)


def test_07_3_near_misses_are_wrong_without_the_answer():
    table = runs(CONTEXTS["better"])
    right = right_3(table)
    by_seed = table.pivot(index="seed", columns="variant", values="kept_val_loss")
    differences = by_seed[LONG] - by_seed[SHORT]
    n, sd = len(differences), differences.std(ddof=1)
    last = paired_verdict(table, LONG, SHORT, "val_loss")
    unpaired = 4.303 * math.sqrt(by_seed[LONG].var() / n + by_seed[SHORT].var() / n)
    misses = {
        "the last epoch's val_loss": ({k: last[k] for k in right}, "val_loss, the last epoch's"),
        "short minus long": ({**right, "difference": -right["difference"], "low": -right["high"],
                              "high": -right["low"]}, "wrong sign"),
        "z, not t": ({**right, "low": right["difference"] - 1.96 * sd / math.sqrt(n),
                      "high": right["difference"] + 1.96 * sd / math.sqrt(n)}, "too narrow"),
        "sd with ddof=0": ({**right, "low": right["difference"] - 4.303 * differences.std(ddof=0) / math.sqrt(n),
                            "high": right["difference"] + 4.303 * differences.std(ddof=0) / math.sqrt(n)},
                           "too narrow"),
        "unpaired interval": ({**right, "low": right["difference"] - unpaired,
                               "high": right["difference"] + unpaired}, "too wide"),
        "sd instead of sd/√n": ({**right, "low": right["difference"] - 4.303 * sd,
                                 "high": right["difference"] + 4.303 * sd}, "too wide"),
        "a shifted difference": ({**right, "difference": right["difference"] + 0.01}, "mean of the per-seed"),
        "undecided for a decided interval": ({**right, "label": "undecided"}, "does not follow"),
        "worse for a lower loss": ({**right, "label": "worse"}, "does not follow"),
        "another word": ({**right, "label": "within the spread"}, "label is one of"),
        "a quoted number": ({**right, "difference": f"{right['difference']:.4f}"}, "should be a number"),
        "True for a number": ({**right, "low": True}, "should be a number"),
        "NaN": ({**right, "high": float("nan")}, "should be a number"),
        "a missing key": ({k: right[k] for k in ("difference", "low", "high")}, "exactly the keys"),
    }
    assert right["label"] == "better"
    for name, (miss, why) in misses.items():
        message = wrong("07.3", miss, table=table, reference=SHORT, variant=LONG)
        assert why in message, (name, message)
        if name != "a quoted number":   # its own value, quoted back, is the student's
            assert_keeps_the_numbers_secret(message, right)


def test_07_3_right_answer_passes(table):
    right = right_3(table)
    message = CHECKS["07.3"](right, table=table, reference=SHORT, variant=LONG)
    assert right["label"] in message and "never a higher one" in message
    rounded = {k: round(v, 4) if isinstance(v, float) else v for k, v in right.items()}
    CHECKS["07.3"](rounded, table=table, reference=SHORT, variant=LONG)
    CHECKS["07.3"]({**right, "label": f" {right['label'].upper()} "}, table=table, reference=SHORT, variant=LONG)


def test_07_3_counts_the_zero_differences():
    table = runs(CONTEXTS["undecided"])
    assert "1 of 3 differences are 0" in CHECKS["07.3"](right_3(table), table=table, reference=SHORT, variant=LONG)


def test_07_3_needs_section_3s_table(table):
    right = right_3(table)
    assert "kept_val_loss" in wrong("07.3", right, table=table.drop(columns="kept_val_loss"), reference=SHORT,
                                    variant=LONG)
    assert "no variant" in wrong("07.3", right, table=table[table["variant"] != LONG], reference=SHORT, variant=LONG)
    assert "no variant" in wrong("07.3", right, table=pd.DataFrame(), reference=SHORT, variant=LONG)


@pytest.mark.parametrize("stub", [{"difference": ..., "low": ..., "high": ..., "label": ...},
                                  {"difference": -0.012, "low": ..., "high": ..., "label": ...}])
def test_07_3_the_stub_counts_as_unanswered(stub, table):
    with pytest.raises(NotAnswered):
        CHECKS["07.3"](stub, table=table, reference=SHORT, variant=LONG)
    assert _outcome("07.3", ..., {"table": table, "reference": SHORT, "variant": LONG})[0] == "unanswered"
