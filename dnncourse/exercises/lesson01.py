"""Lesson 01's exercises: count parameters, build a wider baseline, judge a gap against the spread."""

from __future__ import annotations

import keras

from ..compare import verdict_table
from .expect import built_model, dense_units, expect_choice, expect_compiled, expect_number, expect_true

VERDICTS = ("better", "worse", "within the spread", "one seed: no spread")


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
    expect_compiled(model)
    expect_true(model.count_params() == 238_510, f"it has {model.count_params():,} parameters, not 238,510.",
                "the input must be 28×28 images, flattened (keras.Input(shape=(28, 28)), Flatten()).")
    return "a 784 → 300 → 10 network, compiled, 238,510 parameters."


def replay_verdict(answer, summary) -> str:
    expected = verdict_table(summary, "baseline", "min_val_loss").set_index("variant").loc[
        "one order replayed", "verdict"]
    expect_choice(answer, expected, VERDICTS,
                  hint="take the gap between the two mean lowest validation losses and compare it with the "
                       "two standard deviations added; lower loss is better. With one seed there is no spread.")
    return f"on the lowest validation loss, the replayed order is {expected} (dc.verdict_table agrees)."


CHECKS = {"01.1": wide_parameters, "01.2": build_wide, "01.3": replay_verdict}
