"""Lesson 07's exercises: replay early stopping with min_delta, build callbacks on accuracy, judge two patiences
seed by seed (a paired verdict)."""

from __future__ import annotations

import numbers
from pathlib import Path

import keras
import numpy as np

from ..verdicts import paired_verdict
from .expect import PAIRED_FIELDS, NotAnswered, Wrong, expect_paired_verdict, expect_true, returns

STRICT_PATIENCE, STRICT_MIN_DELTA = 2, 0.01   # exercise 07.1's settings, stated in its task


def early_stop(values, patience: int, min_delta: float = 0.0) -> tuple[int, int]:
    """(epochs run, epoch restored), 1-based: Keras' EarlyStopping rule on a val_loss curve."""
    best_value, best_epoch, wait = None, 0, 0
    for epoch, value in enumerate(values):
        wait += 1
        if best_value is None or value - best_value < -min_delta:
            best_value, best_epoch, wait = value, epoch, 0
        elif wait >= patience and epoch > 0:
            return epoch + 1, best_epoch + 1
    return len(values), best_epoch + 1


def _epoch_pair(answer) -> tuple[int, int]:
    if answer is ... or (isinstance(answer, (tuple, list)) and any(value is ... for value in answer)):
        raise NotAnswered("not answered yet: replace the `...` with the pair (epochs_run, epoch_restored).")
    if isinstance(answer, np.ndarray):
        answer = answer.tolist()
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise Wrong(f"answer with a pair (epochs_run, epoch_restored), not {answer!r}.",
                    "e.g. stricter_stop = (7, 5): two whole numbers in parentheses.")
    pair = []
    for value in answer:
        if (isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(float(value))
                or float(value) != int(value)):
            raise Wrong(f"both numbers of the pair should be whole epoch numbers; got {value!r}.",
                        "count epochs 1, 2, 3, ... as Keras prints them.")
        pair.append(int(value))
    return pair[0], pair[1]


def stricter_stop(answer, val_loss) -> str:
    curve = [float(v) for v in val_loss]
    ran, restored = early_stop(curve, STRICT_PATIENCE, STRICT_MIN_DELTA)
    given = _epoch_pair(answer)
    if given == (ran, restored):
        lowest = int(np.argmin(curve[:ran])) + 1
        stop = f"stops after epoch {ran}" if ran < len(curve) else f"never stops within the {len(curve)} epochs"
        same = ("the epoch with the lowest val_loss before the stop" if lowest == restored else
                f"not epoch {lowest}, whose lower val_loss was too small a drop to count")
        return f"with patience 2 and min_delta 0.01 it {stop} and restores epoch {restored}: {same}."
    if given == (ran - 1, restored - 1):
        raise Wrong(f"{given} counts epochs from 0.", "Keras' stopped_epoch and best_epoch count from 0, but "
                    "answer as Keras prints the epochs: the first one is epoch 1.")
    if given == (restored, ran) and ran != restored:
        raise Wrong(f"{given} has the two numbers swapped.", "first the epochs run, then the epoch restored.")
    if given == early_stop(curve, STRICT_PATIENCE) and STRICT_MIN_DELTA:
        raise Wrong(f"{given} is what patience 2 does without min_delta.",
                    "a lower val_loss counts as a new best only when it is below the best so far by more "
                    "than 0.01; a smaller drop changes nothing and the wait counter keeps running.")
    if not 1 <= given[1] <= given[0]:
        raise Wrong(f"{given}: the restored epoch must be one of the epochs that ran (1 to epochs_run).")
    if given[0] > len(curve):
        raise Wrong(f"{given}: the curve has only {len(curve)} epochs.",
                    "if the wait counter never reaches the patience, epochs_run is the length of the curve.")
    if given[0] != ran:
        raise Wrong(f"training does not stop after epoch {given[0]}.",
                    "every epoch adds 1 to the wait counter; a drop larger than 0.01 below the best restarts it "
                    "at 0; training stops at the end of the epoch where the counter reaches 2.")
    lowest = int(np.argmin(curve[:ran])) + 1
    if given[1] == lowest:
        raise Wrong(f"epoch {given[1]} has the lowest val_loss before the stop, but it is not the epoch restored.",
                    "restore_best_weights puts back the last epoch that counted as an improvement, and with "
                    "min_delta a drop counts only when it is larger than 0.01.")
    raise Wrong(f"the stop is right, but epoch {given[1]} is not the one restored.",
                "the restored epoch is the last one that counted as a new best (a drop larger than 0.01).")


def _describe(callback) -> str:
    return type(callback).__name__


def accuracy_callbacks(answer, patience, section2_checkpoint=None) -> str:
    if not callable(answer):
        raise Wrong(f"accuracy_callbacks should be a function (def ...), not {type(answer).__name__}.",
                    "pass the function itself, without calling it: no () after its name.")
    first = returns(answer, what="accuracy_callbacks()")
    if first is None:
        raise NotAnswered("accuracy_callbacks returns nothing yet: write its body and end it with "
                          "`return [...]`, a list of the two callbacks.")
    if not isinstance(first, (list, tuple)):
        raise Wrong(f"accuracy_callbacks() returned {type(first).__name__}, not a list of callbacks.",
                    "end the function with `return [keras.callbacks.EarlyStopping(...), "
                    "keras.callbacks.ModelCheckpoint(...)]`.")
    stoppers = [c for c in first if isinstance(c, keras.callbacks.EarlyStopping)]
    savers = [c for c in first if isinstance(c, keras.callbacks.ModelCheckpoint)]
    expect_true(len(stoppers) == 1 and len(savers) == 1,
                f"the list holds {', '.join(map(_describe, first)) or 'nothing'}; expected one EarlyStopping "
                "and one ModelCheckpoint.",
                "keras.callbacks.EarlyStopping(...) and keras.callbacks.ModelCheckpoint(...).")
    second = returns(answer, what="accuracy_callbacks()")
    expect_true(isinstance(second, (list, tuple)) and not any(c is d for c in first for d in second),
                "calling accuracy_callbacks() twice returned the same callback objects.",
                "create the callbacks inside the function, so that every run gets a fresh wait counter and "
                "best value (a list built once outside and returned would be shared).")
    stopper, saver = stoppers[0], savers[0]
    for name, callback in (("EarlyStopping", stopper), ("ModelCheckpoint", saver)):
        if callback.monitor == "accuracy":
            raise Wrong(f"your {name} watches the training accuracy.",
                        "validation decides: monitor=\"val_accuracy\".")
        expect_true(callback.monitor == "val_accuracy", f"your {name} watches {callback.monitor!r}, "
                    "not the validation accuracy.", "monitor=\"val_accuracy\".")
        expect_true(callback.mode != "min", f"your {name} has mode=\"min\": it would treat a falling accuracy "
                    "as an improvement.", "for accuracy, higher is better: mode=\"max\".")
    expect_true(stopper.patience == patience,
                f"your EarlyStopping waits {stopper.patience} epochs, not long_patience ({patience}).",
                "patience=long_patience.")
    expect_true(stopper.restore_best_weights is True,
                "your EarlyStopping keeps the last epoch's weights.", "restore_best_weights=True puts back the best "
                "epoch's weights when training ends.")
    expect_true(saver.save_best_only is True, "your ModelCheckpoint saves after every epoch, not only at a new high.",
                "save_best_only=True.")
    expect_true(saver.save_weights_only is True, "your ModelCheckpoint saves the whole model, not only the weights.",
                "save_weights_only=True, with a file name ending in .weights.h5.")
    target = Path(saver.filepath)
    if section2_checkpoint is not None and target.resolve() == Path(section2_checkpoint).resolve():
        raise Wrong(f"your ModelCheckpoint writes to {target.name}, section 2's checkpoint of the lowest val_loss.",
                    "give it a file of its own under checkpoint_dir, e.g. checkpoint_dir / "
                    "\"07_best_accuracy.weights.h5\".")
    mode = "mode=\"max\"" if "auto" not in (stopper.mode, saver.mode) else "mode left to Keras' guess (max)"
    return (f"EarlyStopping(val_accuracy, patience {patience}, restore_best_weights) and a weights-only "
            f"ModelCheckpoint to {target.name}, {mode}, fresh on every call.")


TOLERANCE = 6e-4  # expect_paired_verdict's: a 4-decimal rounding passes


def _difference_given(answer):
    if not isinstance(answer, dict) or set(answer) != set(PAIRED_FIELDS):
        return None
    value = answer["difference"]
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    return float(value)


def long_vs_short(answer, table, reference, variant) -> str:
    """The long patience against the short one on the kept models' validation loss, paired by seed."""
    if isinstance(answer, dict) and any(value is ... for value in answer.values()):
        raise NotAnswered("not answered yet: replace each `...` in the dict with your number or label.")
    names = list(dict.fromkeys(table["variant"])) if "variant" in getattr(table, "columns", ()) else []
    for name in (reference, variant):
        expect_true(name in names, f"the table has no variant {name!r}; it has {', '.join(map(str, names))}.",
                    "pass section 3's per-seed table: table=comparison.table, reference=short_name, "
                    "variant=long_name.")
    expect_true("kept_val_loss" in table.columns, "this table has no kept_val_loss column.",
                "pass comparison.table after add_kept_scores(comparison) (section 3).")
    verdict = paired_verdict(table, variant, reference, "kept_val_loss")
    given = _difference_given(answer)
    if given is not None and verdict["difference"] is not None and abs(given - verdict["difference"]) > TOLERANCE:
        last_epoch = paired_verdict(table, variant, reference, "val_loss")["difference"]
        if last_epoch is not None and abs(given - last_epoch) <= TOLERANCE:
            raise Wrong("your difference is the one of val_loss, the last epoch's loss.",
                        "with restore_best_weights=True the kept model is the restored one: use kept_val_loss.")
    message = expect_paired_verdict(answer, verdict, what="long patience minus short patience, seed by seed, "
                                                          "in kept_val_loss")
    by_seed = table.pivot_table(index="seed", columns="variant", values="kept_val_loss", aggfunc="mean")
    differences = (by_seed[variant] - by_seed[reference]).dropna()
    same = int((differences.abs() <= 1e-6).sum())
    return (f"{message} On the same seed the long patience trains exactly like the short one until the "
            f"short one stops, so it keeps the same epoch or a lower val_loss, never a higher one: "
            f"{same} of {len(differences)} differences are 0.")


CHECKS = {"07.1": stricter_stop, "07.2": accuracy_callbacks, "07.3": long_vs_short}
