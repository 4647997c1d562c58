"""The ``dnncourse`` subcommands, one module each.

Every module here has the same shape: a docstring (the subcommand's description),
``HELP`` (its line in ``dnncourse --help``), ``EXAMPLES`` (shown under its own
``--help``), ``add_arguments(parser)`` and ``run(args) -> int``. They import only the
standard library and light parts of the tools at module level; what a subcommand
needs to do its work (papermill, pandas, Keras) is imported inside ``run``, so
``dnncourse --help`` answers at once.
"""

# In the order ``dnncourse --help`` lists them.
NAMES = ("init", "lab", "data", "run", "prepare", "report", "book", "doctor", "kernel", "quotes", "colab", "grade", "tune", "bench")
