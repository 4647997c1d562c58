"""The one base class of the instructor tools' errors.

A ``ToolError`` is a request that cannot be served: a missing book.yml, a folder
that is not a run, an unknown backend. Its message names the fix; the command line
prints it and exits with status 2, never with a traceback.
"""


class ToolError(ValueError):
    """A request a tool cannot carry out; the message says what to do instead."""
