"""Lesson 02's exercises: count the optimizer's updates, build a gentler Nesterov, judge momentum seed by seed."""

from __future__ import annotations

import math
import numbers

import keras
import numpy as np
import pandas as pd

from ..verdicts import paired_verdict
from .expect import (NotAnswered, Wrong, built_model, dense_units, expect_compiled, expect_loss, expect_number,
                     expect_paired_verdict, expect_true)


def weight_updates(answer, data, epochs, batch_size, model=None) -> str:
    n_images = len(data.x_train)
    per_epoch = math.ceil(n_images / batch_size)
    expected = epochs * per_epoch
    if model is not None and getattr(model, "optimizer", None) is not None:
        expected = int(model.optimizer.iterations)   # the optimizer's own count, the ground truth
    hint = ("one update per mini-batch: the training images divided by batch_size, rounded *up* "
            "(the last mini-batch may be smaller), times the number of epochs.")
    if isinstance(answer, numbers.Real) and not isinstance(answer, bool) and answer != expected:
        if answer == epochs * (n_images // batch_size) and n_images % batch_size:
            raise Wrong(f"{answer!r} drops the last mini-batch of every epoch: {n_images:,} images are "
                        f"{n_images // batch_size} full batches of {batch_size} plus one of "
                        f"{n_images % batch_size}, and that one is a step too.",
                        "round up: math.ceil(n_images / batch_size).")
        if answer == per_epoch and epochs > 1:
            raise Wrong(f"{answer!r} is the number of updates in one epoch; each model trained {epochs}.", hint)
        if answer == n_images * epochs or answer == n_images:
            raise Wrong(f"{answer!r} counts images, but the optimizer updates the weights once per "
                        f"mini-batch of {batch_size} images, not once per image.", hint)
        if answer == epochs * math.ceil((n_images + len(data.x_val)) / batch_size):
            raise Wrong(f"{answer!r} includes the validation images; scoring them computes no gradient "
                        "and changes no weight.", hint)
        if float(answer) != int(answer):
            raise Wrong(f"{answer!r} is not a whole number: the optimizer cannot take part of a step.", hint)
    expect_number(answer, expected, "the number of weight updates of one fresh model", hint=hint)
    return (f"{epochs} × ⌈{n_images:,} / {batch_size}⌉ = {expected:,} updates, as the optimizer's own "
            f"`iterations` counter says; Adam's beta_1=0.99 averages over roughly the last 100 of them, "
            f"{100 / per_epoch:.2f} of an epoch here.")


def build_nesterov_gentle(answer) -> str:
    name = "build_nesterov_gentle"
    first = built_model(answer, name)
    second = built_model(answer, name)
    expect_true(first is not second, f"{name} returns the same model object every time.",
                "build the model inside the function (dc.baseline_model()), so that every call makes a new one.")
    expect_compiled(first)
    expect_true(first.optimizer is not second.optimizer,
                "the two models share one optimizer object, so its state (the velocities) would be tied to "
                "the first model's weights.",
                "create the optimizer inside the function, e.g. optimizer=keras.optimizers.SGD(...) in the "
                "compile call, not once above it.")
    units = dense_units(first)
    expect_true(units == [100, 10] and first.count_params() == 79_510,
                f"its Dense layers have {units} units and {first.count_params():,} parameters; the baseline "
                "has [100, 10] and 79,510.", "start from dc.baseline_model(): only the optimizer changes.")
    optimizer = first.optimizer
    expect_true(isinstance(optimizer, keras.optimizers.SGD),
                f"its optimizer is {type(optimizer).__name__}, not SGD.",
                "keras.optimizers.SGD(learning_rate=..., momentum=..., nesterov=...): Nesterov momentum is an "
                "option of SGD in Keras.")
    config = optimizer.get_config()
    rate = config.get("learning_rate")
    expect_true(isinstance(rate, numbers.Real), "its learning rate is a schedule, not a fixed number.",
                "pass learning_rate=0.01.")
    expect_true(math.isclose(rate, 0.01, rel_tol=1e-5),
                f"its learning rate is {rate:.4g}; the gentle setting uses 0.01 (ten times smaller than the "
                "lesson's Nesterov lr=0.1).", "pass learning_rate=0.01 to SGD.")
    expect_true(math.isclose(config.get("momentum", 0.0), 0.9, rel_tol=1e-5),
                f"its momentum is {config.get('momentum', 0.0):.4g}; keep the lesson's 0.9.",
                "pass momentum=0.9 to SGD (the string 'sgd' has no momentum).")
    expect_true(bool(config.get("nesterov")), "it uses classic momentum, not Nesterov's.", "pass nesterov=True.")
    expect_loss(first)
    scores = first.evaluate(np.zeros((8, 28, 28), dtype="float32"), np.zeros(8, dtype="int64"),
                            verbose=0, return_dict=True)
    expect_true("accuracy" in scores,
                "it does not report accuracy, which dc.run_variants needs (val_accuracy).",
                'add metrics=["accuracy"] to compile.')
    return ("a fresh baseline with its own SGD, Nesterov momentum 0.9 and learning rate 0.01: an effective "
            "step of about 0.01 / (1 − 0.9) = 0.1, like plain SGD lr=0.1 rather than ten times it.")


def momentum_verdict(answer, table) -> str:
    reference, variant, metric = "SGD lr=0.1", "Nesterov lr=0.1", "val_accuracy"
    if isinstance(answer, dict) and any(value is ... for value in answer.values()):
        raise NotAnswered("not answered yet: replace every `...` in the dict with your numbers and label.")
    names = set(table["variant"]) if isinstance(table, pd.DataFrame) and "variant" in table else set()
    expect_true({reference, variant} <= names,
                f"the table you passed has no runs of {reference!r} and {variant!r}.",
                "pass table=comparison.table, the per-seed table of section 2.")
    verdict = paired_verdict(table, variant, reference, metric, question="Nesterov lr=0.1 vs SGD lr=0.1:acc")
    given = answer.get("difference") if isinstance(answer, dict) else None
    if isinstance(given, numbers.Real) and not isinstance(given, bool) and verdict["difference"] is not None:
        mixups = [(paired_verdict(table, variant, "RMSprop", metric), "Nesterov's difference against RMSprop "
                   "(section 2's table)", f"here the reference is {reference!r}: take both columns from the table.")
                  ] if "RMSprop" in names else []
        if "min_val_loss" in table:
            mixups.append((paired_verdict(table, variant, reference, "min_val_loss"), "the difference in min_val_loss",
                           "the question is about val_accuracy, the last epoch's validation accuracy."))
        for other, what, hint in mixups:
            if (other["difference"] is not None and abs(given - other["difference"]) <= 6e-4
                    and abs(other["difference"] - verdict["difference"]) > 6e-4):
                raise Wrong(f"your difference is {what}.", hint)
    return expect_paired_verdict(answer, verdict, what="Nesterov lr=0.1 minus SGD lr=0.1, in val_accuracy")


CHECKS = {"02.1": weight_updates, "02.2": build_nesterov_gentle, "02.3": momentum_verdict}
