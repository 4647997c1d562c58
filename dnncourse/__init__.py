"""dnncourse: the helpers the lessons of the dense-network course import (the student API).

The lessons keep the Keras code that teaches something visible; this package
holds the plumbing: data loading, the baseline model, seeding, comparisons over
seeds and their verdicts, plots, widgets, parameter checks, recorded results and
the exercises' checks.
Each helper's docstring names the lesson that introduces it. The instructor's
tools (command line, runner, reports, web site) live in ``dnncourse.tools``,
which lessons never import.
"""

from .compare import (Comparison, Variant, format_summary, mean_std, merge_comparisons, run_variants,
                      summarize, verdict_table)
from .data import Dataset, DataError, DataIntegrityError, DataNotFoundError, load_data
from .exercises import check
from .live import LiveView
from .models import baseline_model
from .params import ParameterError, check_parameters
from .plots import colour_of, mean_curve, plot_curves, plot_histories, plot_history, plot_scores, show_images
from .results import record_results
from .seeds import set_seed
from .widgets import explore

__version__ = "0.2.0"

__all__ = [
    "Comparison", "Variant", "format_summary", "mean_std", "merge_comparisons", "run_variants",
    "summarize", "verdict_table",
    "Dataset", "DataError", "DataIntegrityError", "DataNotFoundError", "load_data",
    "LiveView", "baseline_model", "ParameterError", "check_parameters",
    "colour_of", "mean_curve", "plot_curves", "plot_histories", "plot_history", "plot_scores", "show_images",
    "record_results", "set_seed", "explore", "check",
]
