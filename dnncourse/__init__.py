"""dnncourse: the helpers the lessons of the dense-network course import (the student API).

The lessons keep the Keras code that teaches something visible; this package
holds the plumbing: data loading, the baseline model, seeding, comparisons over
seeds and their verdicts, plots, widgets, parameter checks, recorded results and
the exercises' checks.
Each helper's docstring names the lesson that introduces it. The instructor's
tools (command line, runner, reports, web site) live in ``dnncourse.tools``,
which lessons never import.

Importing the package is instant: each name below is imported from its module
the first time it is used (PEP 562), so ``dc.run_variants`` loads Keras, while
``dnncourse --help`` and the tools that train nothing never do.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.2.0"

# Each public name and the module that defines it.
_EXPORTS = {
    "compare": ("Comparison", "Variant", "merge_comparisons", "run_variants"),
    "summary": ("format_summary", "mean_std", "summarize"),
    "verdicts": ("paired_verdict", "paired_verdicts"),
    "data": ("Dataset", "DataError", "DataIntegrityError", "DataNotFoundError", "load_data"),
    "exercises": ("check",),
    "live": ("LiveView",),
    "models": ("baseline_model",),
    "params": ("ParameterError", "check_parameters"),
    "plots": ("colour_of", "mean_curve", "plot_curves", "plot_histories", "plot_history", "plot_paired",
              "plot_scores", "show_images"),
    "results": ("record_results",),
    "seeds": ("set_seed",),
    "widgets": ("explore",),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = list(_MODULE_OF)


def __getattr__(name: str) -> Any:
    """Import ``name``'s module on first use (``dc.load_data``), and sub-modules (``dc.widgets``)."""
    if name in _MODULE_OF:
        value = getattr(importlib.import_module(f".{_MODULE_OF[name]}", __name__), name)
    elif name in _EXPORTS or name in ("search_space", "switches", "tools"):
        value = importlib.import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module 'dnncourse' has no attribute {name!r}")
    globals()[name] = value  # the next lookup is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
