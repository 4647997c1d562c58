"""Record a lesson's key results in a machine-readable file of the run folder.

``dnncourse report`` gathers these files into the course leaderboard.
One file per lesson: ``<output_dir>/results/<lesson>.json``.
"""

from __future__ import annotations

import json
import math
import platform
import time
from pathlib import Path
from typing import Any

import pandas as pd

from .verdicts import check_verdict


def _clean(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def record_results(lesson: str, summary: pd.DataFrame | list[dict], output_dir: str | Path,
                   params: dict | None = None, notes: dict[str, float] | None = None,
                   facts: dict[str, Any] | None = None, verdicts: list[dict] | None = None,
                   runs: pd.DataFrame | None = None) -> Path:
    """Write one lesson's per-variant results as JSON and return the file's path (lesson 01).

    ``summary`` is usually ``Comparison.summary()``; it must have a ``variant``
    column. ``notes`` maps a variant to the figure the source notes reported for
    it, so the leaderboard can show theirs beside ours. ``facts`` holds any other
    number the lesson's text quotes (an epoch where training stopped, a gap), by a
    name that says what it is, so every quoted figure can be checked against the run.
    ``verdicts`` are the verdicts the lesson states (``dc.paired_verdict``; each is
    checked: its fields, and a label that follows from its interval), and ``runs`` the
    per-seed table they rest on (``Comparison.table``), so every pair can be recomputed.
    """
    rows = summary.to_dict("records") if isinstance(summary, pd.DataFrame) else list(summary)
    if not rows or any("variant" not in row for row in rows):
        raise ValueError("record_results needs at least one row, and every row needs a 'variant'.")
    notes = notes or {}
    clean_rows = []
    for row in rows:
        row = {key: _clean(value) for key, value in row.items()}
        row.setdefault("notes_figure", notes.get(row["variant"]))
        clean_rows.append(row)
    import keras  # only for the version stamp
    payload = {
        "lesson": lesson,
        "recorded_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "params": {key: _clean(value) for key, value in (params or {}).items()},
        "versions": {"python": platform.python_version(), "keras": keras.__version__,
                     "backend": keras.backend.backend()},
        "rows": clean_rows,
        "facts": {key: _clean(value) for key, value in (facts or {}).items()},
        "verdicts": [{key: _clean(value) for key, value in check_verdict(dict(v)).items()} for v in verdicts or []],
        "runs": per_seed_rows(runs) if runs is not None else [],
    }
    path = Path(output_dir) / "results" / f"{lesson}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2))
    return path


def per_seed_rows(table: pd.DataFrame) -> list[dict]:
    """The per-run rows of a comparison table: variant, seed and every number (no histories)."""
    numeric = [c for c in table.columns if c not in ("variant", "seed") and pd.api.types.is_numeric_dtype(table[c])]
    return [{key: _clean(value) for key, value in row.items()}
            for row in table[["variant", "seed", *numeric]].to_dict("records")]


def load_results(output_dir: str | Path) -> list[dict]:
    """Every lesson's recorded results found under ``<output_dir>/results`` (read by ``dnncourse report``)."""
    folder = Path(output_dir) / "results"
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]
