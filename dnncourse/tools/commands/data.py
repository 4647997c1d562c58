"""Show where Fashion-MNIST was found, verify it, optionally copy it to the Keras cache."""

from __future__ import annotations

import argparse

HELP = "find and verify Fashion-MNIST"
EXAMPLES = """\
  dnncourse data
  dnncourse data --data-dir ~/Downloads/fmnist
  dnncourse data --copy-to-cache

Exit status 2 when the data is missing or does not verify; the message says how to get it."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", help="folder holding the four files (default: $DNNCOURSE_DATA_DIR, "
                                           "the Keras cache, then /usr/share/datasets/fashion-mnist)")
    parser.add_argument("--copy-to-cache", action="store_true", help="copy the verified files into the Keras cache")
    parser.add_argument("--no-download", action="store_true", help="never try to download")


def run(args: argparse.Namespace) -> int:
    from ... import data

    label, folder = data.find_fashion_mnist(args.data_dir, download=not args.no_download)
    print(f"Found Fashion-MNIST ({label}): {folder}")
    for stem, array in data.verify_folder(folder).items():
        sha = data.FASHION_FILES[stem]
        print(f"  ok  {stem:<26} shape={array.shape}  sha256={sha[:12]}...")
    if args.copy_to_cache:
        target = data.copy_to_keras_cache(folder)
        print(f"Copied the verified files into the Keras cache: {target}")
    return 0
