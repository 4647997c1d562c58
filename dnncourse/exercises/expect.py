"""Small checks every lesson's exercises share: numbers, choices, verdicts, and the models a student
built (their layers, loss, optimizer and learning rate), read one way for every lesson."""

from __future__ import annotations

import math
import numbers
import re
from typing import Any, Callable, Iterable, Sequence

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


VERDICTS = ("better", "worse", "within the spread", "one seed: no spread")


def expect_verdict(answer: Any, expected: str, gap: float, spread: float, *, n_seeds: int,
                   lower_is_better: bool, gap_means: str, mixups: Iterable[tuple[str, str, str]] = (),
                   choices: Sequence[str] = VERDICTS, repeat: str = "seed") -> str:
    """``answer`` normalised, if it is ``expected``, the verdict ``dnncourse.summary.verdict_table`` gives.

    ``gap`` and ``spread`` are that verdict's numbers; ``n_seeds`` is the fewer seeds of the two sides
    (``repeat`` names them, e.g. "fold"); ``gap_means`` says what the gap is, e.g. "Nesterov minus SGD".
    A wrong verdict gets the message for its confusion: one seed, a spread claimed missing, within
    the spread or not, the direction reversed. ``mixups`` are (verdict, message, hint) triples for a
    verdict the lesson shows elsewhere (another column or reference), checked before the last three.
    """
    given = answer.strip().lower() if isinstance(answer, str) else None
    if given == expected and given in choices:
        return given
    if given in VERDICTS:
        if expected == "one seed: no spread":
            raise Wrong(f"{answer!r} needs a spread, and one side has only one {repeat}: its standard deviation "
                        "is 0 because there is nothing to compare, not because the runs agree.",
                        "with n_seeds below 2 the only honest answer is 'one seed: no spread'.")
        if given == "one seed: no spread":
            raise Wrong(f"both sides have at least {n_seeds} {repeat}s, so there is a spread to judge the gap by.",
                        "spread = the two standard deviations added; compare |gap| with it.")
        for verdict, message, hint in mixups:
            if given == verdict:
                raise Wrong(message, hint)
        if expected == "within the spread":
            raise Wrong(f"{answer!r} needs a gap larger than the spread, and the gap {gap:+.4f} is not larger than "
                        f"the spread {spread:.4f}: the {repeat}s cannot tell the two apart.",
                        "spread = the two standard deviations added (not one of them, not their mean); "
                        "a gap no larger than that is neither better nor worse.")
        if given == "within the spread":
            raise Wrong(f"the gap {gap:+.4f} is larger than the spread {spread:.4f}.",
                        "'within the spread' needs |gap| ≤ the two standard deviations added; "
                        "when |gap| is larger, its sign decides.")
        if {given, expected} == {"better", "worse"}:
            better = "a loss, lower" if lower_is_better else "an accuracy, higher"
            raise Wrong(f"{answer!r} has the direction the wrong way round: the gap ({gap_means}) is {gap:+.4f}, "
                        f"and for {better} is better.",
                        f"a {'negative' if lower_is_better else 'positive'} gap beyond the spread is 'better'.")
    return expect_choice(answer, expected, choices,
                         hint=f"gap = {gap_means}; spread = the two standard deviations added.")


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
