"""Check a lesson's parameters before any training starts.

Each lesson's first code after its ``parameters`` cell calls
``check_parameters(...)`` with its knobs, so a wrong value stops the notebook at
once with a message that says what is allowed, whether the notebook runs by hand,
by papermill or through ``dnncourse run``. ``RULES`` says what one parameter may
be; ``COMBINATIONS`` what several must be together (a long patience longer than
the short one). ``dnncourse run`` applies both before any kernel starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from .backend import say_default_backend_once


class ParameterError(ValueError):
    """A lesson parameter has the wrong type or is out of range."""


@dataclass(frozen=True)
class Rule:
    """What one parameter may be: its type, a range or a list of choices."""

    kind: type
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple | None = None
    allow_none: bool = False
    help: str = ""
    item: type | None = None  # a list's items: each of this type, and >= minimum if one is given

    def describe(self) -> str:
        parts = [self.kind.__name__ if self.item is None else f"a list of {self.item.__name__}s"]
        if self.choices:
            parts = ["one of " + ", ".join(repr(c) for c in self.choices)]
        if self.minimum is not None:
            parts.append(f">= {self.minimum}")
        if self.maximum is not None:
            parts.append(f"<= {self.maximum}")
        if self.allow_none:
            parts.append("or None")
        return " ".join(parts) + (f" ({self.help})" if self.help else "")

    def check(self, name: str, value: Any) -> Any:
        if value is None and self.allow_none:
            return None
        if self.kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if isinstance(value, bool) and self.kind is not bool or not isinstance(value, self.kind):
            raise ParameterError(f"{name}={value!r} has the wrong type: expected {self.describe()}.")
        if self.item is not None:
            return self.check_items(name, value)
        if self.choices and value not in self.choices:
            raise ParameterError(f"{name}={value!r} is not allowed: expected {self.describe()}.")
        if self.minimum is not None and value < self.minimum:
            raise ParameterError(f"{name}={value!r} is too small: expected {self.describe()}.")
        if self.maximum is not None and value > self.maximum:
            raise ParameterError(f"{name}={value!r} is too large: expected {self.describe()}.")
        return value

    def check_items(self, name: str, values: list) -> list:
        """A non-empty list whose items are each ``item`` (never a bool) and at least ``minimum``."""
        def fits(x: Any) -> bool:
            return (isinstance(x, self.item) and not isinstance(x, bool)
                    and (self.minimum is None or x >= self.minimum))

        if not values or not all(fits(x) for x in values):
            raise ParameterError(f"{name}={values!r}: expected {self.describe()}.")
        return values


# Every knob a lesson's parameters cell may hold. A lesson that adds a knob adds its rule here.
RULES: dict[str, Rule] = {
    "epochs": Rule(int, 1, 500, help="training epochs per model"),
    "n_train": Rule(int, 10, 48_000, allow_none=True,
                    help="training samples kept from the 48,000 of the 8:2 split; None keeps all"),
    "seed": Rule(int, 0, 2**31 - 1, help="first random seed"),
    "n_seeds": Rule(int, 1, 20, help="how many seeds each variant is trained with"),
    "batch_size": Rule(int, 1, 48_000, help="samples per gradient step"),
    "dataset": Rule(str, choices=("fashion_mnist", "mnist")),
    "output_dir": Rule(str, help="folder for this run's results"),
    # lesson 01 (baseline)
    "replay_seeds": Rule(int, 1, 20, help="seeds that also train lesson 01's replayed-order variant; "
                                          "at most n_seeds are used"),
    # lesson 03 (three models) and lesson 04 (dropout): the source notes' own setting, re-run
    "notes_epochs": Rule(int, 1, 500, help="epochs of the re-run of the source notes' own setting"),
    "notes_seeds": Rule(int, 1, 20, help="seeds of the re-run of the source notes' own setting"),
    # lesson 03 (three models)
    "deep_epochs": Rule(int, 1, 500, help="epochs of the large deep network"),
    "deep_seeds": Rule(int, 1, 20, help="seeds of the large deep network"),
    # lesson 08 (hyperparameter tuning)
    "max_trials": Rule(int, 1, 500, help="configurations a Keras Tuner search tries"),
    "search_epochs": Rule(int, 1, 100, help="epochs per tuner trial and per GridSearchCV fit"),
    "search_n_train": Rule(int, 10, 48_000, help="training samples a hyperparameter search sees; "
                                                 "lesson 08 also needs at least 10 x cv_folds"),
    "grid_points": Rule(int, choices=(2, 4, 8),
                        help="GridSearchCV grid size; each doubling adds one hyperparameter"),
    "cv_folds": Rule(int, 2, 10, help="cross-validation folds of GridSearchCV"),
    "candidate_epochs": Rule(list, 1, item=int, help="epoch budgets compared on validation, such as [10, 20]; "
                                                     "the best one is the final model's budget"),
    # lesson 06 (learning-rate decay)
    "headline_seeds": Rule(int, 1, 20, help="seeds of the variants a lesson's main question rests on "
                                            "(at least n_seeds are used)"),
    # lesson 07 (early stopping)
    "learning_rate": Rule(float, 1e-6, 1.0, help="the optimizer's learning rate"),
    "patience": Rule(int, 0, 100, help="epochs without improvement before EarlyStopping stops training"),
    "long_patience": Rule(int, 1, 100, help="patience of lesson 07's long-patience variant; must be larger "
                                            "than patience"),
    "notes_learning_rate": Rule(float, 1e-6, 1.0, help="the source notes' learning rate, re-run beside the "
                                                       "lesson's own"),
}


def long_patience_is_longer(patience: int, long_patience: int) -> None:
    """Lesson 07 compares a short and a long patience; equal ones would be a single variant."""
    if long_patience <= patience:
        raise ParameterError(
            f"long_patience={long_patience} must be larger than patience={patience}: the lesson compares a "
            f"short and a long patience, and equal ones would be a single variant. "
            f"Try long_patience={2 * patience + 1}.")


def enough_images_for_the_folds(search_n_train: int, cv_folds: int) -> None:
    """Lesson 08's stratified folds need at least ``cv_folds`` images of each of the 10 classes."""
    if search_n_train < 10 * cv_folds:
        raise ParameterError(
            f"search_n_train={search_n_train} is too small for cv_folds={cv_folds}: cross-validation needs at "
            f"least {cv_folds} images of each of the 10 classes in the search subset. Use search_n_train >= "
            f"{10 * cv_folds} (10 classes x cv_folds), or fewer cv_folds.")


# Rules over several parameters: the names each one reads, and the function that checks them.
COMBINATIONS: dict[tuple[str, ...], Callable[..., None]] = {
    ("patience", "long_patience"): long_patience_is_longer,
    ("search_n_train", "cv_folds"): enough_images_for_the_folds,
}


def check_combinations(values: dict[str, Any]) -> None:
    """Apply every rule of ``COMBINATIONS`` whose parameters are all in ``values``."""
    for names, rule in COMBINATIONS.items():
        if all(name in values for name in names):
            rule(**{name: values[name] for name in names})


def check_parameters(**values: Any) -> dict[str, Any]:
    """Validate lesson parameters by name (every lesson, from lesson 01); ints given for floats become floats."""
    unknown = sorted(set(values) - set(RULES))
    if unknown:
        raise ParameterError(
            f"Unknown parameter(s) {', '.join(unknown)}. Known parameters: {', '.join(sorted(RULES))}. "
            f"A lesson that needs a new one adds a Rule to dnncourse.params.RULES.")
    checked = {name: RULES[name].check(name, value) for name, value in values.items()}
    check_combinations(checked)
    say_default_backend_once()
    return checked
