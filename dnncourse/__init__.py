"""dnncourse: the helpers behind the lessons of the dense-network course.

The lessons keep the Keras code that teaches something visible; this package
holds the plumbing: data loading, model builders, comparisons over seeds,
plots, widgets, parameter checks and recorded results.
"""

import os as _os

# Quieter TensorFlow start-up for scripts and the CLI. Jupyter kernels should still be
# started with these set (the Makefile and `dnncourse run` do), since a notebook may
# have imported TensorFlow before this package.
_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
_os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

from .compare import Comparison, Variant, run_variants, summarize, within_spread
from .data import Dataset, DataError, DataIntegrityError, DataNotFoundError, load_data
from .models import baseline_model, compile_classifier, mlp
from .params import ParameterError, check_parameters
from .plots import plot_curves, plot_history, plot_scores, show_images
from .results import record_results
from .seeds import set_seed
from .widgets import explore

__version__ = "0.1.0"

__all__ = [
    "Comparison", "Variant", "run_variants", "summarize", "within_spread",
    "Dataset", "DataError", "DataIntegrityError", "DataNotFoundError", "load_data",
    "baseline_model", "compile_classifier", "mlp", "ParameterError", "check_parameters",
    "plot_curves", "plot_history", "plot_scores", "show_images", "record_results",
    "set_seed", "explore",
]
