"""Train named model variants over several seeds and tabulate the results.

A fair comparison: every variant is a *fresh* model (its build function is
called again for every seed), trained on the same split with the same budget.
Decisions use the validation split; ``evaluate_test`` touches the test set once,
for the variants a lesson has chosen.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping

import keras
import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from .data import Dataset
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
        """Evaluate the kept models of the chosen variants on the test set, once."""
        if not self.models:
            raise ValueError("No models were kept: call run_variants(..., keep_models=True).")
        chosen = set(variants) if variants is not None else set(self.table["variant"])
        for (name, seed), model in self.models.items():
            if name in chosen:
                loss, accuracy = model.evaluate(data.x_test, data.y_test, verbose=0, batch_size=1024)[:2]
                row = (self.table["variant"] == name) & (self.table["seed"] == seed)
                self.table.loc[row, "test_loss"] = loss
                self.table.loc[row, "test_accuracy"] = accuracy
        return self.table


def _as_variant(spec) -> Variant:
    return spec if isinstance(spec, Variant) else Variant(build=spec)


def train_once(variant: Variant, data: Dataset, seed: int, epochs: int, batch_size: int,
               verbose: int = 0) -> tuple[keras.Model, dict, float]:
    """Seed, build a fresh model, fit it with validation data; return model, history, seconds."""
    set_seed(seed)
    model = variant.build()
    if not getattr(model, "compiled", False) and getattr(model, "optimizer", None) is None:
        raise ValueError("A variant's build function must return a compiled model "
                         "(call model.compile(...) or dnncourse.compile_classifier(model)).")
    fit_kwargs = {"epochs": epochs, "batch_size": batch_size, **variant.fit_kwargs}
    if callable(fit_kwargs.get("callbacks")):
        fit_kwargs["callbacks"] = fit_kwargs["callbacks"]()
    start = time.perf_counter()
    history = model.fit(data.x_train, data.y_train, validation_data=(data.x_val, data.y_val),
                        verbose=verbose, **fit_kwargs)
    return model, history.history, time.perf_counter() - start


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
                 keep_models: bool = False, verbose: int = 0) -> Comparison:
    """Train every variant once per seed and return a ``Comparison``.

    ``variants`` maps a name to a function that builds and compiles a fresh model
    (or to a ``Variant`` with its own fit arguments).
    """
    seeds = list(seeds)
    runs = [(name, seed) for name in variants for seed in seeds]
    rows, histories, models = [], {}, {}
    for name, seed in tqdm(runs, desc="training", unit="run"):
        model, history, seconds = train_once(_as_variant(variants[name]), data, seed,
                                             epochs, batch_size, verbose)
        rows.append(run_row(name, seed, model, history, seconds))
        histories[(name, seed)] = history
        if keep_models:
            models[(name, seed)] = model
    return Comparison(pd.DataFrame(rows), histories, models)


def summarize(table: pd.DataFrame) -> pd.DataFrame:
    """Per variant: number of seeds, mean and standard deviation of the scores.

    Columns follow what ``dnncourse.results.record_results`` expects:
    ``val_accuracy_mean/std`` (last epoch), ``best_val_accuracy_mean/std``,
    ``test_accuracy_mean/std`` when the test set was evaluated, ``epochs`` and
    ``seconds_per_epoch``. The order of variants is kept. Runs trained without a
    validation split (no ``best_epoch`` column) get only the scores they have.
    """
    scores = [c for c in ("val_accuracy", "best_val_accuracy", "min_val_loss", "test_accuracy")
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


def within_spread(summary: pd.DataFrame, a: str, b: str, column: str = "val_accuracy") -> bool:
    """True when variants ``a`` and ``b`` differ by less than their combined spread (1 std each)."""
    rows = summary.set_index("variant")
    gap = abs(rows.loc[a, f"{column}_mean"] - rows.loc[b, f"{column}_mean"])
    return bool(gap <= rows.loc[a, f"{column}_std"] + rows.loc[b, f"{column}_std"])
