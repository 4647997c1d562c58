"""Small checks every lesson's exercises share: numbers, choices, verdicts, and the models a student
built (their layers, loss, optimizer and learning rate), read one way for every lesson."""

from __future__ import annotations

import math
import numbers
import re
from typing import Any, Callable, Iterable

import keras
import pandas as pd


class Wrong(Exception):
    """An answer that is not right yet: what is wrong, and a hint towards the fix."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(f"{message} Hint: {hint}" if hint else message)


class NotAnswered(Wrong):
    """The exercise still holds its stub (a function that returns nothing yet)."""


def expect_number(answer: Any, expected: float, what: str, tolerance: float = 0.0,
                  hint: str | None = None) -> float:
    """``answer`` as a float, if it is a number within ``tolerance`` of ``expected``."""
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        raise Wrong(f"{what} should be a number, not {type(answer).__name__} {answer!r}.", hint)
    if abs(float(answer) - float(expected)) > tolerance:
        raise Wrong(f"{answer!r} is not {what}.", hint)
    return float(answer)


def expect_choice(answer: Any, expected: str, choices: Iterable[str], hint: str | None = None) -> str:
    """``answer`` must be one of ``choices`` (case and spaces ignored) and equal ``expected``."""
    choices = list(choices)
    given = str(answer).strip().lower() if isinstance(answer, str) else None
    if given not in choices:
        raise Wrong(f"answer with one of {', '.join(repr(c) for c in choices)}, not {answer!r}.")
    if given != expected:
        raise Wrong(f"{answer!r} is not what the numbers say.", hint)
    return given


def built_model(build: Any, name: str = "your function") -> keras.Model:
    """Call the student's builder and make sure it returned a Keras model."""
    if isinstance(build, keras.Model):
        raise Wrong(f"{name} should be the function that builds the model, not a model.",
                    "pass the function itself, without calling it: no () after its name.")
    if not callable(build):
        raise Wrong(f"{name} should be a function (def ...), not {type(build).__name__}.",
                    "pass the function itself, without calling it: no () after its name.")
    model = build()
    if model is None:
        raise NotAnswered(f"{name} returns nothing yet: write its body and end it with `return model`.")
    if not isinstance(model, keras.Model):
        raise Wrong(f"{name} returned {type(model).__name__}, not a Keras model.",
                    "end the function with `return model`.")
    return model


def expect_compiled(model: keras.Model) -> None:
    """The model has an optimizer and a loss (``compile`` was called)."""
    if getattr(model, "optimizer", None) is None or not getattr(model, "compiled", False):
        raise Wrong("the model is not compiled.", "call model.compile(optimizer=..., loss=..., "
                    "metrics=[\"accuracy\"]) before returning it.")


def layers_of(model: keras.Model, kind: type) -> list:
    """The model's layers of one class, in order (e.g. ``keras.layers.Dense``)."""
    return [layer for layer in model.layers if isinstance(layer, kind)]


def dense_units(model: keras.Model) -> list[int]:
    """Units of every Dense layer, in order, output layer included."""
    return [layer.units for layer in layers_of(model, keras.layers.Dense)]


def loss_name(model: keras.Model) -> str:
    """The compiled loss in snake case, however it was given: a string (``"sparse_categorical_crossentropy"``),
    a loss object (``keras.losses.SparseCategoricalCrossentropy()``) or a function
    (``keras.losses.sparse_categorical_crossentropy``)."""
    loss = getattr(model, "loss", None)
    if isinstance(loss, str):
        return loss.strip().lower()
    function = getattr(loss, "fn", None)  # a keras.losses.* object wraps its function
    name = getattr(function, "__name__", None) or getattr(loss, "__name__", None) or type(loss).__name__
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def expect_loss(model: keras.Model, expected: str = "sparse_categorical_crossentropy",
                hint: str = 'the labels are class numbers 0 to 9: loss="sparse_categorical_crossentropy".') -> None:
    """The model is compiled with the loss ``expected`` (given in any of ``loss_name``'s forms)."""
    expect_compiled(model)
    got = loss_name(model)
    expect_true(got == expected, f"it is compiled with the loss {got}, not {expected}.", hint)


def optimizer_name(model: keras.Model) -> str:
    """The compiled optimizer's class, lower case: ``"rmsprop"``, ``"adam"``, ``"sgd"``."""
    return type(getattr(model, "optimizer", None)).__name__.lower()


def expect_optimizer(model: keras.Model, expected: str, hint: str | None = None) -> None:
    """The model is compiled with the optimizer ``expected`` (a class name, any case: "RMSprop", "adam")."""
    expect_compiled(model)
    got = optimizer_name(model)
    expect_true(got == expected.lower(), f"it is compiled with {type(model.optimizer).__name__}, not {expected}.",
                hint or f'compile it with optimizer="{expected.lower()}".')


def learning_rate_of(optimizer) -> float:
    """An optimizer's learning rate: its number, or a schedule's starting rate (``initial_learning_rate``)."""
    rate = getattr(optimizer, "_learning_rate", None)
    schedule = rate if isinstance(rate, keras.optimizers.schedules.LearningRateSchedule) else None
    if schedule is not None:
        return float(getattr(schedule, "initial_learning_rate"))
    return float(keras.ops.convert_to_numpy(optimizer.learning_rate))


def expect_learning_rate(model: keras.Model, expected: float, what: str, hint: str | None = None) -> None:
    """The compiled optimizer (or its schedule) starts at ``expected``."""
    expect_compiled(model)
    rate = learning_rate_of(model.optimizer)
    expect_true(math.isclose(rate, expected, rel_tol=1e-4),
                f"{type(model.optimizer).__name__}'s learning rate is {rate:g}, not {expected:g} ({what}).", hint)


def expect_true(condition: bool, message: str, hint: str | None = None) -> None:
    """Raise ``Wrong(message, hint)`` unless ``condition`` holds."""
    if not condition:
        raise Wrong(message, hint)


def returns(function: Callable[..., Any], *args: Any, what: str) -> Any:
    """Call a student's function; a failure inside it becomes a ``Wrong`` naming ``what``."""
    try:
        return function(*args)
    except Wrong:
        raise
    except Exception as err:
        raise Wrong(f"{what} raised {type(err).__name__}: {err}.") from None


PAIRED_FIELDS = ("difference", "low", "high", "label")


def expect_runs_table(table: Any, variant: str, reference: str, metric: str, *,
                      table_hint: str, missing_hint: str) -> None:
    """``table`` is a per-seed table of runs holding ``variant`` and ``reference`` and the ``metric`` column."""
    if not isinstance(table, pd.DataFrame) or not {"variant", "seed", metric} <= set(table.columns):
        raise Wrong(f"table should be the per-seed table of runs (a DataFrame with variant, seed and {metric} "
                    f"columns), not {type(table).__name__}.", table_hint)
    missing = [name for name in (variant, reference) if name not in set(table["variant"])]
    if missing:
        raise Wrong(f"the table has no variant {', '.join(map(repr, missing))}.", missing_hint)


def expect_paired_verdict(answer: Any, verdict: dict, *, what: str, tolerance: float = 6e-4) -> str:
    """``answer`` is right if it gives the numbers ``verdict`` rests on and the label that follows from them.

    ``answer`` is a dict with ``difference`` (variant minus reference, averaged over the paired
    seeds), ``low`` and ``high`` (the 95 % t-interval) and ``label``; ``verdict`` is the lesson's
    ``dc.paired_verdict``. Numbers count within ``tolerance`` (a 4-decimal rounding passes). A bare
    word never passes, and a wrong answer says which part is off without giving the value away.
    ``what`` says what the difference is, e.g. "Dropout(0.3) minus the baseline, in min_val_loss".
    """
    from ..verdicts import LABELS, label_of

    hint = (f"difference = mean over seeds of ({what}); low/high = difference ∓ t · sd / √n with "
            "t for 95 % and n − 1 degrees of freedom (dc.paired_verdict computes all four).")
    if isinstance(answer, str):
        raise Wrong(f"{answer!r} is a bare word: a verdict needs the numbers it rests on.",
                    'answer with a dict: {"difference": ..., "low": ..., "high": ..., "label": ...}.')
    if not isinstance(answer, dict) or set(answer) != set(PAIRED_FIELDS):
        given = sorted(answer) if isinstance(answer, dict) else type(answer).__name__
        raise Wrong(f"the answer should be a dict with exactly the keys {', '.join(PAIRED_FIELDS)}, not {given}.",
                    '{"difference": d, "low": lo, "high": hi, "label": "better", "worse" or "undecided"}.')
    numbers_given = {}
    for key in ("difference", "low", "high"):
        value = answer[key]
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or math.isnan(float(value)):
            raise Wrong(f"{key} should be a number, not {value!r}.", hint)
        numbers_given[key] = float(value)
    expected = {key: verdict[key] for key in ("difference", "low", "high")}
    if any(value is None for value in expected.values()):
        raise Wrong("this comparison has fewer than 2 paired seeds, so it has no interval.", hint)
    difference, low, high = (numbers_given[k] for k in ("difference", "low", "high"))
    if abs(difference - expected["difference"]) > tolerance:
        if abs(difference + expected["difference"]) <= tolerance:
            raise Wrong("your difference has the wrong sign: it is the variant minus the reference.", hint)
        raise Wrong("your difference is not the mean of the per-seed differences.", hint)
    if not low <= difference <= high:
        raise Wrong("an interval runs from low to high around the mean difference; yours does not contain it.", hint)
    if abs(low - expected["low"]) > tolerance or abs(high - expected["high"]) > tolerance:
        half = (high - low) / 2
        true_half = (expected["high"] - expected["low"]) / 2
        why = "too wide" if half > true_half else "too narrow"
        raise Wrong(f"your interval is {why}: it should be the 95 % t-interval of the mean difference.",
                    "sd / √n is the standard error; t (not 1.96) comes from n − 1 degrees of freedom.")
    label = answer["label"].strip().lower() if isinstance(answer["label"], str) else answer["label"]
    if label not in LABELS:
        raise Wrong(f"the label is one of {', '.join(LABELS)}, not {answer['label']!r}.")
    follows = label_of(low, high, int(verdict["n_pairs"]), bool(verdict["higher_is_better"]))
    if label != follows:
        better = "higher" if verdict["higher_is_better"] else "lower"
        raise Wrong(f"{label!r} does not follow from your interval.",
                    f"'undecided' when the interval contains 0; otherwise its side decides ({better} is better "
                    f"for {verdict['metric']}).")
    return (f"{verdict['variant']} vs {verdict['reference']} on {verdict['metric']}: {difference:+.4f} "
            f"[{low:+.4f}, {high:+.4f}] over {verdict['n_pairs']} seeds, so {label}.")
