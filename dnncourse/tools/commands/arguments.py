"""Arguments several subcommands share: lessons and parameters, the book, the backend."""

from __future__ import annotations

import argparse

from ..environment import BACKENDS, DEFAULT_BACKEND


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def add_book(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--book", help="path of book.yml (default: found from the current folder)")


def add_params(parser: argparse.ArgumentParser, what: str = "override a parameter (value read as YAML)") -> None:
    parser.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE", help=what)


def add_profile(parser: argparse.ArgumentParser, what: str = "parameter profile from book.yml") -> None:
    parser.add_argument("--profile", default="smoke", help=f"{what} (default: smoke)")


def add_plan(parser: argparse.ArgumentParser, out_help: str) -> None:
    """What ``run`` and ``prepare`` share: the lessons, their parameters and the run folder."""
    parser.add_argument("lessons", nargs="*", metavar="LESSON", help="lesson ids or numbers (default: all in book.yml)")
    add_profile(parser)
    add_params(parser, "override a parameter (value read as YAML); LESSON.NAME=VALUE for one lesson")
    parser.add_argument("--params-file", metavar="YAML", help="YAML mapping of parameter overrides")
    parser.add_argument("--out", help=out_help)
    parser.add_argument("--force", action="store_true", help="replace an earlier run folder in --out")
    add_book(parser)


def add_backend(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--backend", metavar="NAME",
                        help=f"Keras backend of {what}: {' or '.join(BACKENDS)} "
                             f"(default: $KERAS_BACKEND, else {DEFAULT_BACKEND})")


def overrides(args: argparse.Namespace) -> dict:
    """The parameter overrides of ``--params-file`` and then ``-p``, merged."""
    from .. import plan

    return plan.merge(plan.load_params_file(args.params_file) if getattr(args, "params_file", None) else {},
                      plan.parse_overrides(args.param))
