"""Train named model variants over several seeds, tabulate and judge the results.

A fair comparison: every variant is a *fresh* model (its build function is
called again for every seed), trained on the same split with the same budget.
Decisions use the validation split; ``evaluate_test`` touches the test set once,
for the variants a lesson has chosen. Lesson 01 introduces ``run_variants`` and
the seed-to-seed spread; ``verdict_table`` (first used in lesson 02) is the one
rule every lesson uses to call a difference real.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping

import keras
import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from .data import Dataset
from .live import LiveView
from .seeds import set_seed


@dataclass
class Variant:
    """How to build one variant, and anything its ``fit`` call does differently.

    ``build`` returns a new, compiled model. ``fit_kwargs`` may override
    ``epochs`` and ``batch_size``; its ``callbacks`` may be a function returning
    a fresh list, so each run gets callbacks with fresh state.
    """

    build: Callable[[], keras.Model]
    fit_kwargs: dict = field(default_factory=dict)


@dataclass
class Comparison:
    """One row per (variant, seed) run, the histories, and optionally the models."""

    table: pd.DataFrame
    histories: dict[tuple[str, int], dict[str, list[float]]]
    models: dict[tuple[str, int], keras.Model] = field(default_factory=dict)

    def summary(self) -> pd.DataFrame:
        """Mean and spread over seeds per variant (see ``summarize``)."""
        return summarize(self.table)

    def evaluate_test(self, data: Dataset, variants: Iterable[str] | None = None) -> pd.DataFrame:
        """Evaluate the kept models of the chosen variants on the test set, once (lesson 01).

        Returns a *new* table with ``test_loss`` and ``test_accuracy`` columns (empty
        for the variants not chosen) and makes it ``self.table``; a table you took
        from this comparison before is left as it was.
        """
        if not self.models:
            raise ValueError("No models were kept: call run_variants(..., keep_models=True).")
        chosen = set(variants) if variants is not None else set(self.table["variant"])
        unknown = chosen - set(self.table["variant"])
        if unknown:
            raise ValueError(f"No variant named {', '.join(sorted(unknown))}; "
                             f"variants: {', '.join(dict.fromkeys(self.table['variant']))}.")
        table = self.table.copy()
        for (name, seed), model in self.models.items():
            if name in chosen:
                loss, accuracy = model.evaluate(data.x_test, data.y_test, verbose=0, batch_size=1024)[:2]
                row = (table["variant"] == name) & (table["seed"] == seed)
                table.loc[row, "test_loss"] = loss
                table.loc[row, "test_accuracy"] = accuracy
        self.table = table
        return table


def merge_comparisons(*comparisons: Comparison) -> Comparison:
    """One comparison holding the runs of several (lessons 04 and 05); variant names must differ."""
    seen: set[str] = set()
    for comparison in comparisons:
        names = set(comparison.table["variant"])
        if names & seen:
            raise ValueError(f"Variant(s) {', '.join(sorted(names & seen))} appear in more than one "
                             "comparison; rename them before merging.")
        seen |= names
    return Comparison(
        pd.concat([c.table for c in comparisons], ignore_index=True),
        {key: h for c in comparisons for key, h in c.histories.items()},
        {key: m for c in comparisons for key, m in c.models.items()},
    )


def _as_variant(spec) -> Variant:
    return spec if isinstance(spec, Variant) else Variant(build=spec)


def train_once(variant: Variant, data: Dataset, seed: int, epochs: int, batch_size: int,
               verbose: int = 0, watch: list | None = None) -> tuple[keras.Model, dict, float]:
    """Seed, build a fresh model, fit it with validation data; return model, history, seconds.

    ``watch`` are callbacks that only look (a ``LiveView``, a TensorBoard logger), added
    after the variant's own.
    """
    set_seed(seed)
    model = variant.build()
    if not getattr(model, "compiled", False) and getattr(model, "optimizer", None) is None:
        raise ValueError("A variant's build function must return a compiled model "
                         "(call model.compile(...) before returning it).")
    fit_kwargs = {"epochs": epochs, "batch_size": batch_size, **variant.fit_kwargs}
    if callable(fit_kwargs.get("callbacks")):
        fit_kwargs["callbacks"] = fit_kwargs["callbacks"]()
    if watch:
        fit_kwargs["callbacks"] = [*fit_kwargs.get("callbacks", []), *watch]
    start = time.perf_counter()
    history = model.fit(data.x_train, data.y_train, validation_data=(data.x_val, data.y_val),
                        verbose=verbose, **fit_kwargs)
    return model, history.history, time.perf_counter() - start


TENSORBOARD_ENV = "DNNCOURSE_TENSORBOARD_DIR"


def tensorboard_logger(name: str, seed: int) -> keras.callbacks.TensorBoard | None:
    """A TensorBoard callback into ``$DNNCOURSE_TENSORBOARD_DIR/<variant>/seed-<seed>``, if that is set.

    ``dnncourse run --tensorboard`` sets it for every lesson's kernel (lesson 07 shows TensorBoard).
    """
    folder = os.environ.get(TENSORBOARD_ENV)
    if not folder:
        return None
    return keras.callbacks.TensorBoard(log_dir=str(Path(folder) / name.replace("/", "-") / f"seed-{seed}"))


def run_row(name: str, seed: int, model: keras.Model, history: dict, seconds: float) -> dict:
    """The numbers one run contributes to the comparison table."""
    epochs_run = len(history["loss"])
    best = int(np.argmin(history["val_loss"]))
    return {
        "variant": name, "seed": seed, "epochs": epochs_run, "params": model.count_params(),
        "best_epoch": best + 1, "min_val_loss": history["val_loss"][best],
        "best_val_accuracy": max(history["val_accuracy"]),
        "val_accuracy": history["val_accuracy"][-1], "train_accuracy": history["accuracy"][-1],
        "val_loss": history["val_loss"][-1], "train_loss": history["loss"][-1],
        "seconds": seconds, "seconds_per_epoch": seconds / epochs_run,
    }


def run_variants(variants: Mapping[str, Callable[[], keras.Model] | Variant], data: Dataset,
                 seeds: Iterable[int] = (0,), epochs: int = 5, batch_size: int = 32,
                 keep_models: bool = False, verbose: int = 0, live: bool = True) -> Comparison:
    """Train every variant once per seed and return a ``Comparison``.

    ``variants`` maps a name to a function that builds and compiles a fresh model
    (or to a ``Variant`` with its own fit arguments). With ``live=True`` a
    ``LiveView`` shows the run that is training (one line per epoch when headless).
    """
    seeds = list(seeds)
    runs = [(name, seed) for name in variants for seed in seeds]
    rows, histories, models = [], {}, {}
    view = LiveView() if live else None
    for number, (name, seed) in enumerate(tqdm(runs, desc="training", unit="run"), start=1):
        if view is not None:
            view.title = f"{name} · seed {seed} · run {number} of {len(runs)}"
        watchers = [w for w in (view, tensorboard_logger(name, seed)) if w is not None]
        model, history, seconds = train_once(_as_variant(variants[name]), data, seed,
                                             epochs, batch_size, verbose, watch=watchers)
        rows.append(run_row(name, seed, model, history, seconds))
        histories[(name, seed)] = history
        if keep_models:
            models[(name, seed)] = model
    return Comparison(pd.DataFrame(rows), histories, models)


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


def verdict_table(summary: pd.DataFrame, reference: str, column: str = "val_accuracy",
                  lower_is_better: bool | None = None) -> pd.DataFrame:
    """Is each variant's gap to ``reference`` bigger than the seed-to-seed spread? (lesson 02)

    For every other variant in ``summary`` (from ``Comparison.summary()``): its mean,
    the gap to the reference's mean, the spread (the two standard deviations added)
    and a verdict: ``better`` / ``worse`` when the gap is larger than the spread,
    ``within the spread`` when it is not, and ``one seed: no spread`` when either
    side was trained with a single seed, since then the spread is unknown.
    Columns with "loss" in their name count lower as better unless told otherwise.
    """
    lower = "loss" in column if lower_is_better is None else lower_is_better
    rows = summary.set_index("variant")
    if reference not in rows.index:
        raise ValueError(f"No variant {reference!r} in the summary; variants: {', '.join(rows.index)}.")
    ref = rows.loc[reference]
    ref_mean, ref_std = ref[f"{column}_mean"], ref[f"{column}_std"]
    table = []
    for name, row in rows.drop(index=reference).iterrows():
        mean, std = row[f"{column}_mean"], row[f"{column}_std"]
        gap, spread = mean - ref_mean, std + ref_std
        if min(row["n_seeds"], ref["n_seeds"]) < 2:
            verdict = "one seed: no spread"
        elif abs(gap) <= spread:
            verdict = "within the spread"
        else:
            verdict = "better" if (gap < 0) == lower else "worse"
        table.append({"variant": name, column: mean_std(mean, std), f"vs {reference}": gap,
                      "spread": spread, "verdict": verdict})
    return pd.DataFrame(table, columns=["variant", column, f"vs {reference}", "spread", "verdict"])
