"""Lesson 01's exercises: count parameters, build a wider baseline, judge the replayed order seed by seed."""

from __future__ import annotations

import keras

from ..verdicts import paired_differences, paired_verdict
from .expect import (NotAnswered, Wrong, built_model, dense_units, expect_loss, expect_number, expect_optimizer,
                     expect_paired_verdict, expect_runs_table, expect_true)

REPLAYED, FRESH, METRIC = "one order replayed", "baseline", "min_val_loss"


def wide_parameters(answer) -> str:
    expected = 784 * 300 + 300 + 300 * 10 + 10
    expect_number(answer, expected, "the number of parameters of a 784 → 300 → 10 network",
                  hint="each Dense layer has (inputs × units) weights plus one bias per unit; "
                       "add the hidden layer (784 inputs, 300 units) and the output (300 inputs, 10 units).")
    return f"784 × 300 + 300 + 300 × 10 + 10 = {expected:,}, three times the baseline's 79,510."


def build_wide(answer) -> str:
    model = built_model(answer, "build_wide")
    units = dense_units(model)
    expect_true(units == [300, 10], f"its Dense layers have {units} units; expected [300, 10].",
                "one hidden Dense(300, activation=\"relu\") and the Dense(10) output.")
    hidden, output = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    expect_true(hidden.activation.__name__ == "relu",
                f"the hidden layer uses {hidden.activation.__name__}; the baseline uses relu.")
    expect_true(output.activation.__name__ == "softmax",
                f"the output uses {output.activation.__name__}; ten class probabilities need softmax.")
    expect_optimizer(model, "RMSprop", 'compiled the same way as the baseline: optimizer="rmsprop".')
    expect_loss(model)
    shape = tuple(getattr(model, "input_shape", ())[1:])
    expect_true(shape == (28, 28), f"it takes inputs of shape {shape}, and the images are 28×28.",
                "start with keras.Input(shape=(28, 28)) and a Flatten() layer, as the baseline does.")
    expect_true(model.count_params() == 238_510, f"it has {model.count_params():,} parameters, not 238,510.",
                "the input must be 28×28 images, flattened (keras.Input(shape=(28, 28)), Flatten()).")
    return "a 784 → 300 → 10 network, compiled, 238,510 parameters."


def replay_verdict(answer, table) -> str:
    """The paired verdict of the replayed order against the baseline (a fresh order), on min_val_loss."""
    if isinstance(answer, dict) and any(value is ... for value in answer.values()):
        raise NotAnswered("not answered yet: fill in the four values of the dict.")
    expect_runs_table(table, REPLAYED, FRESH, METRIC,
                      table_hint="pass trap_table, the baseline's runs and the replayed ones in one table.",
                      missing_hint="pd.concat([comparison.table, replay.table], ignore_index=True).")
    pairs = len(paired_differences(table, REPLAYED, FRESH, METRIC))
    if pairs < 2:
        raise Wrong(f"{REPLAYED!r} and {FRESH!r} share {pairs} seed(s); a paired verdict needs at least 2.",
                    "run the lesson with n_seeds and replay_seeds of 2 or more.")
    verdict = paired_verdict(table, REPLAYED, FRESH, METRIC)
    return expect_paired_verdict(answer, verdict, what=f"'{REPLAYED}' minus '{FRESH}', in {METRIC}, per seed")


CHECKS = {"01.1": wide_parameters, "01.2": build_wide, "01.3": replay_verdict}
