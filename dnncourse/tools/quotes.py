"""Tie the numbers and verdict words a lesson's text quotes to the results its full run recorded.

Lesson authors write a placeholder where a measured number or a verdict word goes;
``dnncourse quotes RUN_FOLDER`` writes the recorded values into the lessons' markdown,
each wrapped in a quote marker that keeps its key (an HTML comment, invisible when the
cell is rendered)::

    ⟪baseline|val_accuracy±⟫   becomes   <!--q baseline|val_accuracy±-->0.8773 ± 0.0020<!--/q-->

so filling is repeatable: after a new full run (an instructor's own machine, other seeds)
the same command writes that run's values over the old ones, and ``check_lesson`` (used
by ``tests/test_quoted_numbers.py``) fails when a quote differs from the run, and when a
bare number in a lesson's text is not among that lesson's recorded results.

Keys:
    ``VARIANT|COLUMN``          a recorded row's column (``baseline|best_epoch_mean``)
    ``VARIANT|COLUMN±``         "mean ± std" from ``COLUMN_mean`` and ``COLUMN_std``
    ``fact:NAME``               a value of ``facts`` (``record_results(..., facts=...)``)
    ``verdict:QUESTION``        the label of the recorded verdict with that question; given a
                                reseeded run too, the label both runs agree on, else "undecided"
    ``verdict:QUESTION|FIELD``  one of its fields (``difference``, ``low``, ``high``, ``n_pairs``)
    ``time``                    the lesson's wall time in that run, in seconds
    ``...|FMT``                 any of them with a Python format spec (``|.1f``)
    ``⟪VERDICT: what decides it⟫`` a sentence to write by hand after reading the run;
                                 left in place by the fill, reported by the check
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any, Iterator

import nbformat

from ..results import load_results
from ..summary import mean_std
from .course import Lesson
from .errors import ToolError
from .runstate import RunState

PLACEHOLDER = re.compile(r"⟪([^⟫]+)⟫")
QUOTE = re.compile(r"<!--q (.+?)-->(.*?)<!--/q-->", re.S)  # a filled quote: its key, then its text
# A measured-looking number: three or more decimals (0.8773, -0.028), not inside `code`.
MEASURED = re.compile(r"(?<![\w.])[-+−]?\d+\.\d{3,}(?![\w.])")
CODE_SPAN = re.compile(r"`[^`]*`")


class QuoteError(ToolError):
    """A placeholder names nothing the run recorded, or a quoted number matches nothing."""


def _format(value: Any, spec: str | None) -> str:
    if value is None:
        raise QuoteError("the recorded value is empty (None)")
    if spec:
        return format(value, spec)
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.4f}"
    return str(int(value)) if isinstance(value, (int, float)) else str(value)


def _row(results: dict, variant: str) -> dict:
    for row in results["rows"]:
        if row.get("variant") == variant:
            return row
    names = ", ".join(str(r.get("variant")) for r in results["rows"])
    raise QuoteError(f"no recorded variant {variant!r}; recorded: {names}")


def _verdict(results: dict, question: str) -> dict:
    for verdict in results.get("verdicts", []):
        if verdict.get("question") == question:
            return verdict
    asked = "; ".join(str(v.get("question")) for v in results.get("verdicts", [])) or "none"
    raise QuoteError(f"no recorded verdict {question!r}; recorded: {asked}")


def agreed_label(label: str, reseeded: str | None) -> str:
    """The label a lesson may state: ``label`` when the reseeded run agrees (or there is none), else undecided."""
    if reseeded is None or reseeded == label:
        return label
    if label != "undecided":
        return f"undecided ({label} in this run only; the reseeded run's interval contains 0)"
    return f"undecided (here; {reseeded} in the reseeded run)"


def value_of(key: str, results: dict, seconds: float | None = None, reseed: dict | None = None) -> str:
    """The text that a quote with ``key`` shows (a placeholder ``⟪key⟫`` before its first fill).

    ``reseed`` is the same lesson's results from a run with other seeds: a verdict's label is
    then quoted as decided only where both runs decide it the same way.
    """
    parts = key.split("|")
    if parts[0].startswith("verdict:"):
        question = parts[0][len("verdict:"):]
        verdict = _verdict(results, question)
        field = parts[1] if len(parts) > 1 else "label"
        if field not in verdict:
            raise QuoteError(f"a verdict has no field {field!r}; fields: {', '.join(verdict)}")
        if field == "label" and reseed is not None:
            return agreed_label(verdict["label"], _verdict(reseed, question)["label"])
        return _format(verdict[field], parts[2] if len(parts) > 2 else None)
    if parts[0] == "time":
        if seconds is None:
            raise QuoteError("⟪time⟫ needs the lesson's wall time from run.json")
        return _format(round(seconds), parts[1] if len(parts) > 1 else None)
    if parts[0].startswith("fact:"):
        name = parts[0][len("fact:"):]
        if name not in results.get("facts", {}):
            raise QuoteError(f"no recorded fact {name!r}; facts: {', '.join(results.get('facts', {}))}")
        return _format(results["facts"][name], parts[1] if len(parts) > 1 else None)
    if len(parts) < 2:
        raise QuoteError(f"⟪{key}⟫ is not VARIANT|COLUMN, fact:NAME or time")
    row = _row(results, parts[0])
    column, spec = parts[1], (parts[2] if len(parts) > 2 else None)
    if column.endswith("±"):
        base = column[:-1]
        if f"{base}_mean" not in row:
            raise QuoteError(f"variant {parts[0]!r} has no {base}_mean")
        return mean_std(row[f"{base}_mean"], row.get(f"{base}_std"), int(spec[1:-1]) if spec else 4)
    if column not in row:
        raise QuoteError(f"variant {parts[0]!r} has no column {column!r}")
    return _format(row[column], spec)


def quote(key: str, text: str) -> str:
    """``text`` wrapped in the marker that keeps its ``key``, so a later fill can replace it."""
    return f"<!--q {key}-->{text}<!--/q-->"


def fill_text(text: str, results: dict, seconds: float | None = None,
              reseed: dict | None = None) -> tuple[str, int]:
    """``text`` with every placeholder and every earlier quote filled from ``results``; and how many."""
    count = 0

    def value(key: str) -> str:
        nonlocal count
        try:
            found = value_of(key, results, seconds, reseed)
        except QuoteError as err:
            raise QuoteError(f"⟪{key}⟫: {err}") from None
        count += 1
        return quote(key, found)

    text = QUOTE.sub(lambda match: value(match.group(1)), text)
    text = PLACEHOLDER.sub(lambda match: match.group(0) if match.group(1).startswith("VERDICT")
                           else value(match.group(1)), text)  # a VERDICT sentence is rewritten by hand
    return text, count


def fill_lesson(path: Path, results: dict, seconds: float | None = None, reseed: dict | None = None) -> int:
    """Fill the placeholders and quotes of one lesson notebook in place; return how many were filled."""
    nb = nbformat.read(path, as_version=4)
    count = 0
    for cell in nb.cells:
        if cell.cell_type == "markdown" and (PLACEHOLDER.search(cell.source) or QUOTE.search(cell.source)):
            cell.source, filled = fill_text(cell.source, results, seconds, reseed)
            count += filled
    if count:
        nbformat.write(nb, path)
    return count


def _numbers(value: Any) -> Iterator[float]:
    if isinstance(value, bool):
        return
    if isinstance(value, (int, float)):
        if not (isinstance(value, float) and math.isnan(value)):
            yield float(value)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _numbers(item)
    elif isinstance(value, list):
        for item in value:
            yield from _numbers(item)


def quoted_numbers(markdown: str) -> list[str]:
    """Measured-looking numbers in markdown text, outside code spans."""
    return MEASURED.findall(CODE_SPAN.sub("", markdown))


def check_lesson(path: Path, results: dict, seconds: float | None = None, reseed: dict | None = None) -> list[str]:
    """Problems: placeholders left, quotes that differ from the run, bare numbers that match no recorded value.

    ``seconds`` is the lesson's wall time, for ``time`` quotes (None: such quotes are not compared);
    ``reseed`` the reseeded run's results, against which verdict labels are agreed (``value_of``).
    """
    recorded = list(_numbers(results.get("rows", []))) + list(_numbers(results.get("facts", {})))
    recorded += list(_numbers(results.get("params", {})))
    problems = []
    nb = nbformat.read(path, as_version=4)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        for key in PLACEHOLDER.findall(cell.source):
            problems.append(f"cell {index}: placeholder ⟪{key}⟫ was never filled")
        for key, shown in QUOTE.findall(cell.source):
            if key.split("|")[0] == "time" and seconds is None:
                continue  # a wall time is compared only where the caller knows the run's
            try:
                recorded_text = value_of(key, results, seconds, reseed)
            except QuoteError as err:
                problems.append(f"cell {index}: quote ⟪{key}⟫: {err}")
                continue
            if shown != recorded_text:
                problems.append(f"cell {index}: quote ⟪{key}⟫ shows {shown!r}, the run recorded {recorded_text!r}")
        for text in quoted_numbers(QUOTE.sub("", cell.source)):
            digits = len(text.split(".")[1])
            number = float(text.replace("−", "-"))
            if not any(abs(round(v, digits) - number) < 0.5 * 10 ** -digits for v in recorded):
                problems.append(f"cell {index}: {text} matches no recorded result")
    return problems


def recorded_by_lesson(run_folder: Path, lessons: list[Lesson]) -> dict[str, dict]:
    """Each lesson's recorded results in a run folder; a QuoteError names a lesson the run lacks."""
    recorded = {entry["lesson"]: entry for entry in load_results(run_folder)}
    for lesson in lessons:
        if lesson.id not in recorded:
            raise QuoteError(f"{run_folder} recorded no results for {lesson.id}; run it first.")
    return recorded


def fill_from_run(run_folder: Path, lessons: list[Lesson], reseed_folder: Path | None = None) -> dict[str, int]:
    """Fill every lesson's placeholders from a run folder (labels agreed with a reseeded run); how many per lesson."""
    state = RunState.load(run_folder)
    recorded = recorded_by_lesson(run_folder, lessons)
    reseeded = recorded_by_lesson(reseed_folder, lessons) if reseed_folder else {}
    filled = {}
    for lesson in lessons:
        seconds = state.lessons[lesson.id].seconds if lesson.id in state.lessons else None
        filled[lesson.id] = fill_lesson(lesson.path, recorded[lesson.id], seconds, reseeded.get(lesson.id))
    return filled


def agreement(results: dict, reseed: dict) -> dict[str, list[str]]:
    """A lesson's verdicts by how two runs with other seeds judged them: decided in both (the same way),
    decided in one, flipped (better in one, worse in the other), undecided in both, missing from the reseed."""
    found = {"decided in both": [], "decided in one": [], "flipped": [], "undecided in both": [], "missing": []}
    other = {v["question"]: v["label"] for v in reseed.get("verdicts", [])}
    for verdict in results.get("verdicts", []):
        label, second = verdict["label"], other.get(verdict["question"])
        kind = ("missing" if second is None else "undecided in both" if label == second == "undecided"
                else "decided in both" if label == second else "decided in one" if "undecided" in (label, second)
                else "flipped")
        found[kind].append(verdict["question"])
    return found
