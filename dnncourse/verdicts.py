"""Paired verdicts: is a variant better than its reference, judged seed by seed? (lesson 01)

Variants of a comparison share their seeds: the same data order and, where the models
have the same shapes, the same initial weights. So the fair question is not "are the two
means far apart?" but "is the *per-seed difference* variant minus reference reliably away
from 0?". ``paired_verdict`` takes those differences, their mean and a t-interval at
``CONFIDENCE`` (95 %): mean ± t(n-1) · sd / √n. The interval narrows as seeds are added.

Three labels: ``better`` or ``worse`` when the interval excludes 0 (in the direction
``higher_is_better`` says), ``undecided`` when it contains 0 or when there are fewer than
``MIN_PAIRS`` pairs. A verdict is a dict with exactly the fields of ``FIELDS``; lessons
record them with ``record_results(..., verdicts=...)`` and ``dnncourse report`` lists them.
"""

from __future__ import annotations

import math
from typing import Iterable

import pandas as pd

CONFIDENCE = 0.95
MIN_PAIRS = 3  # a decided verdict rests on at least this many paired seeds
LABELS = ("better", "worse", "undecided")
FIELDS = ("question", "variant", "reference", "metric", "higher_is_better", "n_pairs", "difference", "low", "high",
          "label")


def paired_differences(table: pd.DataFrame, variant: str, reference: str, metric: str) -> pd.Series:
    """Per seed that both were trained with: the variant's ``metric`` minus the reference's (index: seed)."""
    for name in (variant, reference):
        if name not in set(table["variant"]):
            raise ValueError(f"No variant {name!r} in the table; variants: "
                             f"{', '.join(dict.fromkeys(table['variant']))}.")
    if metric not in table:
        raise ValueError(f"The table has no column {metric!r}; columns: {', '.join(table.columns)}.")
    by_seed = table.pivot_table(index="seed", columns="variant", values=metric, aggfunc="mean")
    both = by_seed[[variant, reference]].dropna()
    return (both[variant] - both[reference]).rename(f"{variant} - {reference}")


def interval(differences: Iterable[float], confidence: float = CONFIDENCE) -> tuple[float, float, float]:
    """The mean of ``differences`` and its t-interval (low, high); (mean, nan, nan) for fewer than 2."""
    from scipy import stats

    values = [float(d) for d in differences]
    n = len(values)
    if n == 0:
        return math.nan, math.nan, math.nan
    mean = sum(values) / n
    if n < 2:
        return mean, math.nan, math.nan
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * sd / math.sqrt(n)
    return mean, mean - half, mean + half


def label_of(low: float, high: float, n_pairs: int, higher_is_better: bool) -> str:
    """``better``/``worse`` when the interval lies on one side of 0 and rests on ``MIN_PAIRS`` pairs."""
    if n_pairs < MIN_PAIRS or math.isnan(low) or math.isnan(high) or low <= 0 <= high:
        return "undecided"
    return "better" if (low > 0) == higher_is_better else "worse"


def paired_verdict(table: pd.DataFrame, variant: str, reference: str, metric: str = "val_accuracy",
                   higher_is_better: bool | None = None, question: str = "",
                   confidence: float = CONFIDENCE) -> dict:
    """The verdict on ``variant`` against ``reference`` from a comparison's per-run ``table`` (lesson 01).

    ``table`` has one row per (variant, seed), as ``Comparison.table``; columns with "loss"
    in their name count lower as better unless told otherwise. Returns a dict with the
    fields of ``FIELDS``; ``difference`` is variant minus reference, averaged over the pairs.
    """
    higher = "loss" not in metric if higher_is_better is None else bool(higher_is_better)
    differences = paired_differences(table, variant, reference, metric)
    mean, low, high = interval(differences, confidence)
    return {"question": question or f"{variant} vs {reference}", "variant": variant, "reference": reference,
            "metric": metric, "higher_is_better": higher, "n_pairs": int(len(differences)),
            "difference": _number(mean), "low": _number(low), "high": _number(high),
            "label": label_of(low, high, len(differences), higher)}


def paired_verdicts(table: pd.DataFrame, reference: str, metric: str = "val_accuracy",
                    higher_is_better: bool | None = None, variants: Iterable[str] | None = None,
                    confidence: float = CONFIDENCE) -> pd.DataFrame:
    """Every other variant (or those named) against ``reference``: one verdict per row, as a table."""
    names = [v for v in dict.fromkeys(table["variant"]) if v != reference] if variants is None else list(variants)
    rows = [paired_verdict(table, name, reference, metric, higher_is_better, confidence=confidence)
            for name in names]
    return pd.DataFrame(rows, columns=list(FIELDS))


def check_verdict(verdict: dict) -> dict:
    """``verdict`` if it has exactly the fields of ``FIELDS`` and its label follows from its interval."""
    if set(verdict) != set(FIELDS):
        missing, extra = set(FIELDS) - set(verdict), set(verdict) - set(FIELDS)
        raise ValueError(f"A verdict has exactly the fields {', '.join(FIELDS)}; "
                         f"missing: {', '.join(sorted(missing)) or 'none'}, extra: {', '.join(sorted(extra)) or 'none'}.")
    if verdict["label"] not in LABELS:
        raise ValueError(f"A verdict's label is one of {', '.join(LABELS)}, not {verdict['label']!r}.")
    low, high = (math.nan if verdict[k] is None else float(verdict[k]) for k in ("low", "high"))
    expected = label_of(low, high, int(verdict["n_pairs"]), bool(verdict["higher_is_better"]))
    if verdict["label"] != expected:
        raise ValueError(f"The verdict {verdict['question']!r} says {verdict['label']!r}, but its interval "
                         f"[{low}, {high}] over {verdict['n_pairs']} pairs says {expected!r}.")
    return verdict


def _number(value: float) -> float | None:
    return None if math.isnan(value) else float(value)
