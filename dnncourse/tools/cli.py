"""The ``dnncourse`` command line. Each subcommand lives in a small function.

Exit status, the same for every subcommand: 0 done; 1 something the command ran or
checked failed (a lesson of a run, a doctor check, a benchmark run); 2 a request that
cannot be served (bad parameters, an unknown lesson, profile or backend, missing
data, a folder that is not a run), said on stderr, with nothing run; 130 interrupted.
``main`` is the one place that turns errors into exit statuses.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from pathlib import Path

from .. import data as data_module
from ..params import ParameterError
from . import plan, runner
from .course import Book, BookError, load_book, prepare_notebooks
from .environment import BACKENDS, DEFAULT_BACKEND, BackendError, chosen_backend
from .quotes import QuoteError
from .website import SiteFolderError

# Wrong requests: exit status 2 and the message, never a traceback.
USER_ERRORS = (BookError, ParameterError, data_module.DataError, runner.RunFolderError, BackendError,
               SiteFolderError, QuoteError)


def cmd_data(args: argparse.Namespace) -> int:
    """Show where Fashion-MNIST was found, verify it, optionally copy it to the Keras cache."""
    label, folder = data_module.find_fashion_mnist(args.data_dir, download=not args.no_download)
    print(f"Found Fashion-MNIST ({label}): {folder}")
    for stem, array in data_module.verify_folder(folder).items():
        sha = data_module.FASHION_FILES[stem]
        print(f"  ok  {stem:<26} shape={array.shape}  sha256={sha[:12]}...")
    if args.copy_to_cache:
        target = data_module.copy_to_keras_cache(folder)
        print(f"Copied the verified files into the Keras cache: {target}")
    return 0


def new_run_state(args: argparse.Namespace, status: str, backend: str | None) -> tuple[Book, runner.RunState]:
    """Check the request, then create the run folder and its run.json (``run`` and ``prepare``)."""
    book = load_book(args.book)
    lesson_ids = [book.lesson(i).id for i in args.lessons] or [lesson.id for lesson in book.lessons]
    overrides = plan.merge(plan.load_params_file(args.params_file) if args.params_file else {},
                           plan.parse_overrides(args.param))
    folder = runner.run_folder_path(book, args.profile, args.out)
    params = plan.plan_parameters(book, lesson_ids, args.profile, overrides, folder)  # before any kernel
    runner.new_run_folder(folder, args.force)
    state = runner.RunState(folder=folder, profile=args.profile, book=str(book.root / "book.yml"), backend=backend,
                            overrides=overrides, status=status, tensorboard=getattr(args, "tensorboard", False))
    state.lessons = {lesson_id: runner.LessonState(params=params[lesson_id]) for lesson_id in lesson_ids}
    state.save()
    return book, state


def resumed_run_state(args: argparse.Namespace) -> tuple[Book, runner.RunState, list[str]]:
    """Load an earlier (or prepared) run; return the book, its state and the lessons to run."""
    state = runner.RunState.load(args.resume)
    book = load_book(args.book or state.book)
    ignored = [flag for flag, given in (("-p", args.param), ("--params-file", args.params_file), ("--out", args.out),
                                        ("--backend", state.backend and args.backend)) if given]
    if ignored:
        print(f"note: --resume keeps the run's own profile, parameters, backend and folder; "
              f"{', '.join(ignored)} ignored.", file=sys.stderr)
    state.backend = state.backend or chosen_backend(args.backend)  # a prepared folder has none yet
    chosen = {book.lesson(x).id for x in args.lessons}
    return book, state, [i for i in state.unfinished() if not chosen or i in chosen]


def cmd_run(args: argparse.Namespace) -> int:
    """Execute lessons with papermill into a fresh run folder, then write the report."""
    if args.resume:
        book, state, lesson_ids = resumed_run_state(args)
    else:
        book, state = new_run_state(args, "running", chosen_backend(args.backend))
        lesson_ids = list(state.lessons)
    if not lesson_ids:
        print(f"Nothing to resume: the lessons of {state.folder} are done.")
        return 0
    runner.setup_logging(state.folder)
    try:
        runner.run_all(book, state, lesson_ids, jobs=args.jobs, timeout=args.timeout)
    finally:
        runner.close_logging()
    print("\n".join(runner.summary_lines(state)))
    return 0 if not state.unfinished() else 1


def cmd_prepare(args: argparse.Namespace) -> int:
    """Write lessons with a profile's parameters into a run folder, without running them."""
    book, state = new_run_state(args, "prepared", backend=None)
    for path in prepare_notebooks(book, {i: record.params for i, record in state.lessons.items()}, state.folder):
        print(f"prepared {path}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Gather a run's recorded results into report.md, report.csv and report.png."""
    from .leaderboard import write_report

    if not Path(args.run_folder).is_dir():
        raise runner.RunFolderError(f"no such run folder: {args.run_folder}")
    paths = write_report(args.run_folder)
    print(Path(paths["md"]).read_text())
    print("Wrote " + ", ".join(str(p) for p in paths.values()))
    return 0


def cmd_book(args: argparse.Namespace) -> int:
    """Build a static HTML site of the course with the outputs of a run."""
    from .website import build_site, latest_run

    book = load_book(args.book)
    run = Path(args.run) if args.run else latest_run(book.root)
    state = runner.RunState.load(run) if run is not None else None
    print(f"Building the site from run {run}" if run else "No run found under runs/: pages without outputs")
    index = build_site(book, state, args.out)
    print(f"Wrote {index} (open it in a browser: file://{index.resolve()})")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    """Print versions, the Keras backend, devices and data status; warn about known-bad combinations."""
    from .doctor import doctor

    return doctor()


def cmd_kernel(args: argparse.Namespace) -> int:
    """Install the Jupyter kernel JupyterLab starts for the lessons, with its Keras backend."""
    from .environment import install_kernel, installed_kernel_spec

    backend = chosen_backend(args.backend)
    folder = install_kernel(backend, args.prefix)
    print(f"Installed {folder / 'kernel.json'}: lessons opened in JupyterLab from this environment run on "
          f"Keras' {backend} backend (restart a running kernel to switch).")
    found = installed_kernel_spec()
    if args.prefix is None and found and found[0].resolve() != folder.resolve():
        print(f"warning: Jupyter finds another python3 kernel spec first, {found[0]}; it decides the backend "
              f"until you remove it (jupyter kernelspec remove python3).", file=sys.stderr)
    return 0


def cmd_quotes(args: argparse.Namespace) -> int:
    """Write a run's recorded numbers into the lessons' placeholders (⟪...⟫)."""
    from . import quotes

    book = load_book(args.book)
    lessons = [book.lesson(i) for i in args.lessons] if args.lessons else book.lessons
    for lesson_id, count in quotes.fill_from_run(Path(args.run_folder), lessons).items():
        print(f"{lesson_id}: {count} placeholder(s) filled")
    return 0


def cmd_grade(args: argparse.Namespace) -> int:
    """Run students' copies of a lesson headless and write which exercises each one passes."""
    from .grade import grade_folder

    book = load_book(args.book)
    overrides = plan.parse_overrides(args.param)
    out = Path(args.out) if args.out else Path(args.folder) / "graded"
    table = grade_folder(book, Path(args.folder), out, args.lesson, args.profile, overrides, args.backend,
                         args.timeout)
    print(table.to_string(index=False))
    print(f"\nWrote {out / 'grades.csv'}, {out / 'grades.md'} and the executed copies in {out / 'notebooks'}.")
    return 0


def cmd_tune(args: argparse.Namespace) -> int:
    """Lesson 08's random search over a chief and workers (Keras Tuner's distributed mode)."""
    import json
    import time

    from . import tune

    if args.settings_json:  # a process started by --workers: the launcher already planned everything
        settings = json.loads(args.settings_json)
    else:
        settings = tune.search_settings(load_book(args.book), args.profile, plan.parse_overrides(args.param))
    out = Path(args.out or f"runs/{time.strftime('%Y%m%d-%H%M%S')}-tune")
    if args.role == "chief":
        return tune.run_chief(settings, tune.parse_oracle(args.oracle or f"{tune.LOCALHOST}:8000"), out)
    if args.role == "worker":
        if not args.oracle:
            raise tune.TuneError("A worker needs the chief's address: --oracle HOST:PORT.")
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


def cmd_bench(args: argparse.Namespace) -> int:
    """Time the course's models on each installed Keras backend, side by side."""
    from . import bench

    return bench.run(args)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _subparser(sub, name: str, func, help: str, epilog: str) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=help, description=func.__doc__, epilog="examples:\n" + epilog,
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.set_defaults(func=func)
    return parser


def _add_plan_arguments(parser: argparse.ArgumentParser, out_help: str) -> None:
    """What ``run`` and ``prepare`` share: the lessons, their parameters and the run folder."""
    parser.add_argument("lessons", nargs="*", metavar="LESSON", help="lesson ids or numbers (default: all in book.yml)")
    parser.add_argument("--profile", default="smoke", help="parameter profile from book.yml (default: smoke)")
    parser.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                        help="override a parameter (value read as YAML); LESSON.NAME=VALUE for one lesson")
    parser.add_argument("--params-file", metavar="YAML", help="YAML mapping of parameter overrides")
    parser.add_argument("--out", help=out_help)
    parser.add_argument("--force", action="store_true", help="replace an earlier run folder in --out")
    parser.add_argument("--book", help="path of book.yml (default: found from the current folder)")


def _add_backend_argument(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--backend", metavar="NAME",
                        help=f"Keras backend of {what}: {' or '.join(BACKENDS)} "
                             f"(default: $KERAS_BACKEND, else {DEFAULT_BACKEND})")


RUN_EXAMPLES = """\
  dnncourse run --profile smoke                  # every lesson, seconds each
  dnncourse run --profile full 02 05             # two lessons, the numbers the lessons quote
  dnncourse run --profile smoke -p epochs=2 -p n_train=5000
  dnncourse run --profile full -p 03.rate=0.3    # LESSON.NAME: one lesson only
  dnncourse run --profile full 03 --backend tensorflow
  dnncourse run --profile full --params-file my.yml --jobs 2 --out runs/mine
  dnncourse run --resume runs/20260101-120000-full   # re-run what did not finish
  dnncourse run --profile full --tensorboard     # then: tensorboard --logdir RUN/tensorboard

Writes runs/<timestamp>-<profile>/ (or --out): run.json (status), run.log, notebooks/,
logs/, results/ and report.md/.csv/.png. Exit status: 0 all lessons done, 1 a lesson
failed, 2 a wrong request (nothing was run), 130 interrupted."""

PREPARE_EXAMPLES = """\
  dnncourse prepare --profile smoke --out build/smoke      # what make test gives to nbval
  dnncourse prepare --profile full --out build/full 03 -p epochs=5

Writes OUT/run.json and OUT/notebooks/<lesson>.ipynb with the parameters injected
exactly as dnncourse run would (output_dir is OUT); nothing is executed.
dnncourse run --resume OUT executes them."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dnncourse", description="Tools for the dnncourse lessons.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    p = _subparser(sub, "data", cmd_data, "find and verify Fashion-MNIST",
                   "  dnncourse data\n  dnncourse data --data-dir ~/Downloads/fmnist\n  dnncourse data --copy-to-cache"
                   "\n\nExit status 2 when the data is missing or does not verify; the message says how to get it.")
    p.add_argument("--data-dir", help="folder holding the four files (default: $DNNCOURSE_DATA_DIR, "
                                      "the Keras cache, then /usr/share/datasets/fashion-mnist)")
    p.add_argument("--copy-to-cache", action="store_true", help="copy the verified files into the Keras cache")
    p.add_argument("--no-download", action="store_true", help="never try to download")

    p = _subparser(sub, "run", cmd_run, "execute lessons into a run folder", RUN_EXAMPLES)
    _add_plan_arguments(p, "run folder (default: runs/<timestamp>-<profile> beside book.yml)")
    _add_backend_argument(p, "every kernel")
    p.add_argument("--resume", metavar="RUN_FOLDER", help="re-run the lessons of RUN_FOLDER that did not finish")
    p.add_argument("--jobs", "-j", type=_positive_int, default=1,
                   help="lessons run at the same time; each kernel gets cores/jobs threads (default: 1)")
    p.add_argument("--timeout", type=_positive_int, default=1800, help="seconds one cell may take (default: 1800)")
    p.add_argument("--tensorboard", action="store_true",
                   help="log every comparison's runs for TensorBoard into RUN/tensorboard/<lesson>/<variant>/seed-N")

    p = _subparser(sub, "prepare", cmd_prepare, "write lessons with a profile's parameters, unexecuted",
                   PREPARE_EXAMPLES)
    _add_plan_arguments(p, "the folder to write (default: runs/<timestamp>-<profile> beside book.yml)")

    p = _subparser(sub, "report", cmd_report, "gather a run's results into a leaderboard",
                   "  dnncourse report runs/20260101-120000-full\n\n"
                   "Writes report.md, report.csv and report.png into the run folder.")
    p.add_argument("run_folder", metavar="RUN_FOLDER")

    p = _subparser(sub, "book", cmd_book, "build the static HTML site of the course",
                   "  dnncourse book                       # newest run under runs/, into _site/\n"
                   "  dnncourse book --run runs/20260101-120000-full --out _site\n\n"
                   "Open _site/index.html in a browser; no internet needed.")
    p.add_argument("--run", metavar="RUN_FOLDER", help="run whose outputs to show (default: newest under runs/)")
    p.add_argument("--out", default="_site", help="site folder (default: _site; an earlier site there is replaced)")
    p.add_argument("--book", help="path of book.yml (default: found from the current folder)")

    _subparser(sub, "doctor", cmd_doctor, "check versions, the Keras backend, devices and data",
               "  dnncourse doctor\n\nExit status 1 when something needs fixing.")

    p = _subparser(sub, "kernel", cmd_kernel, "install the JupyterLab kernel with its Keras backend",
                   "  dnncourse kernel                        # what make lab does: the default backend\n"
                   "  dnncourse kernel --backend tensorflow   # lessons in JupyterLab run on TensorFlow\n\n"
                   "Writes the python3 kernel spec of this environment, whose env sets KERAS_BACKEND\n"
                   "and quiet TensorFlow for every kernel JupyterLab starts from it.")
    _add_backend_argument(p, "the kernels JupyterLab starts")
    p.add_argument("--prefix", help="install under PREFIX/share/jupyter/kernels (default: this environment)")

    p = _subparser(sub, "quotes", cmd_quotes, "fill the lessons' number placeholders from a run",
                   "  dnncourse quotes runs/20260101-120000-full        # every lesson\n"
                   "  dnncourse quotes runs/20260101-120000-full 03 04\n\n"
                   "Replaces each ⟪VARIANT|COLUMN⟫, ⟪fact:NAME⟫ and ⟪time⟫ in the lessons' markdown with\n"
                   "the value the run recorded (dnncourse/tools/quotes.py); exit 2 if one names nothing.")
    p.add_argument("run_folder", metavar="RUN_FOLDER")
    p.add_argument("lessons", nargs="*", metavar="LESSON", help="lesson ids or numbers (default: all)")
    p.add_argument("--book", help="path of book.yml (default: found from the current folder)")

    p = _subparser(sub, "grade", cmd_grade, "run students' copies of a lesson and tabulate their exercises",
                   "  dnncourse grade submissions/lesson01/              # smoke profile, lesson found from the checks\n"
                   "  dnncourse grade submissions/ --lesson 04 --out grades/04 -p n_train=1000\n\n"
                   "Executes every *.ipynb in FOLDER headless (papermill) and writes OUT/grades.csv and\n"
                   "OUT/grades.md: per student, whether the notebook ran and each exercise's status\n"
                   "(correct, wrong, unanswered, not reached). A notebook that fails is reported, not fatal.")
    p.add_argument("folder", metavar="FOLDER", help="folder of the students' copies of one lesson")
    p.add_argument("--lesson", help="lesson id or number (default: found from the notebooks' dc.check calls)")
    p.add_argument("--profile", default="smoke", help="parameter profile from book.yml (default: smoke)")
    p.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                   help="override a parameter (value read as YAML)")
    p.add_argument("--out", help="where to write the grades (default: FOLDER/graded)")
    p.add_argument("--timeout", type=_positive_int, default=600, help="seconds one cell may take (default: 600)")
    p.add_argument("--book", help="path of book.yml (default: found from the current folder)")
    _add_backend_argument(p, "the kernels")

    p = _subparser(sub, "tune", cmd_tune, "lesson 08's search with a chief and workers (Keras Tuner)",
                   "  dnncourse tune --workers 2 --profile smoke          # chief + 2 workers on this machine\n"
                   "  dnncourse tune --workers 1 --profile full --out runs/tune-1\n"
                   "  # several machines: the chief first, then one worker per machine\n"
                   "  dnncourse tune --role chief --oracle 10.0.0.5:8000 --profile full --out runs/tune\n"
                   "  dnncourse tune --role worker --oracle 10.0.0.5:8000 --worker-id lab3 --profile full\n\n"
                   "Writes OUT/tuning.json: every trial's hyperparameters, score, worker, seconds and\n"
                   "attempts, and the best configuration. SECURITY: the chief's gRPC port has no\n"
                   "authentication. It binds to 127.0.0.1 unless --oracle names another address; only\n"
                   "name one that trusted machines alone can reach (a lab network, a VPN, an SSH tunnel).")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--workers", type=_positive_int, default=2,
                      help="start a chief and N workers on this machine, each pinned to its share of the cores")
    mode.add_argument("--role", choices=("chief", "worker"), help="run one process of a search over machines")
    p.add_argument("--oracle", metavar="HOST:PORT",
                   help="the chief's address (chief default: 127.0.0.1:8000; trusted networks only)")
    p.add_argument("--worker-id", help="a worker's name; restart a dead worker with the same name to re-run its trial")
    p.add_argument("--connect-timeout", type=float, default=30.0, help="seconds a worker waits for the chief")
    p.add_argument("--profile", default="smoke", help="lesson 08's parameter profile from book.yml (default: smoke)")
    p.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                   help="override one of lesson 08's search parameters (max_trials, search_epochs, ...)")
    p.add_argument("--out", help="folder for tuning.json and the trials (default: runs/<timestamp>-tune)")
    p.add_argument("--book", help="path of book.yml (default: found from the current folder)")
    p.add_argument("--settings-json", help=argparse.SUPPRESS)

    p = _subparser(sub, "bench", cmd_bench, "time the course's models on each Keras backend",
                   "  dnncourse bench                 # every model on every installed backend\n"
                   "  dnncourse bench --quick --models baseline\n\n"
                   "Writes bench.csv and bench.md (also printed); a benchmark, not a test.")
    from . import bench  # its options live with it
    bench.add_arguments(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one subcommand; the one place that maps errors to exit statuses (module docstring)."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except USER_ERRORS as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
