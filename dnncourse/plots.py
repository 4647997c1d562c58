"""Plots the lessons share: learning curves and sample images."""

from __future__ import annotations

from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np


def _history_dict(history) -> dict:
    return history.history if hasattr(history, "history") else dict(history)


def plot_history(history, metrics: Sequence[str] = ("loss", "accuracy"), title: str | None = None):
    """Training vs validation curves, one panel per metric, from a Keras ``History``."""
    hist = _history_dict(history)
    metrics = [m for m in metrics if m in hist]
    fig, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 3.6), squeeze=False)
    for ax, metric in zip(axes[0], metrics):
        epochs = np.arange(1, len(hist[metric]) + 1)
        ax.plot(epochs, hist[metric], "o-", label="training")
        if f"val_{metric}" in hist:
            ax.plot(epochs, hist[f"val_{metric}"], "s--", label="validation")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.grid(True, alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_images(images: np.ndarray, labels: np.ndarray, class_names: Sequence[str],
                n: int = 20, columns: int = 10, predictions: np.ndarray | None = None):
    """A grid of images with their class names (and predictions, if given)."""
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


def plot_curves(histories: dict, metric: str = "val_loss", ax=None, title: str | None = None):
    """Mean curve per variant over seeds, shaded between the lowest and highest seed.

    ``histories`` maps ``(variant, seed)`` to a history dict (``Comparison.histories``).
    All variants share the same axes, so their curves can be compared directly.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    variants = list(dict.fromkeys(name for name, _ in histories))
    for name in variants:
        runs = [h[metric] for (v, _), h in histories.items() if v == name and metric in h]
        if not runs:
            continue
        length = min(len(r) for r in runs)  # early stopping can end seeds at different epochs
        curves = np.array([r[:length] for r in runs])
        epochs = np.arange(1, length + 1)
        line, = ax.plot(epochs, curves.mean(axis=0), label=name)
        if len(runs) > 1:
            ax.fill_between(epochs, curves.min(axis=0), curves.max(axis=0), color=line.get_color(), alpha=0.2)
    ax.set_xlabel("epoch")
    ax.set_ylabel(metric)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    return ax


def plot_scores(summary, column: str = "val_accuracy", ax=None, title: str | None = None):
    """Bar chart of ``<column>_mean`` per variant with ``<column>_std`` error bars."""
    if ax is None:
        _, ax = plt.subplots(figsize=(max(5, 1.1 * len(summary)), 3.6))
    means, stds = summary[f"{column}_mean"], summary[f"{column}_std"]
    ax.bar(summary["variant"], means, yerr=stds, capsize=4, color="tab:blue", alpha=0.8)
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
