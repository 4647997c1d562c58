"""Print versions, the Keras backend, devices and data status; warn about known-bad combinations."""

from __future__ import annotations

import argparse

HELP = "check versions, the Keras backend, devices and data"
EXAMPLES = """\
  dnncourse doctor

Exit status 1 when something needs fixing."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """doctor takes no options."""


def run(args: argparse.Namespace) -> int:
    from ..doctor import doctor

    return doctor()
