"""Small checks the exercise modules share: numbers, choices, models a student built."""

from __future__ import annotations

import numbers
from typing import Any, Callable, Iterable

import keras


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
