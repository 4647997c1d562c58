"""Lesson 08's random search over a chief and workers (Keras Tuner's distributed mode)."""

from __future__ import annotations

import argparse
import json
import os
import socket
import time
from pathlib import Path

from . import arguments

HELP = "lesson 08's search with a chief and workers (Keras Tuner)"
EXAMPLES = """\
  dnncourse tune --workers 2 --profile smoke          # chief + 2 workers on this machine
  dnncourse tune --workers 1 --profile full --out runs/tune-1
  # several machines: the chief first, then one worker per machine
  dnncourse tune --role chief --oracle 10.0.0.5:8000 --profile full --out runs/tune
  dnncourse tune --role worker --oracle 10.0.0.5:8000 --worker-id lab3 --profile full

Writes OUT/tuning.json: every trial's hyperparameters, score, worker, seconds and
attempts, and the best configuration. SECURITY: the chief's gRPC port has no
authentication. It binds to 127.0.0.1 unless --oracle names another address; only
name one that trusted machines alone can reach (a lab network, a VPN, an SSH tunnel)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--workers", type=arguments.positive_int, default=2,
                      help="start a chief and N workers on this machine, each pinned to its share of the cores")
    mode.add_argument("--role", choices=("chief", "worker"), help="run one process of a search over machines")
    parser.add_argument("--oracle", metavar="HOST:PORT",
                        help="the chief's address (chief default: 127.0.0.1:8000; trusted networks only)")
    parser.add_argument("--worker-id",
                        help="a worker's name; restart a dead worker with the same name to re-run its trial")
    parser.add_argument("--connect-timeout", type=float, default=30.0, help="seconds a worker waits for the chief")
    arguments.add_profile(parser, "lesson 08's parameter profile from book.yml")
    arguments.add_params(parser, "override one of lesson 08's search parameters (max_trials, search_epochs, ...)")
    parser.add_argument("--out", help="folder for tuning.json and the trials (default: runs/<timestamp>-tune)")
    arguments.add_book(parser)
    parser.add_argument("--settings-json", help=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    from .. import tune
    from ..course import load_book
    from ..plan import parse_overrides

    if args.role == "worker" and not args.oracle:
        raise tune.TuneError("A worker needs the chief's address: --oracle HOST:PORT.")
    if args.settings_json:  # a process started by --workers: the launcher already planned everything
        settings = json.loads(args.settings_json)
    else:
        settings = tune.search_settings(load_book(args.book), args.profile, parse_overrides(args.param))
    out = Path(args.out or f"runs/{time.strftime('%Y%m%d-%H%M%S')}-tune")
    if args.role == "chief":
        return tune.run_chief(settings, tune.parse_oracle(args.oracle or f"{tune.LOCALHOST}:{tune.DEFAULT_PORT}"), out)
    if args.role == "worker":
        worker_id = args.worker_id or f"worker-{socket.gethostname()}-{os.getpid()}"
        return tune.run_worker(settings, tune.parse_oracle(args.oracle), out, worker_id, args.connect_timeout)
    print(f"tune: {settings['max_trials']} trial(s) x {settings['search_epochs']} epoch(s) on "
          f"{settings['search_n_train']} images, a chief and {args.workers} worker(s) on this machine; into {out}")
    record = tune.run_local(settings, args.workers, out)
    for trial in record["trials"]:
        print(f"  trial {trial['trial']}: {trial['status']:<9} val_accuracy {trial['score'] or float('nan'):.4f}"
              f"  {trial['worker'] or '-':>8}  {trial['seconds'] or 0:5.1f} s  attempts {trial['attempts']}")
    print(f"{record['status']} in {record['launcher']['wall_seconds']:.0f} s; wrote {out / 'tuning.json'}")
    return 0 if record["status"] == "done" else 1
