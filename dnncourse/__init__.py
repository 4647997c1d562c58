"""dnncourse: the helpers behind the lessons of the dense-network course.

The lessons keep the Keras code that teaches something visible; this package
holds the plumbing: data loading, model builders, comparisons over seeds,
plots, widgets, parameter checks and recorded results.
"""

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
