"""Plan a run: decide and check every lesson's parameters before any kernel starts.

A lesson's parameters come, last one winning, from

1. its ``parameters`` cell (the defaults, read with ``papermill.inspect_notebook``),
2. the chosen profile in ``book.yml``,
3. a YAML file (``--params-file``) and then ``-p NAME=VALUE`` options.

A name given in 3. applies to every selected lesson whose parameters cell defines it;
``LESSON.NAME`` (``-p 03.rate=0.3``, or a lesson id holding a mapping in the file)
applies to one lesson only. Values are checked against ``dnncourse.params.RULES``, and
the lesson's values together (its defaults included) against ``params.COMBINATIONS``.
Last, ``output_dir`` is the run folder, for every lesson: ``plan_parameters`` is the
one way a profile's parameters get into a lesson, for ``dnncourse run`` and for
``dnncourse prepare`` (the copies ``make test`` gives to nbval) alike.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import yaml

from ..params import RULES, ParameterError, check_combinations
from .course import Book, BookError, Lesson

RUNNER_OWNED = ("output_dir",)  # the run folder, set by ``plan_parameters`` itself


def parse_overrides(pairs: list[str]) -> dict[str, Any]:
    """``["epochs=2", "03.rate=0.3"]`` -> ``{"epochs": 2, "03": {"rate": 0.3}}`` (values as YAML scalars)."""
    overrides: dict[str, Any] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep or not name.strip():
            raise ParameterError(f"-p expects NAME=VALUE (for example -p epochs=2), got {pair!r}.")
        try:
            value = yaml.safe_load(text) if text.strip() else None
        except yaml.YAMLError as err:
            raise ParameterError(f"-p {pair}: cannot read the value as YAML ({err}).") from None
        lesson, dot, key = name.strip().rpartition(".")
        if dot:
            overrides.setdefault(lesson, {})[key] = value
        else:
            overrides[key] = value
    return overrides


def load_params_file(path: str | Path) -> dict[str, Any]:
    """Read a YAML mapping of parameters (``epochs: 2``; ``03_dropout: {rate: 0.3}`` for one lesson)."""
    try:
        data = yaml.safe_load(Path(path).read_text()) or {}
    except (OSError, yaml.YAMLError) as err:
        raise ParameterError(f"Cannot read the parameters file {path}: {err}") from None
    if not isinstance(data, dict):
        raise ParameterError(f"{path} must hold a mapping such as 'epochs: 2', not {type(data).__name__}.")
    return data


def merge(*layers: dict[str, Any]) -> dict[str, Any]:
    """Merge override layers; per-lesson mappings are merged, not replaced."""
    out: dict[str, Any] = {}
    for layer in layers:
        for key, value in layer.items():
            if isinstance(value, dict) and isinstance(out.get(key), dict):
                out[key] = {**out[key], **value}
            else:
                out[key] = value
    return out


def notebook_parameters(path: Path) -> dict[str, Any]:
    """The names and default values of a notebook's ``parameters`` cell."""
    import papermill

    found = papermill.inspect_notebook(str(path))
    defaults = {}
    for name, info in found.items():
        try:
            defaults[name] = ast.literal_eval(info["default"])
        except (ValueError, SyntaxError):
            defaults[name] = None  # an expression: we cannot tell its type
    return defaults


def check_value(lesson: Lesson, name: str, value: Any, default: Any) -> Any:
    """Check one value with its RULE, or against the type of the lesson's default."""
    if name in RULES:
        try:
            return RULES[name].check(name, value)
        except ParameterError as err:
            raise ParameterError(f"{lesson.id}: {err}") from None
    if default is None or value is None:
        return value
    kind = type(default)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, bool) != isinstance(default, bool) or not isinstance(value, kind):
        raise ParameterError(f"{lesson.id}: {name}={value!r} has the wrong type: the lesson's default "
                             f"is {default!r} ({kind.__name__}).")
    return value


def plan_parameters(book: Book, lesson_ids: list[str], profile: str, overrides: dict[str, Any] | None,
                    output_dir: str | Path) -> dict[str, dict[str, Any]]:
    """The checked parameters of each lesson of a run, ``output_dir`` (the run folder) included.

    Raises ``BookError`` for an unknown profile or lesson and ``ParameterError``
    for a name no lesson defines or a value out of range; both messages list what is allowed.
    """
    book.check_profile(profile)
    lessons = [book.lesson(i) for i in lesson_ids]
    missing = [str(lesson.path) for lesson in lessons if not lesson.path.is_file()]
    if missing:
        raise BookError(f"book.yml lists lesson files that do not exist: {', '.join(missing)}.")
    defined = {lesson.id: notebook_parameters(lesson.path) for lesson in lessons}
    overrides = dict(overrides or {})

    per_lesson: dict[str, dict] = {lesson.id: {} for lesson in lessons}
    for key in [k for k, v in overrides.items() if isinstance(v, dict)]:
        try:
            target = book.lesson(key)
        except BookError as err:
            raise ParameterError(f"{key!r} is neither a parameter nor a lesson. {err}") from None
        if target.id not in per_lesson:
            raise ParameterError(f"Parameters were given for lesson {target.id}, which this run does not include.")
        per_lesson[target.id].update(overrides.pop(key))

    for name in overrides:
        if name in RUNNER_OWNED:
            raise ParameterError(f"{name} is the run folder, set by dnncourse itself; use --out instead.")
        if not any(name in names for names in defined.values()):
            allowed = sorted({n for names in defined.values() for n in names} - set(RUNNER_OWNED))
            raise ParameterError(f"Unknown parameter {name!r}: no selected lesson defines it in its "
                                 f"parameters cell. Allowed: {', '.join(allowed)}.")

    plan = {}
    for lesson in lessons:
        names = defined[lesson.id]
        allowed = ", ".join(n for n in names if n not in RUNNER_OWNED)
        chosen = lesson.parameters(profile)
        for source, values in (("book.yml profile " + profile, chosen), ("overrides", per_lesson[lesson.id])):
            unknown = [n for n in values if n not in names or n in RUNNER_OWNED]
            if unknown:
                raise ParameterError(f"{lesson.id}: unknown parameter(s) {', '.join(unknown)} in {source}. "
                                     f"Its parameters cell defines: {allowed}.")
        values = {**chosen, **{n: v for n, v in overrides.items() if n in names}, **per_lesson[lesson.id]}
        checked = {n: check_value(lesson, n, v, names[n]) for n, v in values.items()}
        try:  # the rules over several parameters see the lesson's defaults where nothing overrides them
            check_combinations({**names, **checked})
        except ParameterError as err:
            raise ParameterError(f"{lesson.id}: {err}") from None
        plan[lesson.id] = {**checked, "output_dir": str(output_dir)}
    return plan
