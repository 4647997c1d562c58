"""Plots the lessons share: learning curves, scores and sample images.

Every curve plot has one shape, like ``tensorflow_docs.plots.HistoryPlotter``:
it takes ``{name: history}`` and an optional ``ax``, and returns the ``ax``.
A variant keeps its colour in every panel of a lesson (``colour_of``), and
curves get markers when there are only a few epochs, so a one-epoch run still
shows a point.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np

FEW_EPOCHS = 12  # up to this many points a curve is drawn with markers
_colours: dict[str, str] = {}


def colour_of(name: str) -> str:
    """The colour of a variant: given in order of first use, the same in every later plot."""
    if name not in _colours:
        palette = plt.rcParams["axes.prop_cycle"].by_key()["color"]
        _colours[name] = palette[len(_colours) % len(palette)]
    return _colours[name]


def _history_dict(history) -> dict:
    return history.history if hasattr(history, "history") else dict(history)


def _axes(ax, figsize=(7, 4)):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _style(ax, ylabel: str, title: str | None) -> None:
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)


def plot_histories(histories: Mapping[str, object], metric: str = "loss", ax=None,
                   title: str | None = None, validation: bool = True):
    """Training (solid) and validation (dashed) curves of ``metric`` per named history (lesson 01).

    ``histories`` maps a name to a Keras ``History`` or its ``.history`` dict.
    """
    ax = _axes(ax)
    for name, history in histories.items():
        hist = _history_dict(history)
        for key, style, label in ((metric, "-", "training"), (f"val_{metric}", "--", "validation")):
            if key not in hist or (key.startswith("val_") and not validation):
                continue
            values = hist[key]
            marker = "o" if len(values) <= FEW_EPOCHS else None
            ax.plot(np.arange(1, len(values) + 1), values, linestyle=style, marker=marker,
                    color=colour_of(name), label=f"{name}, {label}")
    _style(ax, metric, title)
    return ax


def plot_history(histories, metrics: Sequence[str] = ("loss", "accuracy"), title: str | None = None):
    """One panel per metric of ``plot_histories``; takes ``{name: history}`` or one history.

    Returns the array of axes (one per metric found in the histories).
    """
    if hasattr(histories, "history") or "loss" in histories:  # a single history
        histories = {"model": histories}
    found = [m for m in metrics if any(m in _history_dict(h) for h in histories.values())]
    fig, axes = plt.subplots(1, len(found), figsize=(5.5 * len(found), 3.8), squeeze=False)
    for ax, metric in zip(axes[0], found):
        plot_histories(histories, metric, ax=ax)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return axes[0]


def mean_curve(histories: Mapping[tuple[str, int], dict], variant: str, metric: str) -> np.ndarray:
    """The per-epoch mean of ``metric`` over the seeds of one variant (lesson 03).

    Runs stopped early have fewer epochs; the curve ends with the shortest run.
    """
    runs = [_history_dict(h)[metric] for (name, _), h in histories.items()
            if name == variant and metric in _history_dict(h)]
    if not runs:
        raise ValueError(f"No {metric!r} curves for variant {variant!r}.")
    length = min(len(r) for r in runs)
    return np.array([r[:length] for r in runs]).mean(axis=0)


def plot_curves(histories: Mapping[tuple[str, int], dict], metric: str = "val_loss", ax=None,
                title: str | None = None):
    """Mean curve per variant over seeds, shaded between the lowest and highest seed (lesson 01).

    ``histories`` maps ``(variant, seed)`` to a history dict (``Comparison.histories``).
    All variants share the same axes, so their curves can be compared directly.
    """
    ax = _axes(ax)
    for name in dict.fromkeys(name for name, _ in histories):
        runs = [h[metric] for (v, _), h in histories.items() if v == name and metric in h]
        if not runs:
            continue
        length = min(len(r) for r in runs)
        curves = np.array([r[:length] for r in runs])
        epochs = np.arange(1, length + 1)
        ax.plot(epochs, curves.mean(axis=0), marker="o" if length <= FEW_EPOCHS else None,
                color=colour_of(name), label=name)
        if len(runs) > 1:
            ax.fill_between(epochs, curves.min(axis=0), curves.max(axis=0), color=colour_of(name), alpha=0.2)
    _style(ax, metric, title)
    return ax


def plot_scores(summary, column: str = "val_accuracy", ax=None, title: str | None = None):
    """Bar chart of ``<column>_mean`` per variant with ``<column>_std`` error bars (lesson 02)."""
    ax = _axes(ax, figsize=(max(5, 1.1 * len(summary)), 3.6))
    means, stds = summary[f"{column}_mean"], summary[f"{column}_std"]
    ax.bar(summary["variant"], means, yerr=stds, capsize=4,
           color=[colour_of(name) for name in summary["variant"]], alpha=0.85)
    low = float((means - stds).min())
    high = float((means + stds).max())
    pad = max(0.005, (high - low) * 0.3)
    ax.set_ylim(max(0.0, low - pad), min(1.0, high + pad) if high <= 1 else high + pad)
    ax.set_ylabel(f"{column} (mean ± std over seeds)")
    ax.tick_params(axis="x", rotation=30)
    for label in ax.get_xticklabels():
        label.set_ha("right")
    ax.grid(True, axis="y", alpha=0.3)
    if title:
        ax.set_title(title)
    return ax


def show_images(images: np.ndarray, labels: np.ndarray, class_names: Sequence[str],
                n: int = 20, columns: int = 10, predictions: np.ndarray | None = None):
    """A grid of images with their class names, and predictions if given (lesson 01)."""
    n = min(n, len(images))
    rows = int(np.ceil(n / columns))
    fig, axes = plt.subplots(rows, columns, figsize=(1.3 * columns, 1.5 * rows), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= n:
            continue
        ax.imshow(images[i], cmap="binary")
        text = class_names[int(labels[i])]
        color = "black"
        if predictions is not None:
            guess = class_names[int(predictions[i])]
            color = "green" if guess == text else "red"
            text = f"{guess}\n({text})" if guess != text else text
        ax.set_title(text, fontsize=8, color=color)
    fig.tight_layout()
    return fig


def plot_paired(table, variant: str, reference: str, metric: str = "val_accuracy", ax=None):
    """Per seed, ``variant`` minus ``reference`` on ``metric`` (dots), their mean and 95 % interval (lesson 01).

    The picture behind ``dc.paired_verdict``: a verdict is decided when the interval's bar
    stays clear of the zero line.
    """
    from .verdicts import interval, paired_differences

    differences = paired_differences(table, variant, reference, metric)
    mean, low, high = interval(differences)
    ax = _axes(ax, figsize=(6, 2.2))
    ax.axvline(0, color="grey", lw=1)
    ax.scatter(differences, np.zeros(len(differences)), color=colour_of(variant), zorder=3, label="one seed")
    if not np.isnan(low):
        ax.errorbar([mean], [0.3], xerr=[[mean - low], [high - mean]], fmt="D", color="black", capsize=4,
                    label="mean, 95 % interval")
    for seed, value in differences.items():
        ax.annotate(f"seed {seed}", (value, 0), textcoords="offset points", xytext=(0, -14), ha="center", fontsize=7)
    ax.set_ylim(-0.6, 0.8)
    ax.set_yticks([])
    ax.set_xlabel(f"{metric}: {variant} minus {reference}")
    ax.legend(fontsize=8, loc="upper right")
    return ax
