"""Lesson 04's exercises: the size of an L2 penalty, a dropout + L2 builder, a paired verdict on the lowest validation loss."""

from __future__ import annotations

import inspect
import math
import numbers

import keras
import numpy as np

from ..verdicts import paired_verdict
from .expect import (NotAnswered, Wrong, built_model, expect_compiled, expect_learning_rate, expect_loss,
                     expect_paired_verdict, expect_true, returns)


# 04.1 ------------------------------------------------------------------------------------------

def _l2_factor(regularizer) -> float | None:
    """The L2 factor of a kernel regularizer, None when it has no (pure) L2 part."""
    if isinstance(regularizer, keras.regularizers.L2):
        return float(regularizer.l2)
    if isinstance(regularizer, keras.regularizers.L1L2) and not regularizer.l1:
        return float(regularizer.l2)
    return None


def _kernels_and_biases(model) -> list[tuple[float, np.ndarray, np.ndarray | None]]:
    """(L2 factor, kernel, bias) of every Dense layer with an L2 kernel penalty."""
    found = []
    for layer in model.layers:
        if not isinstance(layer, keras.layers.Dense):
            continue
        factor = _l2_factor(layer.kernel_regularizer)
        if factor is not None:
            weights = layer.get_weights()
            bias = weights[1].astype("float64") if layer.use_bias else None
            found.append((factor, weights[0].astype("float64"), bias))
    return found


def _one_number(value) -> float:
    if not isinstance(value, numbers.Real) and hasattr(value, "__array__") and np.size(value) == 1:
        value = float(np.asarray(value))   # a NumPy or JAX scalar
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise Wrong(f"l2_penalty(kernels, factor) returned {type(value).__name__}, not one number.",
                    "add the squared weights of all the kernels into a single float, times the factor.")
    return float(value)


def l2_penalty(answer, model) -> str:
    if not isinstance(model, keras.Model):
        raise Wrong(f"the check needs the trained model as `model=`, not {type(model).__name__}.",
                    "keep the last line as it was: dc.check(\"04.1\", l2_penalty, model=l2_model).")
    layers = _kernels_and_biases(model)
    expect_true(bool(layers), "the model passed as `model=` has no L2 kernel penalty to add up.",
                "l2_model should be everything.models[(\"L2 penalty\", seeds[0])], "
                "the L2 model of the weight-penalty section.")
    expect_true(callable(answer) and not isinstance(answer, keras.Model),
                f"04.1 asks for the function l2_penalty(kernels, factor), not {type(answer).__name__}.",
                "def l2_penalty(kernels, factor): return factor × the sum of every squared weight.")
    factor, kernels = layers[0][0], [kernel for _, kernel, _ in layers]
    answer_value = _one_number(returns(answer, kernels, factor, what="l2_penalty(kernels, factor)"))
    penalties = [factor * np.sum(kernel ** 2) for kernel in kernels]
    expected = float(sum(penalties))

    def near(value: float) -> bool:
        return math.isclose(answer_value, value, rel_tol=1e-4, abs_tol=1e-9)

    if not near(expected):
        expect_true(not near(-expected), "your function's value has the wrong sign: a sum of squares times a "
                                         "positive factor is never negative.", "drop the minus sign.")
        squares = sum(float(np.sum(kernel ** 2)) for kernel in kernels)
        mistakes = [
            (squares, "that is Σw² without the factor λ.", "multiply by `factor`."),
            (expected / 2, "that is half the penalty: some textbooks write λ/2·Σw², Keras's L2(λ) adds λ·Σw².",
             "drop the 1/2."),
            (sum(factor * float(np.linalg.norm(kernel)) for kernel in kernels),
             "that uses the length of the weights, not the sum of their squares.", "square every weight, then add them up."),
            (sum(factor * float(np.mean(kernel ** 2)) for kernel in kernels),
             "that uses the mean of the squared weights, not their sum.", "use .sum(), not .mean()."),
        ]
        mistakes += [(float(p), f"that is the penalty of one kernel only (Dense layer {i + 1} of {len(kernels)}).",
                      "add the penalties of every kernel in `kernels`.") for i, p in enumerate(penalties)]
        for value, message, hint in mistakes:
            if near(value):
                raise Wrong(f"for l2_model your function gives {answer_value:.6g}: {message}", hint)
        raise Wrong(f"for l2_model your function gives {answer_value:.6g}, not its L2 penalty.",
                    "for every kernel in `kernels`: (kernel ** 2).sum(); add them up and multiply by `factor`.")
    rng = np.random.default_rng(4)
    others, other_factor = [rng.standard_normal((5, 3)), rng.standard_normal((3, 2))], 0.01
    other = _one_number(returns(answer, others, other_factor, what="l2_penalty(kernels, factor)"))
    wanted = other_factor * sum(float(np.sum(k ** 2)) for k in others)
    expect_true(math.isclose(other, wanted, rel_tol=1e-4),
                "your function is right for l2_model but not for other kernels and another factor: it must "
                "compute the penalty from its arguments, not take it from the model.",
                "use only `kernels` and `factor` inside the function.")
    return (f"λ·Σw² over the {len(kernels)} kernels is {expected:.4f}; it is part of every loss Keras reports "
            "for this model, training and validation alike, which is why its loss is not compared "
            "with the plain one's.")


# 04.2 ------------------------------------------------------------------------------------------

def _describe(model) -> list[str]:
    """Dense and Dropout layers in order, e.g. ["Dense(100)", "Dropout(0.3)", ...]."""
    out = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.Dense):
            out.append(f"Dense({layer.units})")
        elif isinstance(layer, keras.layers.Dropout):
            out.append(f"Dropout({layer.rate:g})")
    return out


def _call(**kwargs) -> str:
    return "build_dropout_l2(" + ", ".join(f"{k}={v:g}" for k, v in kwargs.items()) + ")"


def _build(function, **kwargs) -> keras.Model:
    call = _call(**kwargs)
    try:
        inspect.signature(function).bind(**kwargs)
    except TypeError as err:
        raise Wrong(f"{call} cannot be called: {err}.",
                    "keep the signature def build_dropout_l2(rate=0.25, factor=1e-4):") from None
    except ValueError:
        pass   # no signature to inspect: just call it
    model = function(**kwargs)
    if not isinstance(model, keras.Model):
        raise Wrong(f"{call} returned {type(model).__name__}, not a Keras model.",
                    "end the function with `return model`.")
    return model


N_PARAMS = 111_810  # 784 -> 100 -> 300 -> 10, dropout and penalties add none


def _shape(model, rate: float, factor: float, call: str) -> None:
    expected = ["Dense(100)", f"Dropout({rate:g})", "Dense(300)", "Dense(10)"]
    got = _describe(model)
    if [g.split("(")[0] for g in got] == [e.split("(")[0] for e in expected] and \
            [g for g in got if g.startswith("Dense")] == [e for e in expected if e.startswith("Dense")]:
        expect_true(got == expected, f"{call} has the dropout rate {got[1][8:-1]}; expected the `rate` argument.",
                    "pass `rate` to the Dropout layer.")
    expect_true(got == expected,
                f"{call} has the layers {' → '.join(got) or 'none'}; expected Dense(100) → Dropout → Dense(300) → Dense(10).",
                "as the dropout variants of section 1: one Dropout between the two hidden layers.")
    for layer in (layer for layer in model.layers if isinstance(layer, keras.layers.Dense)):
        regularizer = layer.kernel_regularizer
        got_factor = _l2_factor(regularizer)
        expect_true(regularizer is not None, f"in {call}, the Dense({layer.units}) layer has no kernel_regularizer.",
                    "give every Dense layer, the output too, kernel_regularizer=keras.regularizers.L2(factor).")
        expect_true(got_factor is not None, f"in {call}, the Dense({layer.units}) layer's kernel penalty is "
                                            f"{type(regularizer).__name__}, not L2.",
                    "use keras.regularizers.L2(factor).")
        expect_true(math.isclose(got_factor, factor, rel_tol=1e-6),
                    f"in {call}, the Dense({layer.units}) layer's L2 factor is not the `factor` argument.",
                    "pass the `factor` argument: L2(factor). Note that the string \"l2\" means L2(0.01).")
        expect_true(layer.bias_regularizer is None and layer.activity_regularizer is None,
                    f"in {call}, the Dense({layer.units}) layer also penalizes its biases or outputs.",
                    "only kernel_regularizer, as in the L2 variant.")


def build_dropout_l2(answer) -> str:
    expect_true(not isinstance(answer, keras.Model), "that is a model; the check wants the function that builds it.",
                "pass build_dropout_l2 itself, without () after its name.")
    model = built_model(answer, "build_dropout_l2")
    _shape(model, 0.3, 1e-4, "build_dropout_l2()")
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    activations = [layer.activation.__name__ for layer in dense]
    expect_true(activations == ["relu", "relu", "softmax"],
                f"the activations are {activations}; expected relu for the hidden layers and softmax for the output.")
    expect_true(tuple(model.input_shape) == (None, 28, 28) and model.count_params() == N_PARAMS,
                f"it takes inputs of shape {model.input_shape} and has {model.count_params():,} parameters, "
                "not those of the 100 → 300 network (dropout and penalties add none).",
                "start with keras.Input(shape=(28, 28)) and keras.layers.Flatten(), or use model_fn.")
    expect_compiled(model)
    expect_true(isinstance(model.optimizer, keras.optimizers.Adam) and
                not isinstance(model.optimizer, keras.optimizers.AdamW),
                f"it is compiled with {type(model.optimizer).__name__}, not Adam.",
                "compile it with compile_adam(model).")
    expect_learning_rate(model, 1e-3, "LEARNING_RATE", "compile_adam(model) uses LEARNING_RATE.")
    expect_loss(model, hint="compile it with compile_adam(model).")
    other = _build(answer, rate=0.4, factor=1e-3)
    _shape(other, 0.4, 1e-3, _call(rate=0.4, factor=1e-3))
    again = _build(answer)
    shared = [layer.name for layer in model.layers if any(layer is mine for mine in again.layers)]
    expect_true(not shared, f"two calls return models that share the layer objects {shared}, weights included.",
                "create every layer inside the function, as section 1 explains, so each call gives a fresh model.")
    return ("100 → Dropout(0.3) → 300 → 10 with L2(1e-4) on every kernel, Adam 1e-3, "
            f"{N_PARAMS:,} parameters like the plain network; the arguments work and every call builds fresh layers.")


# 04.3 ------------------------------------------------------------------------------------------

REFERENCE, DROPOUT, METRIC = "100-300", "Dropout(0.3)", "min_val_ce"


def dropout_loss_verdict(answer, table) -> str:
    if isinstance(answer, dict) and any(value is ... for value in answer.values()):
        raise NotAnswered("not answered yet: fill in the four values of the dict.")
    names = set(getattr(table, "variant", []))
    expect_true({REFERENCE, DROPOUT} <= names and METRIC in getattr(table, "columns", []),
                "the check needs the per-seed table `runs` (with the column min_val_ce) as `table=`.",
                "keep the last line as it was: dc.check(\"04.3\", dropout_vs_plain, table=runs).")
    verdict = paired_verdict(table, DROPOUT, REFERENCE, METRIC, higher_is_better=False)
    return expect_paired_verdict(answer, verdict, what="Dropout(0.3) minus 100-300, seed by seed, in min_val_ce")


CHECKS = {"04.1": l2_penalty, "04.2": build_dropout_l2, "04.3": dropout_loss_verdict}
