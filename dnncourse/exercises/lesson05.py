"""Lesson 05's exercises: the memory of BN's moving averages, a He + BN builder, BN's early lead at a large learning rate."""

from __future__ import annotations

import math
import numbers

import keras

from ..verdicts import paired_verdict
from .expect import (NotAnswered, Wrong, built_model, dense_units, expect_compiled, expect_loss, expect_paired_verdict,
                     expect_true, learning_rate_of)


# 05.1 ------------------------------------------------------------------------------------------

def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-4, abs_tol=1e-12)


def moving_memory(answer, data, batch_size, bn_layer) -> str:
    n_images = len(data.x_train)
    momentum = float(bn_layer.momentum)
    steps = math.ceil(n_images / batch_size)
    expected = momentum ** steps
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        raise Wrong(f"the weight should be a number, not {type(answer).__name__} {answer!r}.",
                    "momentum ** steps_per_epoch, both computed from the lesson's variables.")
    answer = float(answer)
    if _close(answer, expected):
        trust = ("the moving statistics are mostly data by now" if expected < 0.1 else
                 "the moving statistics are still mostly their starting values, so inference mode "
                 "normalizes with the wrong numbers")
        return (f"{n_images:,} images in batches of {batch_size} make {steps} steps; "
                f"{momentum:g} ** {steps} = {expected:.3g}: {trust}.")
    if abs(answer) < 1e-9:
        raise Wrong(f"{answer!r} is practically 0, but the starting value still weighs {momentum:g} raised to the "
                    "number of steps.", "multiply by m (not 1 − m) once per batch (not per image): "
                    "bn_layer.momentum ** steps_per_epoch.")
    # the likely slips, each with its own message
    slips = [
        (1 - expected, "that is the weight of the batches, 1 − m^steps; the question asks how much the "
                       "starting value still weighs: m^steps."),
        (momentum ** (n_images / batch_size), "the steps are not a whole number: the last, smaller batch "
                                              "is one more step, so round the division up (np.ceil)."),
        (momentum ** (n_images // batch_size), "you rounded the steps down: the last, smaller batch is "
                                               "one more step, so round the division up (np.ceil)."),
        ((1 - momentum) ** steps, "each step multiplies the old value by m, the momentum, not by 1 − m."),
        (momentum ** n_images, "the moving averages are updated once per batch, not once per image: "
                               "divide the images by batch_size."),
        (float(steps), "that is the number of steps; the weight is the momentum raised to that power."),
        (momentum, "the moving averages are updated after every batch, not once per epoch."),
    ]
    for value, message in slips:
        if _close(answer, value):
            raise Wrong(message)
    raise Wrong(f"{answer!r} is not the weight the starting value keeps after the first epoch.",
                "steps = ceil(len(data.x_train) / batch_size); weight = bn_layer.momentum ** steps.")


# 05.2 ------------------------------------------------------------------------------------------

HIDDEN_UNITS = (256, 128, 64)
EXPECTED_LAYERS = ["Flatten", *[token for units in HIDDEN_UNITS for token in (f"Dense {units}", "BN", "ReLU")],
                   "Dense 10 softmax"]


def _is_relu(layer) -> bool:
    if isinstance(layer, keras.layers.ReLU):
        return True
    return isinstance(layer, keras.layers.Activation) and getattr(layer.activation, "__name__", "") == "relu"


def _token(layer) -> str | None:
    """A short name for one layer; None for the input layer (not a step of the network)."""
    if isinstance(layer, keras.layers.InputLayer):
        return None
    if isinstance(layer, keras.layers.Dense):
        activation = layer.activation.__name__
        return f"Dense {layer.units}" + ("" if activation == "linear" else f" {activation}")
    if isinstance(layer, keras.layers.BatchNormalization):
        return "BN"
    if _is_relu(layer):
        return "ReLU"
    return type(layer).__name__


def build_he_bn(answer) -> str:
    model = built_model(answer, "build_he_bn")
    try:
        shape = tuple(model.inputs[0].shape)
    except (AttributeError, IndexError, ValueError):
        shape = None
    expect_true(shape == (None, 28, 28), f"the model's input shape is {shape}, not (None, 28, 28).",
                "start with keras.Input(shape=(28, 28)) and a Flatten layer.")
    units = dense_units(model)
    expect_true(units == [*HIDDEN_UNITS, 10], f"its Dense layers have {units} units; expected "
                f"{[*HIDDEN_UNITS, 10]}.", "three hidden Dense layers of 256, 128 and 64 units, then Dense(10).")
    hidden = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)][:-1]
    for layer in hidden:
        expect_true(layer.activation.__name__ == "linear",
                    f"hidden layer {layer.name} applies {layer.activation.__name__} itself, so its BN would come "
                    "after the activation.", "leave the Dense without activation and put the ReLU after the BN: "
                    "Dense → BatchNormalization → ReLU.")
        expect_true(not layer.use_bias, f"hidden layer {layer.name} has a bias.",
                    "use_bias=False: BN subtracts the batch mean anyway, and its β does the bias's job.")
        initializer = type(layer.kernel_initializer).__name__
        expect_true(initializer in ("HeUniform", "HeNormal"),
                    f"hidden layer {layer.name} starts from {initializer}, not He.",
                    'kernel_initializer="he_uniform" in every hidden Dense.')
    tokens = [token for token in map(_token, model.layers) if token is not None]
    expect_true(tokens == EXPECTED_LAYERS, f"its layers are {' → '.join(tokens)}; expected "
                f"{' → '.join(EXPECTED_LAYERS)}.", "BN before the activation: Dense → BatchNormalization → "
                "ReLU for each hidden layer, softmax only on the output.")
    momenta = [float(layer.momentum) for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization)]
    expect_true(all(math.isclose(m, 0.9) for m in momenta), f"its BN layers use momentum {momenta}, not 0.9.",
                "keras.layers.BatchNormalization(momentum=0.9); the Keras default is 0.99.")
    expect_compiled(model)
    optimizer = model.optimizer
    expect_true(isinstance(optimizer, keras.optimizers.SGD), f"it is compiled with {type(optimizer).__name__}, "
                "not SGD.", "optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.9), as in deep_mlp.")
    rate = learning_rate_of(optimizer)
    expect_true(math.isclose(rate, 0.01, rel_tol=1e-5) and math.isclose(float(optimizer.momentum), 0.9),
                f"its SGD has learning_rate={rate:g} and momentum={float(optimizer.momentum):g}.",
                "keras.optimizers.SGD(learning_rate=0.01, momentum=0.9); the string \"sgd\" has no momentum.")
    expect_loss(model)
    trainable = sum(int(math.prod(w.shape)) for w in model.trainable_weights)
    frozen = sum(int(math.prod(w.shape)) for w in model.non_trainable_weights)
    return (f"Dense → BN → ReLU three times, He, BN momentum 0.9: {trainable:,} trainable parameters and "
            f"{frozen:,} non-trainable ones (the moving means and variances, 2 × (256 + 128 + 64)).")


# 05.3 ------------------------------------------------------------------------------------------

PLAIN, WITH_BN, METRIC = "Glorot lr=0.1", "Glorot + BN lr=0.1", "val_accuracy_epoch_1"
# Pairs a student may take by mistake: (variant, reference, metric, what it is instead)
MIXUPS = [
    (WITH_BN, PLAIN, "val_accuracy", "the final accuracy (val_accuracy); the question is about the accuracy "
                                     "after the first epoch, val_accuracy_epoch_1"),
    ("Glorot + BN", "Glorot", METRIC, "the pair at the lesson's default rate, 0.01; the question is about "
                                      "learning rate 0.1"),
    (PLAIN, WITH_BN, METRIC, "no BN minus BN; the difference is the BN network minus the plain one"),
]


def bn_speed_at_01(answer, table) -> str:
    """The paired verdict of BN against no BN at learning rate 0.1, on the validation accuracy after epoch 1."""
    if isinstance(answer, dict) and any(value is ... for value in answer.values()):
        raise NotAnswered("not answered yet: replace each `...` in the dict with your number or label.")
    names = set(getattr(table, "variant", []))
    expect_true({PLAIN, WITH_BN} <= names and METRIC in getattr(table, "columns", []),
                f"the check needs the per-seed table `runs` (with {PLAIN!r}, {WITH_BN!r} and the column {METRIC}) "
                "as `table=`.", 'keep the last line as it was: dc.check("05.3", bn_speed, table=runs).')
    verdict = paired_verdict(table, WITH_BN, PLAIN, METRIC, higher_is_better=True)
    if isinstance(answer, dict) and isinstance(answer.get("difference"), numbers.Real) \
            and not isinstance(answer.get("difference"), bool) and verdict["difference"] is not None:
        given = float(answer["difference"])
        for variant, reference, metric, instead in MIXUPS:
            if {variant, reference} <= names and metric in table.columns:
                other = paired_verdict(table, variant, reference, metric)["difference"]
                if other is not None and abs(given - other) <= 6e-4 \
                        and abs(given - verdict["difference"]) > 6e-4:
                    raise Wrong(f"your difference is {instead}.",
                                f"per seed: {WITH_BN}'s {METRIC} minus {PLAIN}'s.")
    return expect_paired_verdict(answer, verdict, what=f"{WITH_BN} minus {PLAIN}, seed by seed, in {METRIC}")


CHECKS = {"05.1": moving_memory, "05.2": build_he_bn, "05.3": bn_speed_at_01}
