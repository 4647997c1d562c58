"""Lesson 08's exercises: the final model's cosine, a search space with per-layer widths, the grid's top two
points compared fold by fold (a paired verdict)."""

from __future__ import annotations

import inspect
import math
import numbers
import re

import keras
import pandas as pd

from ..verdicts import paired_verdict
from .expect import (Wrong, dense_units, expect_compiled, expect_loss, expect_paired_verdict, expect_true,
                     layers_of, learning_rate_of)

# --- 08.1 ----------------------------------------------------------------------------------------


def _as_float(answer):
    """A plain float from a Python, NumPy or 0-d array number; the answer unchanged otherwise."""
    if isinstance(answer, bool):
        return answer
    if isinstance(answer, numbers.Real):
        return float(answer)
    if getattr(answer, "ndim", None) == 0 and hasattr(answer, "__float__"):
        return float(answer)
    return answer


def final_rate(answer, learning_rate, train_images, full_images, batch_size, epochs) -> str:
    validated = math.ceil(train_images / batch_size) * epochs
    total = math.ceil(full_images / batch_size) * epochs
    fraction = 0.5 * (1 + math.cos(math.pi * min(validated, total) / total))
    expected = learning_rate * fraction
    how = (f"k is section 5's steps, steps_for(len(data.y_train), final_epochs) = {validated}; decay_steps "
           f"is the final model's, final_steps = {total}; rate₀ = chosen_hp[\"learning_rate\"].")
    answer = _as_float(answer)
    if isinstance(answer, bool) or not isinstance(answer, float):
        raise Wrong(f"the learning rate should be a number, not {type(answer).__name__} {answer!r}.", how)

    def near(value):
        return abs(answer - value) <= 1e-3 * abs(value) + 1e-12

    if answer < 0:
        raise Wrong("a learning rate is never negative: CosineDecay falls from rate₀ to 0, no further.", how)
    if near(expected):
        return (f"after {validated} of its {total} steps the final model still runs at {fraction:.1%} of its "
                f"starting rate ({expected:.3g}): its extra steps are not spent at a zero rate, the whole "
                "cosine is stretched.")
    if near(learning_rate):
        raise Wrong(f"{answer!r} is the starting rate, the rate at step 0.", how)
    if near(0.0):
        raise Wrong("zero is where section 5's run ended, because its cosine ran over its own "
                    f"{validated} steps. The final model's cosine runs over {total} steps.", how)
    if near(fraction):
        raise Wrong(f"{answer!r} is the fraction ½ · (1 + cos(...)) alone.", "multiply it by rate₀.")
    if near(learning_rate * (1 - validated / total)):
        raise Wrong("that is a straight line from rate₀ to zero; CosineDecay follows half a cosine.", how)
    if near(learning_rate * 0.5 * (1 + math.cos(validated / total))):
        raise Wrong("the cosine's argument needs the factor π: cos(π · k / decay_steps).", how)
    raise Wrong(f"{answer!r} is not the final model's learning rate after {validated} steps.", how)


# --- 08.2 ----------------------------------------------------------------------------------------

UNIT_CHOICES = [64, 128, 256]
NAMES_HINT = ('declare exactly these names: hp.Int("layers", 1, 3), hp.Choice(f"units_{i}", [64, 128, 256]) '
              'for layer i, hp.Float("dropout", 0.0, 0.5, step=0.1), hp.Float("learning_rate", 1e-4, 1e-2, '
              'sampling="log").')


def _hyperparameters():
    import keras_tuner  # the lesson imports it too; imported here so other lessons do not need it

    return keras_tuner.HyperParameters()


def _model_for(build, fixed: dict, what: str):
    """Call ``build(hp)`` with ``fixed`` values pinned; return (model, declared space by name)."""
    hp = _hyperparameters()
    for name, value in fixed.items():
        hp.Fixed(name, value)
    model = build(hp)  # an error in the student's code goes to dc.check, which names their line
    if not isinstance(model, keras.Model):
        raise Wrong(f"{what} returned {type(model).__name__}, not a Keras model.", "end it with `return model`.")
    return model, {h.name: h for h in hp.space}


def _declared(space: dict, name: str, kind: str, hint: str = NAMES_HINT):
    """The hyperparameter ``name`` of type ``kind`` (Int, Float, Choice) from the declared space."""
    if not space:
        raise Wrong("your function declares no hyperparameters on hp.", hint)
    if name not in space:
        raise Wrong(f"your space declares {sorted(space)}, but no {name!r}.", hint)
    found = type(space[name]).__name__
    if found != kind:
        raise Wrong(f"{name!r} is declared as hp.{found}, not hp.{kind}.", hint)
    return space[name].get_config()


def _expect_space(space: dict) -> None:
    """The four shared dimensions, read from the space an empty HyperParameters collected."""
    config = _declared(space, "layers", "Int")
    expect_true((config["min_value"], config["max_value"]) == (1, 3),
                f"\"layers\" runs from {config['min_value']} to {config['max_value']}, not 1 to 3.", NAMES_HINT)
    config = _declared(space, "dropout", "Float")
    expect_true(math.isclose(config["min_value"], 0.0, abs_tol=1e-9) and math.isclose(config["max_value"], 0.5)
                and config.get("step") is not None and math.isclose(config["step"], 0.1),
                f"\"dropout\" is declared from {config['min_value']} to {config['max_value']} in steps of "
                f"{config.get('step')}, not 0.0 to 0.5 in steps of 0.1.", NAMES_HINT)
    config = _declared(space, "learning_rate", "Float")
    expect_true(math.isclose(config["min_value"], 1e-4) and math.isclose(config["max_value"], 1e-2),
                f"\"learning_rate\" runs from {config['min_value']} to {config['max_value']}, not 1e-4 to 1e-2.",
                NAMES_HINT)
    expect_true(config.get("sampling") == "log",
                f"\"learning_rate\" is sampled on a {config.get('sampling')} scale, not a log scale.",
                'add sampling="log", so that 1e-4 to 1e-3 is as likely as 1e-3 to 1e-2.')


def _expect_units(space: dict, layers: int) -> None:
    """units_1 .. units_<layers> declared as Choice([64, 128, 256]), and no more."""
    if "units" in space and "units_1" not in space:
        raise Wrong("all hidden layers share one \"units\" hyperparameter.",
                    'give hidden layer i its own hp.Choice(f"units_{i}", [64, 128, 256]) inside the loop.')
    for i in range(1, layers + 1):
        config = _declared(space, f"units_{i}", "Choice",
                           f'with {layers} layer(s), declare hp.Choice(f"units_{{i}}", [64, 128, 256]) for '
                           f"i = 1 to {layers}, inside the loop over the layers.")
        expect_true(list(config["values"]) == UNIT_CHOICES,
                    f"\"units_{i}\" chooses among {list(config['values'])}, not {UNIT_CHOICES}.", NAMES_HINT)
    extra = [f"units_{i}" for i in range(layers + 1, 4) if f"units_{i}" in space]
    expect_true(not extra, f"with {layers} layer(s) your function still declares {extra}.",
                "declare units_i inside the loop over the layers, so a layer that is not built "
                "declares nothing (a conditional hyperparameter).")


def _expect_funnel(model: keras.Model, units: list[int], dropout: float, learning_rate: float) -> None:
    got = dense_units(model)
    expect_true(got == [*units, 10],
                f"with layers={len(units)} and units_1..{len(units)}={units} your Dense layers have {got} units; "
                f"expected {[*units, 10]}.",
                "build hidden layer i with the value of units_i, and end with Dense(10, activation=\"softmax\").")
    expect_true(tuple(model.input_shape) == (None, 28, 28),
                f"the model takes inputs of shape {model.input_shape}, not (None, 28, 28).",
                "start with keras.Input(shape=(28, 28)) and keras.layers.Flatten().")
    dense = layers_of(model, keras.layers.Dense)
    for layer in dense[:-1]:
        expect_true(layer.activation.__name__ == "relu",
                    f"hidden layer {layer.name} uses {layer.activation.__name__}, not relu.")
        initializer = type(layer.kernel_initializer).__name__
        expect_true(initializer == "HeNormal", f"hidden layer {layer.name} starts from {initializer}, not He normal.",
                    'pass kernel_initializer="he_normal" to every hidden Dense layer.')
    expect_true(dense[-1].activation.__name__ == "softmax",
                f"the output uses {dense[-1].activation.__name__}; ten class probabilities need softmax.")
    kinds = [layer for layer in model.layers if isinstance(layer, (keras.layers.Dense, keras.layers.Dropout))]
    for i, layer in enumerate(kinds[:-1]):
        if isinstance(layer, keras.layers.Dense):
            after = kinds[i + 1]
            expect_true(isinstance(after, keras.layers.Dropout),
                        f"hidden layer {layer.name} is not followed by a Dropout layer.",
                        "add keras.layers.Dropout(dropout) right after every hidden Dense layer.")
            expect_true(math.isclose(after.rate, dropout),
                        f"with dropout={dropout} your Dropout layer {after.name} has rate {after.rate}.",
                        "use the value hp.Float(\"dropout\", ...) returned, the same for every layer.")
    expect_compiled(model)
    optimizer = model.optimizer
    expect_true(isinstance(optimizer, keras.optimizers.Adam),
                f"the model is compiled with {type(optimizer).__name__}, not Adam.",
                "compile with optimizer=keras.optimizers.Adam(learning_rate).")
    rate = learning_rate_of(optimizer)
    expect_true(math.isclose(rate, learning_rate, rel_tol=1e-4),
                f"with learning_rate={learning_rate} your Adam starts at {rate:.3g}.",
                "pass the value hp.Float(\"learning_rate\", ...) returned to keras.optimizers.Adam(...).")
    expect_loss(model)


def funnel_space(answer) -> str:
    if isinstance(answer, keras.Model) or not callable(answer):
        raise Wrong(f"build_funnel should be a function (def ...), not {type(answer).__name__}.",
                    "pass the function itself, without calling it: no () after its name.")
    try:
        takes_hp = len(inspect.signature(answer).parameters) >= 1
    except (TypeError, ValueError):
        takes_hp = True
    expect_true(takes_hp, "build_funnel takes no argument; Keras Tuner calls it with one, hp.",
                "define it as def build_funnel(hp): and declare the hyperparameters on hp.")
    # 1. An empty HyperParameters: every hp call returns its default (1 layer of 64 units, dropout 0).
    model, space = _model_for(answer, {}, "build_funnel(hp) with an empty HyperParameters")
    _expect_space(space)
    _expect_units(space, layers=1)
    expect_true(dense_units(model) == [64, 10],
                f"with the defaults (layers=1, units_1=64) your Dense layers have {dense_units(model)} units; "
                "expected [64, 10].", "build the number of hidden layers hp.Int(\"layers\", ...) returned.")
    expect_compiled(model)
    # 2. Three layers: units_2 and units_3 are declared too (a conditional hyperparameter).
    _, space = _model_for(answer, {"layers": 3}, "build_funnel(hp) with layers=3")
    _expect_units(space, layers=3)
    # 3. Fixed values everywhere: each layer must get its own width, the shared dropout and the rate.
    fixed = {"layers": 3, "units_1": 256, "units_2": 128, "units_3": 64, "dropout": 0.2, "learning_rate": 3e-3}
    model, _ = _model_for(answer, fixed, "build_funnel(hp) with fixed values")
    _expect_funnel(model, [256, 128, 64], 0.2, 3e-3)
    model, _ = _model_for(answer, {**fixed, "layers": 2}, "build_funnel(hp) with layers=2")
    _expect_funnel(model, [256, 128], 0.2, 3e-3)
    widths = sum(len(UNIT_CHOICES) ** n for n in range(1, 4))
    return (f"1 to 3 layers, each with its own width: {' + '.join(str(3 ** n) for n in range(1, 4))} = {widths} "
            f"width combinations, {widths * 6} with the dropout rates, before the learning rate.")


# --- 08.3 ----------------------------------------------------------------------------------------

FOLD_COLUMN = re.compile(r"fold_(\d+)")


def grid_pair(answer, grid_table) -> str:
    """The grid's best point against its runner-up, paired fold by fold (dc.paired_verdict)."""
    if not isinstance(grid_table, pd.DataFrame) or "mean_fold_accuracy" not in grid_table.columns:
        raise Wrong("the check needs section 4's grid_table (with mean_fold_accuracy and fold_1, fold_2, ...).",
                    "keep the context as in the stub: grid_table=grid_table.")
    folds = sorted((c for c in grid_table.columns if FOLD_COLUMN.fullmatch(str(c))),
                   key=lambda c: int(FOLD_COLUMN.fullmatch(c).group(1)))
    if len(folds) < 2 or len(grid_table) < 2:
        raise Wrong("the grid needs at least two points and two folds to compare the top two fold by fold.",
                    "run the lesson with grid_points and cv_folds of 2 or more.")
    ranked = grid_table.sort_values("mean_fold_accuracy", ascending=False, kind="stable")
    best, runner_up = ranked.iloc[0], ranked.iloc[1]
    # The folds play the part of seeds: the same held-out images for both points.
    table = pd.DataFrame([{"variant": name, "seed": k, "fold_accuracy": float(row[column])}
                          for name, row in (("best", best), ("runner-up", runner_up))
                          for k, column in enumerate(folds, start=1)])
    verdict = paired_verdict(table, "best", "runner-up", "fold_accuracy", higher_is_better=True,
                             question="grid: best vs runner-up")
    message = expect_paired_verdict(answer, verdict,
                                    what="the best point's fold accuracy minus the runner-up's, fold by fold")
    return message.replace(" seeds, so ", " folds, so ")


CHECKS = {"08.1": final_rate, "08.2": funnel_space, "08.3": grid_pair}
