"""Gather a run's recorded results into one leaderboard: ``dnncourse report RUN_FOLDER``.

Every lesson writes ``<run>/results/<lesson>.json`` (``dnncourse.record_results``).
The leaderboard has one row per lesson and variant, ranked by validation accuracy,
and is written as ``report.md``, ``report.csv`` and a chart ``report.png``.
``COLUMNS`` is the one list of what it reads from a lesson's rows (a lesson may record more).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..results import load_results
from ..summary import mean_std
from .runstate import RunFolderError, RunState

COLUMNS = ["rank", "lesson", "variant", "n_seeds", "epochs", "val_accuracy_mean", "val_accuracy_std",
           "test_accuracy_mean", "test_accuracy_std", "seconds_per_epoch", "notes_figure"]


def leaderboard(run_folder: str | Path) -> pd.DataFrame:
    """One row per lesson and variant, best validation accuracy first."""
    rows = [{"lesson": payload["lesson"], **row}
            for payload in load_results(run_folder) for row in payload.get("rows", [])]
    table = pd.DataFrame(rows)
    for column in COLUMNS:
        if column not in table:
            table[column] = None
    numeric = [c for c in COLUMNS if c not in ("rank", "lesson", "variant")]
    table[numeric] = table[numeric].apply(pd.to_numeric, errors="coerce")
    table = table.sort_values("val_accuracy_mean", ascending=False, na_position="last", kind="stable")
    table["rank"] = range(1, len(table) + 1)
    return table[COLUMNS].reset_index(drop=True)


def readable(table: pd.DataFrame) -> pd.DataFrame:
    """The leaderboard with 'mean ± std' cells, as people read it."""
    def number(value: object, digits: int) -> str:
        return "–" if value is None or pd.isna(value) else f"{value:.{digits}f}"

    return pd.DataFrame({
        "#": table["rank"], "lesson": table["lesson"], "variant": table["variant"],
        "validation accuracy": mean_std(table["val_accuracy_mean"], table["val_accuracy_std"]),
        "test accuracy": mean_std(table["test_accuracy_mean"], table["test_accuracy_std"]),
        "the notes": [number(v, 4) for v in table["notes_figure"]],
        "seeds": [number(v, 0) for v in table["n_seeds"]],
        "epochs": [number(v, 0) for v in table["epochs"]],
        "s/epoch": [number(v, 2) for v in table["seconds_per_epoch"]],
    })


def plot_leaderboard(table: pd.DataFrame, path: str | Path) -> Path:
    """A horizontal bar chart of the variants ranked, error bars = std over seeds, notes' figure as ◆."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ranked = table.dropna(subset=["val_accuracy_mean"]).iloc[::-1]
    labels = [f"{lesson} · {variant}" for lesson, variant in zip(ranked["lesson"], ranked["variant"])]
    fig, ax = plt.subplots(figsize=(8, 1.2 + 0.35 * max(1, len(ranked))))
    ax.barh(labels, ranked["val_accuracy_mean"], xerr=ranked["val_accuracy_std"].fillna(0),
            color="tab:blue", alpha=0.8, capsize=3, label="ours: validation accuracy (mean ± std)")
    notes = ranked["notes_figure"].astype(float)
    if notes.notna().any():
        ax.scatter(notes, labels, marker="D", color="tab:orange", zorder=3, label="the notes' figure")
    low = min([*ranked["val_accuracy_mean"].dropna(), *notes.dropna()] or [0.0])
    ax.set_xlim(max(0.0, low - 0.05), 1.0)
    ax.set_xlabel("validation accuracy")
    ax.set_title("Leaderboard: every variant of every lesson")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.5 / fig.get_figheight()), ncol=2,
              fontsize="small", frameon=False)
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)
    return Path(path)


VERDICT_COLUMNS = ["lesson", "question", "variant", "reference", "metric", "higher_is_better", "n_pairs",
                   "difference", "low", "high", "label"]


def verdicts(run_folder: str | Path) -> pd.DataFrame:
    """Every verdict the run's lessons recorded, one row each (``dc.paired_verdict``'s fields)."""
    rows = [{"lesson": payload["lesson"], **verdict}
            for payload in load_results(run_folder) for verdict in payload.get("verdicts", [])]
    return pd.DataFrame(rows, columns=VERDICT_COLUMNS)


def readable_verdicts(table: pd.DataFrame) -> pd.DataFrame:
    """The verdicts as people read them: the difference with its 95 % interval, and the label."""
    def number(value: object) -> str:
        return "–" if value is None or pd.isna(value) else f"{value:+.4f}"

    return pd.DataFrame({
        "lesson": table["lesson"], "question": table["question"],
        "variant vs reference": table["variant"] + " vs " + table["reference"], "metric": table["metric"],
        "pairs": table["n_pairs"],
        "difference [95 % interval]": [f"{number(d)} [{number(lo)}, {number(hi)}]"
                                       for d, lo, hi in zip(table["difference"], table["low"], table["high"])],
        "verdict": table["label"],
    })


def _status_lines(state: RunState) -> list[str]:
    """Markdown lines on the run itself (profile, backend, lessons and their status)."""
    lines = [f"Profile **{state.profile}**, Keras backend **{state.backend}**, started {state.created}, "
             f"status **{state.status}**.", "", "| lesson | status | seconds | error |", "|---|---|---|---|"]
    for lesson, record in state.lessons.items():
        error = record.error or {}
        message = f"cell {error.get('cell_index')}: {error.get('ename')}: {error.get('evalue')}" if error else ""
        lines.append(f"| {lesson} | {record.status} | {record.seconds or ''} | {message.replace('|', '/')} |")
    if state.profile == "smoke":
        lines += ["", "_Smoke profile: these numbers only prove that the notebooks run; "
                      "the lessons quote the full profile._"]
    return lines


def write_report(run_folder: str | Path) -> dict[str, Path]:
    """Write report.md, report.csv, (when there are results) report.png and (when lessons judged
    something) verdicts.csv into the run folder."""
    run_folder = Path(run_folder)
    table = leaderboard(run_folder)
    paths = {"csv": run_folder / "report.csv", "md": run_folder / "report.md"}
    table.to_csv(paths["csv"], index=False)
    try:
        status = _status_lines(RunState.load(run_folder))
    except RunFolderError:
        status = []  # results copied without their run.json
    lines = [f"# Leaderboard of run `{run_folder.name}`", "", *status, ""]
    if table.empty:
        lines.append("No lesson recorded results in this run.")
    else:
        paths["png"] = plot_leaderboard(table, run_folder / "report.png")
        lines += ["Ranked by validation accuracy (mean ± standard deviation over seeds, last epoch). "
                  "Test accuracy where the lesson measured it; 'the notes' is the source notes' figure.", "",
                  readable(table).to_markdown(index=False), "", "![leaderboard](report.png)"]
    judged = verdicts(run_folder)
    if not judged.empty:
        paths["verdicts"] = run_folder / "verdicts.csv"
        judged.to_csv(paths["verdicts"], index=False)
        lines += ["", "## Verdicts", "",
                  "Each verdict rests on the per-seed differences variant minus reference: their mean and "
                  "95 % t-interval. 'better' or 'worse' only when the interval excludes 0 over at least "
                  "3 pairs; otherwise 'undecided'.", "", readable_verdicts(judged).to_markdown(index=False)]
    paths["md"].write_text("\n".join(lines) + "\n")
    return paths
