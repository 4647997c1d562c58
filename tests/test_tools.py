"""The instructor tools' pieces: the kernels' environment and backend, run planning, the package boundary."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest

from dnncourse.params import ParameterError
from dnncourse.tools import environment
from dnncourse.tools.cli import main
from dnncourse.tools.environment import (BACKENDS, DEFAULT_BACKEND, KERNEL_ENV, BackendError, check_backend,
                                         chosen_backend, kernel_backend, kernel_env)
from dnncourse.tools.plan import load_params_file, merge, parse_overrides

ROOT = Path(__file__).resolve().parents[1]


# --- the kernels' environment ---------------------------------------------------------------

def makefile_exports() -> dict[str, str]:
    """``export NAME := VALUE`` (or ``?=``), global or for some targets, as the Makefile has them."""
    found = re.findall(r"^(?:[\w -]+:\s*)?export (\w+) [:?]?= *(\S+) *$", (ROOT / "Makefile").read_text(), re.M)
    return dict(found)


def test_the_makefile_exports_the_kernel_environment():
    exported = makefile_exports()
    assert exported.pop("JAX_COMPILATION_CACHE_DIR") == "$(CURDIR)/build/jax-cache"  # one per context
    assert exported == KERNEL_ENV
    assert KERNEL_ENV["KERAS_BACKEND"] == DEFAULT_BACKEND == "jax"


def test_headless_is_for_automated_runs_only():
    assert kernel_env("tensorflow", headless=True) == {**KERNEL_ENV, "KERAS_BACKEND": "tensorflow"}
    assert "DNNCOURSE_HEADLESS" not in kernel_env("jax", headless=False)
    assert kernel_env("jax", headless=False, cache="/c")["JAX_COMPILATION_CACHE_DIR"] == "/c"
    # make lab's JupyterLab must not pass it on to the students' kernels: only the test targets export it
    assert re.search(r"^test smoke: export DNNCOURSE_HEADLESS := 1$", (ROOT / "Makefile").read_text(), re.M)


def test_backends_are_checked():
    assert BACKENDS == ("jax", "tensorflow")
    assert [check_backend(name) for name in BACKENDS] == list(BACKENDS)
    with pytest.raises(BackendError, match=r"Unknown Keras backend 'torch'; the course supports: jax, tensorflow\."):
        check_backend("torch")
    with pytest.raises(BackendError):
        kernel_env("numpy", headless=True)


def test_the_backend_asked_for_wins_then_the_environment_then_the_default(monkeypatch):
    monkeypatch.delenv("KERAS_BACKEND", raising=False)
    assert chosen_backend() == DEFAULT_BACKEND
    monkeypatch.setenv("KERAS_BACKEND", "tensorflow")
    assert chosen_backend() == "tensorflow"
    assert chosen_backend("jax") == "jax"
    monkeypatch.setenv("KERAS_BACKEND", "torch")
    with pytest.raises(BackendError):
        chosen_backend()


@pytest.fixture
def clean_jupyter(tmp_path, monkeypatch) -> Path:
    """No KERAS_BACKEND, an empty Keras home, and Jupyter looking in tmp_path/jupyter first."""
    monkeypatch.delenv("KERAS_BACKEND", raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    return tmp_path


def test_kernel_installs_a_spec_with_the_backend(clean_jupyter, capsys, monkeypatch):
    prefix = clean_jupyter / "venv"
    assert main(["kernel", "--backend", "tensorflow", "--prefix", str(prefix)]) == 0
    folder = prefix / "share" / "jupyter" / "kernels" / "python3"
    assert f"Installed {folder / 'kernel.json'}: lessons opened in JupyterLab" in capsys.readouterr().out
    spec = json.loads((folder / "kernel.json").read_text())
    assert spec["argv"][0] == sys.executable and spec["display_name"] == "Python 3 (dnncourse, tensorflow)"
    assert spec["env"] == {"TF_CPP_MIN_LOG_LEVEL": "2", "TF_ENABLE_ONEDNN_OPTS": "0", "KERAS_BACKEND": "tensorflow",
                           "JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS": "0",
                           "JAX_COMPILATION_CACHE_DIR": str(Path.home() / ".cache" / "dnncourse" / "jax")}

    monkeypatch.setenv("JUPYTER_PATH", str(prefix / "share" / "jupyter"))
    monkeypatch.setenv("KERAS_BACKEND", "jax")  # a kernel spec's env wins over Jupyter's own environment
    assert kernel_backend() == ("tensorflow", f"the kernel spec {folder / 'kernel.json'}")


def test_kernel_refuses_an_unknown_backend(clean_jupyter, capsys):
    assert main(["kernel", "--backend", "torch", "--prefix", str(clean_jupyter / "venv")]) == 2
    assert "Unknown Keras backend 'torch'" in capsys.readouterr().err
    assert not (clean_jupyter / "venv").exists()


def test_where_the_kernels_backend_comes_from(clean_jupyter, monkeypatch):
    monkeypatch.setattr(environment, "installed_kernel_spec", lambda: None)
    assert kernel_backend() == ("tensorflow", "Keras' default (nothing names a backend)")
    config = clean_jupyter / "keras-home" / "keras.json"
    config.parent.mkdir()
    config.write_text(json.dumps({"backend": "jax", "floatx": "float32"}))
    assert kernel_backend() == ("jax", str(config))
    monkeypatch.setenv("KERAS_BACKEND", "tensorflow")
    assert kernel_backend() == ("tensorflow", "KERAS_BACKEND in this environment")


def test_backend_problem_names_what_is_wrong(monkeypatch):
    assert environment.backend_problem("jax") is None
    assert "the course supports: jax, tensorflow" in environment.backend_problem("torch")
    monkeypatch.setitem(sys.modules, "jax", None)
    assert environment.backend_problem("jax").startswith("the jax backend cannot be imported: ModuleNotFoundError")


# --- run planning ---------------------------------------------------------------------------

def test_parse_overrides_reads_values_as_yaml_and_lesson_names():
    assert parse_overrides(["epochs=2", "rate=0.3", "n_train=null", "fast=true", "name=adam", "03.rate=0.5",
                            "03_dropout.seed=7", " spaced = 4"]) == {
        "epochs": 2, "rate": 0.3, "n_train": None, "fast": True, "name": "adam",
        "03": {"rate": 0.5}, "03_dropout": {"seed": 7}, "spaced": 4}
    assert parse_overrides(["empty="]) == {"empty": None}
    assert parse_overrides([]) == {}


@pytest.mark.parametrize("pair, message", [
    ("epochs", "-p expects NAME=VALUE (for example -p epochs=2), got 'epochs'"),
    ("=2", "-p expects NAME=VALUE"),
    ("rate=[0.1", "-p rate=[0.1: cannot read the value as YAML"),
])
def test_parse_overrides_refuses_what_it_cannot_read(pair, message):
    with pytest.raises(ParameterError) as err:
        parse_overrides([pair])
    assert str(err.value).startswith(message)


def test_merge_lets_later_layers_win_and_merges_lessons():
    file_layer = {"epochs": 5, "seed": 1, "03": {"rate": 0.3, "n_seeds": 2}}
    options = {"epochs": 2, "03": {"rate": 0.5}, "04": {"rate": 0.1}}
    assert merge(file_layer, options) == {"epochs": 2, "seed": 1, "03": {"rate": 0.5, "n_seeds": 2},
                                          "04": {"rate": 0.1}}
    assert merge({"03": {"rate": 0.3}}, {"03": 7}) == {"03": 7}  # a plain value replaces a mapping
    assert merge() == {} and merge(file_layer) == file_layer
    assert file_layer["03"] == {"rate": 0.3, "n_seeds": 2}, "the layers are not changed"


def test_load_params_file(tmp_path):
    good = tmp_path / "good.yml"
    good.write_text("epochs: 2\n03_dropout: {rate: 0.3}\n")
    assert load_params_file(good) == {"epochs": 2, "03_dropout": {"rate": 0.3}}
    (tmp_path / "empty.yml").write_text("")
    assert load_params_file(tmp_path / "empty.yml") == {}
    (tmp_path / "list.yml").write_text("- 1\n- 2\n")
    with pytest.raises(ParameterError, match="must hold a mapping such as 'epochs: 2', not list"):
        load_params_file(tmp_path / "list.yml")
    with pytest.raises(ParameterError, match="Cannot read the parameters file"):
        load_params_file(tmp_path / "missing.yml")


# --- the package boundary -------------------------------------------------------------------

STUDENT_MODULES = sorted(p.relative_to(ROOT / "dnncourse").as_posix() for p in (ROOT / "dnncourse").rglob("*.py")
                         if "tools" not in p.relative_to(ROOT / "dnncourse").parts and p.name != "__main__.py")


def test_the_student_api_list_covers_the_exercises():
    assert "exercises/lesson01.py" in STUDENT_MODULES and "exercises/expect.py" in STUDENT_MODULES
    assert "__main__.py" not in STUDENT_MODULES  # python -m dnncourse is the command line


@pytest.mark.parametrize("module", STUDENT_MODULES)
def test_the_student_api_never_imports_the_tools(module):
    source = (ROOT / "dnncourse" / module).read_text()
    assert not re.search(r"^\s*(from\s+(\.{1,2}|dnncourse\.)tools|import\s+dnncourse\.tools"
                         r"|from\s+\.{1,2}\s+import\s+.*\btools\b)", source, re.M), \
        f"dnncourse/{module} imports the instructor tools"


def test_the_command_is_the_tools_cli():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["scripts"] == {"dnncourse": "dnncourse.tools.cli:main"}
    assert project["tool"]["setuptools"]["packages"] == ["dnncourse", "dnncourse.exercises", "dnncourse.tools",
                                                         "dnncourse.tools.commands"]
    assert "from .tools.cli import main" in (ROOT / "dnncourse" / "__main__.py").read_text()


# --- a command line that answers at once ----------------------------------------------------

FRAMEWORKS = ("keras", "jax", "tensorflow")
LOADED = """\
import json, sys
from dnncourse.tools.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as stop:
    code = stop.code
print(json.dumps({"code": code, "loaded": [m for m in %r if m in sys.modules]}))
""" % (FRAMEWORKS,)


def loaded_by(*argv: str, cwd: Path = ROOT) -> dict:
    """Run ``dnncourse ARGV`` in a fresh Python; its exit code and which frameworks it imported."""
    import subprocess

    done = subprocess.run([sys.executable, "-c", LOADED, *argv], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "DNNCOURSE_NO_DOWNLOAD": "1"})
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def recorded_run(tmp_path_factory) -> Path:
    """A run folder with one lesson's recorded results, as dnncourse run leaves it (no kernel needed)."""
    run = tmp_path_factory.mktemp("run")
    (run / "results").mkdir()
    (run / "run.json").write_text(json.dumps({"profile": "smoke", "book": str(ROOT / "book.yml"), "lessons": {}}))
    (run / "results" / "01_baseline.json").write_text(json.dumps({
        "lesson": "01_baseline", "params": {}, "rows": [{"variant": "baseline", "n_seeds": 1,
                                                         "val_accuracy_mean": 0.8, "val_accuracy_std": 0.0}]}))
    return run


@pytest.mark.parametrize("argv, code", [
    (["--help"], 0), (["run", "--help"], 0), (["bench", "--help"], 0),
    (["data", "--no-download"], None),  # 0 where the data is here, 2 where not: both without a framework
    (["prepare", "01", "--out", "{tmp}/prepared"], 0),
    (["report", "{run}"], 0), (["quotes", "{tmp}/no-such-run"], 2),
    (["grade", "{tmp}/no-such-folder"], 2), (["tune", "--role", "worker"], 2),
    (["run", "01", "-p", "epochs=0", "--out", "{tmp}/refused"], 2),
])
def test_commands_that_train_nothing_import_no_framework(argv, code, recorded_run, tmp_path):
    argv = [a.format(tmp=tmp_path, run=recorded_run) for a in argv]
    result = loaded_by(*argv)
    assert result["loaded"] == [], f"dnncourse {' '.join(argv)} imported {result['loaded']}"
    if code is not None:
        assert result["code"] == code


def test_the_doctors_version_lines_import_no_framework():
    import subprocess

    probe = ("import sys; from dnncourse.tools import doctor; doctor.version_lines(); "
             f"print([m for m in {FRAMEWORKS!r} if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_the_package_face_is_lazy_and_complete():
    import subprocess

    probe = ("import sys, dnncourse as dc; before = [m for m in %r if m in sys.modules]; "
             "names = [getattr(dc, n) for n in dc.__all__]; print(before, 'keras' in sys.modules)" % (FRAMEWORKS,))
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                          env={**os.environ, "KERAS_BACKEND": "jax"})
    assert done.stdout.strip().splitlines()[-1] == "[] True"  # nothing at import, everything on use
    import dnncourse as dc

    assert dc.run_variants.__module__ == "dnncourse.compare" and dc.summarize.__module__ == "dnncourse.summary"
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        dc.nope  # noqa: B018


def test_every_subcommand_has_the_same_shape():
    import importlib

    from dnncourse.tools.commands import NAMES

    for name in NAMES:
        command = importlib.import_module(f"dnncourse.tools.commands.{name}")
        assert command.__doc__ and command.HELP and command.EXAMPLES, name
        assert callable(command.add_arguments) and callable(command.run), name


def test_every_refusal_is_a_tool_error():
    from dnncourse.tools.course import BookError
    from dnncourse.tools.errors import ToolError
    from dnncourse.tools.quotes import QuoteError
    from dnncourse.tools.runstate import RunFolderError
    from dnncourse.tools.tune import TuneError
    from dnncourse.tools.website import SiteFolderError

    for error in (BookError, RunFolderError, BackendError, SiteFolderError, QuoteError, TuneError):
        assert issubclass(error, ToolError), error
    assert not issubclass(TuneError, ParameterError), "a tune request is not a lesson parameter"


# --- no import cycles -------------------------------------------------------------------------

def imports_of(path: Path) -> set[str]:
    """The dnncourse modules ``path`` imports, at its top and inside functions alike."""
    import ast

    module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("dnncourse")}
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            target = f"{base}.{node.module}" if node.level and node.module else base if node.level else node.module
            if not target or not target.startswith("dnncourse"):
                continue
            for alias in node.names:  # "from . import runner" imports the module dnncourse.tools.runner
                candidate = f"{target}.{alias.name}"
                found.add(candidate if module_file(candidate) else target)
    return {m for m in found if module_file(m)} - {module}


def module_file(module: str) -> Path | None:
    base = ROOT.joinpath(*module.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def test_there_is_no_import_cycle():
    graph = {".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): imports_of(p)
             for p in (ROOT / "dnncourse").rglob("*.py")}
    cycles = []

    def visit(module: str, path: list[str]) -> None:
        for imported in sorted(graph.get(module, ())):
            if imported in path:
                cycles.append(path[path.index(imported):] + [imported])
            elif imported not in done:
                visit(imported, path + [imported])
        done.add(module)

    done: set[str] = set()
    for module in sorted(graph):
        visit(module, [module])
    assert not cycles, f"import cycles: {cycles}"
    assert "dnncourse.tools.leaderboard" not in graph["dnncourse.tools.runner"]
