"""Tables over seeds and the verdicts drawn from them (pandas only: no Keras needed).

``summarize`` turns a comparison's per-run table into one row per variant,
``mean_std`` and ``format_summary`` print it. Verdicts are paired, seed by seed
(``dnncourse.verdicts``). The instructor's reports use the same functions, without
importing Keras.
"""

from __future__ import annotations

from typing import Iterable

import pandas as pd


def summarize(table: pd.DataFrame) -> pd.DataFrame:
    """Per variant: number of seeds, mean and standard deviation of the scores.

    Columns follow what ``dnncourse.results.record_results`` expects:
    ``val_accuracy_mean/std`` and ``val_loss_mean/std`` (last epoch), ``best_val_accuracy_mean/std``,
    ``min_val_loss_mean/std``,
    ``test_accuracy_mean/std`` when the test set was evaluated, ``epochs`` and
    ``seconds_per_epoch``. The order of variants is kept. Runs trained without a
    validation split (no ``best_epoch`` column) get only the scores they have.
    """
    scores = [c for c in ("val_accuracy", "best_val_accuracy", "val_loss", "min_val_loss", "test_accuracy")
              if c in table]
    grouped = table.groupby("variant", sort=False)
    out = pd.DataFrame({"n_seeds": grouped["seed"].count(), "epochs": grouped["epochs"].mean()})
    for column in scores:
        out[f"{column}_mean"] = grouped[column].mean()
        out[f"{column}_std"] = grouped[column].std(ddof=1).fillna(0.0)
    if "best_epoch" in table:
        out["best_epoch_mean"] = grouped["best_epoch"].mean()
    out["seconds_per_epoch"] = grouped["seconds_per_epoch"].mean()
    return out.reset_index()


def mean_std(mean, std, digits: int = 4):
    """``"0.8773 ± 0.0020"``: a mean and its standard deviation over seeds (lesson 01).

    Takes two numbers or two pandas Series (then returns a Series of strings).
    A missing mean gives ``"–"``; a missing spread (one seed) counts as 0.
    """
    if isinstance(mean, pd.Series):
        return pd.Series([mean_std(m, s, digits) for m, s in zip(mean, std)], index=mean.index)
    if mean is None or pd.isna(mean):
        return "–"
    spread = 0.0 if std is None or pd.isna(std) else float(std)
    return f"{float(mean):.{digits}f} ± {spread:.{digits}f}"


def format_summary(summary: pd.DataFrame, columns: Iterable[str] = ("val_accuracy",),
                   digits: int = 4) -> pd.DataFrame:
    """The summary as a readable table: variant, seeds and ``mean ± std`` per score column."""
    out = summary[["variant", "n_seeds"]].copy()
    for column in columns:
        out[column] = mean_std(summary[f"{column}_mean"], summary[f"{column}_std"], digits)
    return out
