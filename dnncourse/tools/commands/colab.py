"""Write the Colab set-up cell into every lesson and the README's "Open in Colab" links, from book.yml."""

from __future__ import annotations

import argparse

from . import arguments

HELP = "write the lessons' Colab set-up cells and the README's Colab links"
EXAMPLES = """\
  dnncourse colab            # after changing `repository:` in book.yml (a fork) or adding a lesson

The set-up cell is every lesson's first code cell: on Colab it installs the course's
package without touching Colab's TensorFlow, Keras and JAX; elsewhere it does nothing."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    arguments.add_book(parser)


def run(args: argparse.Namespace) -> int:
    from ..colab import write_colab
    from ..course import load_book

    book = load_book(args.book)
    changed = write_colab(book, book.root / "README.md")
    print("\n".join(f"wrote {path}" for path in changed) or "The set-up cells and the README's links are up to date.")
    return 0
