"""The ``dnncourse`` command line. Each subcommand lives in a small function."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import data as data_module
from .manifest import ManifestError, load_book
from .params import ParameterError


def cmd_data(args: argparse.Namespace) -> int:
    """Show where Fashion-MNIST was found, verify it, optionally copy it to the Keras cache."""
    try:
        label, folder = data_module.find_fashion_mnist(args.data_dir, download=not args.no_download)
        print(f"Found Fashion-MNIST ({label}): {folder}")
        for stem, array in data_module.verify_folder(folder).items():
            sha = data_module.FASHION_FILES[stem]
            print(f"  ok  {stem:<26} shape={array.shape}  sha256={sha[:12]}...")
        if args.copy_to_cache:
            target = data_module.copy_to_keras_cache(folder)
            print(f"Copied the verified files into the Keras cache: {target}")
    except data_module.DataError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


def _new_run(args: argparse.Namespace):
    """Check the request, create the run folder and its run.json; return (book, state, lesson ids)."""
    from . import runner, runparams

    book = load_book(args.book)
    lesson_ids = [book.lesson(i).id for i in args.lessons] or [lesson.id for lesson in book.lessons]
    overrides = runparams.merge(runparams.load_params_file(args.params_file) if args.params_file else {},
                                runparams.parse_overrides(args.param))
    plan = runparams.plan_parameters(book, lesson_ids, args.profile, overrides)  # before any kernel
    folder = runner.new_run_folder(book, args.profile, args.out, args.force)
    state = runner.RunState(folder=folder, profile=args.profile, book=str(book.root / "book.yml"),
                            overrides=overrides)
    for lesson_id in lesson_ids:
        state.lessons[lesson_id] = runner.LessonState(params={**plan[lesson_id], "output_dir": str(folder)})
    state.save()
    return book, state, lesson_ids


def _resumed_run(args: argparse.Namespace):
    """Load an earlier run; return (book, state, the lessons that did not finish)."""
    from . import runner

    state = runner.RunState.load(args.resume)
    book = load_book(args.book or state.book)
    if args.param or args.params_file or args.out:
        print("note: --resume keeps the run's own profile, parameters and folder; "
              "-p, --params-file and --out are ignored.", file=sys.stderr)
    chosen = {book.lesson(x).id for x in args.lessons}
    return book, state, [i for i in state.unfinished() if not chosen or i in chosen]


def cmd_run(args: argparse.Namespace) -> int:
    """Execute lessons with papermill into a fresh run folder, then write the report."""
    from . import runner

    try:
        book, state, lesson_ids = _resumed_run(args) if args.resume else _new_run(args)
    except (ManifestError, ParameterError, runner.RunFolderError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if not lesson_ids:
        print(f"Nothing to resume: the lessons of {state.folder} are done.")
        return 0
    runner.setup_logging(state.folder)
    try:
        runner.run_all(book, state, lesson_ids, jobs=args.jobs, timeout=args.timeout)
    except KeyboardInterrupt:
        return 130
    finally:
        runner.close_logging()
    print("\n".join(runner.summary_lines(state)))
    return 0 if not state.unfinished() else 1


def cmd_report(args: argparse.Namespace) -> int:
    """Gather a run's recorded results into report.md, report.csv and report.png."""
    from .report import write_report

    if not Path(args.run_folder).is_dir():
        print(f"error: no such run folder: {args.run_folder}", file=sys.stderr)
        return 2
    paths = write_report(args.run_folder)
    print(Path(paths["md"]).read_text())
    print("Wrote " + ", ".join(str(p) for p in paths.values()))
    return 0


def cmd_book(args: argparse.Namespace) -> int:
    """Build a static HTML site of the course with the outputs of a run."""
    from .site import build_site, latest_run

    try:
        book = load_book(args.book)
    except ManifestError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    run = Path(args.run) if args.run else latest_run(book.root)
    if run is not None and not (run / "run.json").is_file():
        print(f"error: {run} is not a run folder (no run.json).", file=sys.stderr)
        return 2
    print(f"Building the site from run {run}" if run else "No run found under runs/: pages without outputs")
    try:
        index = build_site(book, run, args.out)
    except FileExistsError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"Wrote {index} (open it in a browser: file://{index.resolve()})")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    """Print versions, devices and data status; warn about known-bad combinations."""
    from .doctor import doctor

    return doctor()


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


RUN_EXAMPLES = """\
  dnncourse run --profile smoke                  # every lesson, seconds each
  dnncourse run --profile full 02 05             # two lessons, the numbers the lessons quote
  dnncourse run --profile smoke -p epochs=2 -p n_train=5000
  dnncourse run --profile full -p 03.rate=0.3    # LESSON.NAME: one lesson only
  dnncourse run --profile full --params-file my.yml --jobs 2 --out runs/mine
  dnncourse run --resume runs/20260101-120000-full   # re-run what did not finish

Writes runs/<timestamp>-<profile>/ (or --out): run.json (status), run.log, notebooks/,
logs/, results/ and report.md/.csv/.png. Exit status: 0 all lessons done, 1 a lesson
failed, 2 a wrong request (nothing was run), 130 interrupted."""


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

    p = _subparser(sub, "run", cmd_run, "execute lessons into a run folder", RUN_EXAMPLES)
    p.add_argument("lessons", nargs="*", metavar="LESSON", help="lesson ids or numbers (default: all in book.yml)")
    p.add_argument("--profile", default="smoke", help="parameter profile from book.yml (default: smoke)")
    p.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                   help="override a parameter (value read as YAML); LESSON.NAME=VALUE for one lesson")
    p.add_argument("--params-file", metavar="YAML", help="YAML mapping of parameter overrides")
    p.add_argument("--out", help="run folder (default: runs/<timestamp>-<profile> beside book.yml)")
    p.add_argument("--force", action="store_true", help="replace an earlier run in --out")
    p.add_argument("--resume", metavar="RUN_FOLDER", help="re-run the lessons of RUN_FOLDER that did not finish")
    p.add_argument("--jobs", "-j", type=_positive_int, default=1,
                   help="lessons run at the same time; each kernel gets cores/jobs threads (default: 1)")
    p.add_argument("--timeout", type=_positive_int, default=1800, help="seconds one cell may take (default: 1800)")
    p.add_argument("--book", help="path of book.yml (default: found from the current folder)")

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

    _subparser(sub, "doctor", cmd_doctor, "check versions, devices and data",
               "  dnncourse doctor\n\nExit status 1 when something needs fixing.")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
