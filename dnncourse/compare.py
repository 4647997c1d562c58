"""Train named model variants over several seeds, tabulate and judge the results.

A fair comparison: every variant is a *fresh* model (its build function is
called again for every seed), trained on the same split with the same budget.
Decisions use the validation split; ``evaluate_test`` touches the test set once,
for the variants a lesson has chosen. Lesson 01 introduces ``run_variants`` and
the seed-to-seed spread; the tables and the verdicts drawn from them live in
``dnncourse.summary``, which needs no Keras.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping

import keras
import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from . import switches
from .data import Dataset
from .live import LiveView
from .seeds import set_seed
from .summary import summarize


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


TENSORBOARD_ENV = switches.TENSORBOARD_DIR


def tensorboard_logger(name: str, seed: int) -> keras.callbacks.TensorBoard | None:
    """A TensorBoard callback into ``$DNNCOURSE_TENSORBOARD_DIR/<variant>/seed-<seed>``, if that is set.

    ``dnncourse run --tensorboard`` sets it for every lesson's kernel (lesson 07 shows TensorBoard).
    """
    folder = switches.value(TENSORBOARD_ENV)
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
