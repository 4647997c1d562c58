"""A live training view: loss and accuracy curves that grow while a model trains (lesson 01).

``LiveView`` is a Keras callback. In JupyterLab it draws one figure and redraws it
in place at the end of an epoch: always after the first epoch, then no more
often than every ``min_seconds`` and rarely enough that drawing takes at most
``budget`` (2 %) of the time (a redraw costs about 0.1 s on two cores), and
always once more when training ends. When a
notebook runs headless (papermill, ``dnncourse run``) it prints one line per
epoch instead. ``run_variants`` shows one for every comparison, with the run
that is training and how far along the comparison is in the title.
"""

from __future__ import annotations

import io
import time

import keras
from matplotlib.figure import Figure

from .widgets import is_headless


def in_notebook() -> bool:
    """True in a Jupyter kernel with a person watching (not headless, not a plain script)."""
    if is_headless():
        return False
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    return getattr(get_ipython(), "kernel", None) is not None


class LiveView(keras.callbacks.Callback):
    """Show training and validation curves epoch by epoch; ``title`` names the run."""

    def __init__(self, title: str = "training", min_seconds: float = 1.0, budget: float = 0.02):
        super().__init__()
        self.title = title
        self.min_seconds = min_seconds
        self.budget = budget
        self.draw_seconds = 0.0
        self.figure: Figure | None = None
        self.handle = None

    def on_train_begin(self, logs=None) -> None:
        self.history: dict[str, list[float]] = {}
        self.last_draw: float | None = None  # perf_counter() counts from an arbitrary start (boot): no 0.0
        self.epoch_start = time.perf_counter()

    def on_epoch_begin(self, epoch, logs=None) -> None:
        self.epoch_start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None) -> None:
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(float(value))
        total = self.params.get("epochs", epoch + 1)
        if not in_notebook():
            scores = " ".join(f"{key} {value:.4f}" for key, value in (logs or {}).items() if key != "learning_rate")
            print(f"{self.title}: epoch {epoch + 1}/{total} {scores} ({time.perf_counter() - self.epoch_start:.1f} s)")
        elif self.due():
            self.draw(f"{self.title}: epoch {epoch + 1} of {total}")

    def due(self) -> bool:
        """Draw now? Always the first time; later once ``min_seconds`` and the time budget allow."""
        if self.last_draw is None:
            return True
        return time.perf_counter() - self.last_draw >= max(self.min_seconds, self.draw_seconds / self.budget)

    def on_train_end(self, logs=None) -> None:
        if in_notebook() and self.history:
            self.draw(f"{self.title}: done, {len(self.history.get('loss', []))} epoch(s)")

    def draw(self, heading: str) -> None:
        """Redraw the figure in place (first call: display it)."""
        from IPython.display import Image, display

        start = time.perf_counter()
        if self.figure is None:
            self.figure = Figure(figsize=(10, 3))
            self.figure.subplots(1, 2)
            self.figure.subplots_adjust(left=0.07, right=0.98, bottom=0.16, top=0.82, wspace=0.2)
        for ax, metric in zip(self.figure.axes, ("loss", "accuracy")):
            ax.clear()
            for key, style in ((metric, "-"), (f"val_{metric}", "--")):
                if key in self.history:
                    values = self.history[key]
                    ax.plot(range(1, len(values) + 1), values, style, marker="o" if len(values) <= 12 else None,
                            label="validation" if key.startswith("val_") else "training")
            ax.set_xlabel("epoch")
            ax.set_title(metric)
            ax.legend(loc="upper right" if metric == "loss" else "lower right")  # "best" costs a redraw
        self.figure.suptitle(heading)
        png = io.BytesIO()
        self.figure.savefig(png, format="png", dpi=72)
        if self.handle is None:
            self.handle = display(Image(png.getvalue()), display_id=True)
        else:
            self.handle.update(Image(png.getvalue()))
        self.last_draw = time.perf_counter()
        self.draw_seconds = self.last_draw - start
