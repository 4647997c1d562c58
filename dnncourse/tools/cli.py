"""The ``dnncourse`` command line: one module per subcommand in ``dnncourse.tools.commands``.

Exit status, the same for every subcommand: 0 done; 1 something the command ran or
checked failed (a lesson of a run, a doctor check, a benchmark run); 2 a request that
cannot be served (bad parameters, an unknown lesson, profile or backend, missing
data, a folder that is not a run), said on stderr, with nothing run; 130 interrupted.
``main`` is the one place that turns errors into exit statuses.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from ..data import DataError
from ..params import ParameterError
from .commands import NAMES
from .errors import ToolError


def build_parser() -> argparse.ArgumentParser:
    """The parser of every subcommand, each from its module's ``HELP``, ``EXAMPLES`` and ``add_arguments``."""
    parser = argparse.ArgumentParser(prog="dnncourse", description="Tools for the dnncourse lessons.",
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in NAMES:
        command = importlib.import_module(f".commands.{name}", __package__)
        p = sub.add_parser(name, help=command.HELP, description=command.__doc__.strip(),
                           epilog="examples:\n" + command.EXAMPLES,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        command.add_arguments(p)
        p.set_defaults(handler=command.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one subcommand; the one place that maps errors to exit statuses (module docstring)."""
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except (ToolError, ParameterError, DataError) as err:  # a wrong request: the message, never a traceback
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
