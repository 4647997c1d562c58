"""Lesson 01's exercises: count parameters, build a wider baseline, judge a gap against the spread."""

from __future__ import annotations

import keras

from ..summary import verdict_table
from .expect import (built_model, dense_units, expect_loss, expect_number, expect_optimizer, expect_true,
                     expect_verdict)


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
    expect_true(model.count_params() == 238_510, f"it has {model.count_params():,} parameters, not 238,510.",
                "the input must be 28×28 images, flattened (keras.Input(shape=(28, 28)), Flatten()).")
    return "a 784 → 300 → 10 network, compiled, 238,510 parameters."


def replay_verdict(answer, summary) -> str:
    reference, variant = "baseline", "one order replayed"
    row = verdict_table(summary, reference, "min_val_loss").set_index("variant").loc[variant]
    expected = expect_verdict(answer, row["verdict"], row[f"vs {reference}"], row["spread"],
                              n_seeds=int(summary.set_index("variant").loc[[reference, variant], "n_seeds"].min()),
                              lower_is_better=True, gap_means="replayed mean minus baseline mean")
    return f"on the lowest validation loss, the replayed order is {expected} (dc.verdict_table agrees)."


CHECKS = {"01.1": wide_parameters, "01.2": build_wide, "01.3": replay_verdict}
