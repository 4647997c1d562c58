"""The ``dnncourse`` command line. Each subcommand lives in a small function."""

from __future__ import annotations

import argparse
import sys

from . import data as data_module


def cmd_data(args: argparse.Namespace) -> int:
    """Show where Fashion-MNIST was found, verify it, optionally copy it to the Keras cache."""
    try:
        label, folder = data_module.find_fashion_mnist(args.data_dir, download=not args.no_download)
        print(f"Found Fashion-MNIST ({label}): {folder}")
        for stem, sha in data_module.FASHION_FILES.items():
            array = data_module.read_verified(data_module._file_in(folder, stem), sha)
            print(f"  ok  {stem:<26} shape={array.shape}  sha256={sha[:12]}...")
        if args.copy_to_cache:
            target = data_module.copy_to_keras_cache(folder)
            print(f"Copied the verified files into the Keras cache: {target}")
    except data_module.DataError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dnncourse", description="Tools for the dnncourse lessons.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("data", help="find and verify Fashion-MNIST",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description=cmd_data.__doc__,
                       epilog="examples:\n  dnncourse data\n  dnncourse data --data-dir ~/Downloads/fmnist"
                              "\n  dnncourse data --copy-to-cache")
    p.add_argument("--data-dir", help="folder holding the four files (default: $DNNCOURSE_DATA_DIR, "
                                      "the Keras cache, then /usr/share/datasets/fashion-mnist)")
    p.add_argument("--copy-to-cache", action="store_true", help="copy the verified files into the Keras cache")
    p.add_argument("--no-download", action="store_true", help="never try to download")
    p.set_defaults(func=cmd_data)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
