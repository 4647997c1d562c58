"""Lesson 03's exercises: gradient steps to the best epoch, SGD with a scaled learning rate,
and a paired verdict on optimization (the fixed-subset training loss) instead of generalization."""

from __future__ import annotations

import numbers

import keras
import numpy as np
import pandas as pd

from ..verdicts import paired_verdict
from .expect import NotAnswered, Wrong, built_model, dense_units, expect_compiled, expect_loss, expect_paired_verdict, expect_true

DEEP, REFERENCE = "deep 512…128 Adam", "300→100 Adam (deep's budget)"
SGD_DEFAULT_RATE, SCALED_RATE = 0.01, 0.04


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def steps_to_best(answer, history, n_train, batch_size) -> str:
    val_loss = list(history["val_loss"])
    best = int(np.argmin(val_loss)) + 1
    per_epoch = _ceil_div(int(n_train), int(batch_size))
    expected = best * per_epoch
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        raise Wrong(f"the number of steps should be a number, not {type(answer).__name__} {answer!r}.",
                    "multiply two whole numbers: the best epoch and the steps per epoch.")
    if answer == expected:
        return (f"best epoch {best} × {per_epoch} steps per epoch = {expected:,} gradient steps; at batch size 32 "
                f"the same {best} epoch(s) would be {best * _ceil_div(int(n_train), 32):,} steps.")
    hint = ("best epoch = np.argmin(history[\"val_loss\"]) + 1; steps per epoch = len(data.x_train) / batch_size, "
            "rounded up.")
    floor = int(n_train) // int(batch_size)
    mistakes = [
        ((best - 1) * per_epoch, "that is one epoch short: np.argmin counts from 0, epochs count from 1."),
        (best * floor, f"{int(n_train)} images make {floor} full batches plus a smaller last one, and fit "
                       "takes a step on that one too: round the division up (the tf.data pipeline of "
                       "section 4 dropped it; fit on arrays does not)."),
        (best, "that is the best epoch; multiply it by the steps per epoch."),
        (per_epoch, "that is the steps in one epoch; multiply by the epoch of the lowest validation loss."),
        ((int(np.argmin(history["loss"])) + 1) * per_epoch,
         "that uses the epoch of the lowest *training* loss; the question asks about the validation loss "
         "(history[\"val_loss\"])."),
        (len(val_loss) * per_epoch, "that is every step of the run; stop counting at the best epoch."),
        (best * _ceil_div(int(n_train), 32), "that counts batches of 32; the runs of section 1 used batch_size."),
    ]
    for value, message in mistakes:
        if value != expected and answer == value:
            raise Wrong(f"{answer!r} is not it: {message}", hint)
    raise Wrong(f"{answer!r} is not the number of gradient steps up to the best epoch.", hint)


def _learning_rate(optimizer) -> float | None:
    rate = getattr(optimizer, "_learning_rate", None)
    if isinstance(rate, keras.optimizers.schedules.LearningRateSchedule) or callable(rate):
        return None
    return float(keras.ops.convert_to_numpy(optimizer.learning_rate))


def build_sgd_fast(answer) -> str:
    name = "build_300_100_sgd_fast"
    model = built_model(answer, name)
    units = dense_units(model)
    expect_true(units != [100, 300, 10], "its hidden layers are 100 then 300 units: that is model 1's order.",
                "model 3 has model 2's layers: Dense(300), then Dense(100), then the Dense(10) output.")
    expect_true(units == [300, 100, 10], f"its Dense layers have {units} units; expected [300, 100, 10].",
                "reuse two_hidden(300, 100, optimizer, name) from section 1.")
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    for layer in dense[:2]:
        expect_true(layer.activation.__name__ == "relu",
                    f"a hidden layer uses {layer.activation.__name__}; the three models use relu.")
    expect_true(dense[-1].activation.__name__ == "softmax",
                f"the output uses {dense[-1].activation.__name__}; ten class probabilities need softmax.")
    expect_true(model.count_params() == 266_610, f"it has {model.count_params():,} parameters, not 266,610.",
                "the input must be 28×28 images, flattened (keras.Input(shape=(28, 28)), Flatten()).")
    expect_compiled(model)
    optimizer = model.optimizer
    kind = type(optimizer).__name__
    expect_true(isinstance(optimizer, keras.optimizers.SGD), f"it is compiled with {kind}, not SGD.",
                "model 3 uses keras.optimizers.SGD(learning_rate=...); only its step size changes here.")
    expect_true(float(optimizer.momentum) == 0.0 and not optimizer.nesterov,
                f"its SGD uses momentum {float(optimizer.momentum):g}; model 3 is plain SGD.",
                "leave momentum (and nesterov) at their defaults: this exercise changes only the learning rate.")
    rate = _learning_rate(optimizer)
    expect_true(rate is not None, "its learning rate is a schedule; this exercise wants one constant rate.",
                "pass a number: keras.optimizers.SGD(learning_rate=...). Lesson 06 is about schedules.")
    if not np.isclose(rate, SCALED_RATE, rtol=1e-5):
        hint = "SGD's default is 0.01 and the batch (128) is four times the notes' 32: scale the rate the same way."
        if np.isclose(rate, SGD_DEFAULT_RATE, rtol=1e-5):
            raise Wrong("its learning rate is SGD's default, 0.01: that is model 3 unchanged "
                        "(optimizer=\"sgd\" gives this default too).", hint)
        if np.isclose(rate, SGD_DEFAULT_RATE / 4, rtol=1e-5):
            raise Wrong("its learning rate is 0.01 divided by four: a larger batch gets a larger step, not a "
                        "smaller one.", hint)
        raise Wrong(f"its learning rate is {rate:g}, not four times SGD's default.", hint)
    expect_loss(model)
    again = built_model(answer, name)
    expect_true(again is not model, f"{name} returned the same model object twice; every call must build a new one.",
                "create the model inside the function (keras.Sequential([...]) or two_hidden(...)) on every call.")
    expect_true(again.optimizer is not optimizer, "two calls returned models that share one optimizer object.",
                "create the optimizer inside the function, e.g. two_hidden(300, 100, keras.optimizers.SGD(...), "
                "name): an optimizer keeps state, so two models must never share one.")
    return "300 → 100 → 10, plain SGD at four times the default learning rate, a fresh optimizer on every call."


def deep_train_loss_verdict(answer, table) -> str:
    if isinstance(answer, dict) and any(value is Ellipsis for value in answer.values()):
        raise NotAnswered("not answered yet: replace each `...` in the dict with your number or label.")
    if not isinstance(table, pd.DataFrame) or not {"variant", "seed", "fixed_loss", "epochs"} <= set(table):
        raise Wrong("the check needs the runs table with the fixed-subset training loss: pass table=same_budget.table.")
    missing = [name for name in (DEEP, REFERENCE) if name not in set(table["variant"])]
    if missing:
        raise Wrong(f"the table you passed has no run named {', '.join(repr(m) for m in missing)}.",
                    "pass table=same_budget.table, the runs of section 5.")
    runs = table[table["variant"].isin([DEEP, REFERENCE])]
    budgets = runs.groupby("variant")["epochs"].max()
    expect_true(budgets[DEEP] == budgets[REFERENCE],
                f"in the table you passed the two networks trained for different numbers of epochs "
                f"({int(budgets[DEEP])} and {int(budgets[REFERENCE])}).",
                "pass table=same_budget.table: there the smaller models are cut to the deep network's budget.")
    verdict = paired_verdict(runs, DEEP, REFERENCE, "fixed_loss", question="deep-training")
    message = expect_paired_verdict(answer, verdict, what="the deep network's fixed_loss minus the 300→100 "
                                                          "model's, at the last epoch of the same budget")
    meaning = {"better": "the deep network did fit the training set faster",
               "worse": "the deep network fitted the training set more slowly",
               "undecided": "no measurable difference in how fast they fitted the training set"}[verdict["label"]]
    return f"{message} So {meaning}."


CHECKS = {"03.1": steps_to_best, "03.2": build_sgd_fast, "03.3": deep_train_loss_verdict}
