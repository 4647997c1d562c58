"""``dnncourse doctor``, its warnings and exit status; ``--help`` of every subcommand."""

from __future__ import annotations

import sys

import pytest

from dnncourse.tools import doctor as doctor_module
from dnncourse.tools.cli import build_parser, main
from dnncourse.tools.doctor import known_problems

REAL_DATA_LINES = doctor_module.data_lines
GOOD = {"tensorflow-cpu": "2.21.0", "keras": "3.15.1", "jax": "0.10.2", "jaxlib": "0.10.2",
        "tensorboard": "2.21.0", "keras-tuner": "1.4.8"}


def test_a_good_install_has_no_warnings():
    assert known_problems(GOOD) == []


def test_colabs_stack_is_a_good_install():
    colab = {**{k: v for k, v in GOOD.items() if k != "tensorflow-cpu"},
             "tensorflow": "2.20.0", "keras": "3.13.2", "jax": "0.7.2", "jaxlib": "0.7.2", "tensorboard": "2.20.0"}
    assert known_problems(colab) == []


@pytest.mark.parametrize("change, warning", [
    ({"keras": "2.15.0"}, "Keras 2"),
    ({"jax": None}, "jax is not installed: it is the course's default backend (jax)"),
    ({"tensorboard": None}, "Keras Tuner fails every trial"),
    ({"keras-tuner": None}, "keras-tuner is missing"),
    ({"tensorflow-cpu": "2.19.1"}, "outside the supported 2.20 and 2.21"),
    ({"tensorflow": "2.20.0"}, "both tensorflow and tensorflow-cpu are installed"),
    ({"tf-keras": "2.21.0"}, "tf-keras"),
])
def test_known_bad_combinations_are_named(change, warning):
    assert any(warning in line for line in known_problems({**GOOD, **change}))


@pytest.fixture
def healthy(monkeypatch, tmp_path):
    """A machine where everything is fine: good versions, data found, the kernel spec on jax."""
    monkeypatch.setattr(doctor_module, "version_of", GOOD.get)
    monkeypatch.setattr(doctor_module, "data_lines", lambda: (["Fashion-MNIST: found (test)"], True))
    spec = tmp_path / "kernels" / "python3"
    monkeypatch.setattr(doctor_module, "kernel_backend", lambda: ("jax", f"the kernel spec {spec}/kernel.json"))
    monkeypatch.delenv("KERAS_BACKEND", raising=False)
    monkeypatch.delenv("TF_USE_LEGACY_KERAS", raising=False)
    return spec


def test_doctor_says_all_good_and_exits_0(healthy, capsys):
    assert main(["doctor"]) == 0
    printed = capsys.readouterr().out
    assert "WARNING" not in printed
    assert printed.splitlines()[-1] == "All good: the lessons should run here."
    assert f"Keras backend of JupyterLab kernels: jax (from the kernel spec {healthy}/kernel.json)" in printed
    assert "Keras backend of dnncourse run: jax (from the course's default; --backend NAME changes it)" in printed
    for line in ("keras           3.15.1", "jax             0.10.2", "CPU cores available", "GPUs TensorFlow sees",
                 "Devices JAX sees: "):
        assert line in printed


def test_doctor_exits_1_without_data(healthy, capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(doctor_module, "data_lines", REAL_DATA_LINES)
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("DNNCOURSE_DATA_DIR", str(empty))
    assert main(["doctor"]) == 1
    printed = capsys.readouterr().out
    assert "Fashion-MNIST: NOT usable" in printed and str(empty) in printed
    assert "All good" not in printed


def test_doctor_exits_1_on_a_missing_package(healthy, capsys, monkeypatch):
    monkeypatch.setattr(doctor_module, "version_of", lambda name: None if name == "tensorboard" else GOOD.get(name))
    assert main(["doctor"]) == 1
    printed = capsys.readouterr().out
    assert "WARNING: tensorboard is missing: Keras Tuner fails every trial without it" in printed
    assert "All good" not in printed


def test_doctor_exits_1_when_the_backend_cannot_be_imported(healthy, capsys, monkeypatch):
    monkeypatch.setenv("KERAS_BACKEND", "tensorflow")
    monkeypatch.setitem(sys.modules, "tensorflow", None)  # import tensorflow now fails
    assert main(["doctor"]) == 1
    printed = capsys.readouterr().out
    assert "Keras backend of dnncourse run: tensorflow (from KERAS_BACKEND in this environment" in printed
    assert "WARNING: Keras backend tensorflow: the tensorflow backend cannot be imported: ModuleNotFoundError" in printed


def test_doctor_warns_about_an_unsupported_backend(healthy, capsys, monkeypatch):
    monkeypatch.setattr(doctor_module, "kernel_backend", lambda: ("torch", "KERAS_BACKEND in this environment"))
    assert main(["doctor"]) == 1
    assert ("WARNING: Keras backend torch: Unknown Keras backend 'torch'; the course supports: jax, tensorflow."
            in capsys.readouterr().out)


# Each subcommand's real options: its --help must name every one (and show examples).
OPTIONS = {
    "init": ["--force"],
    "lab": ["--backend", "--no-browser", "--port"],
    "colab": ["--book"],
    "data": ["--data-dir", "--copy-to-cache", "--no-download"],
    "run": ["LESSON", "--profile", "--param", "--params-file", "--out", "--force", "--book", "--backend",
            "--resume", "--jobs", "--timeout", "--tensorboard"],
    "prepare": ["LESSON", "--profile", "--param", "--params-file", "--out", "--force", "--book"],
    "report": ["RUN_FOLDER"],
    "book": ["--run", "--out", "--book"],
    "doctor": [],
    "kernel": ["--backend", "--prefix"],
    "bench": ["--backends", "--models", "--epochs", "--out"],
    "quotes": ["RUN_FOLDER", "LESSON", "--book"],
    "grade": ["FOLDER", "--lesson", "--profile", "--param", "--out", "--timeout", "--book", "--backend"],
    "tune": ["--workers", "--role", "--oracle", "--worker-id", "--connect-timeout", "--profile", "--param",
             "--out", "--book"],
}


def test_every_subcommand_is_covered():
    commands = build_parser()._subparsers._group_actions[0].choices
    assert set(commands) == set(OPTIONS)


@pytest.mark.parametrize("command", OPTIONS)
def test_every_subcommand_has_help_with_its_options_and_examples(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    printed = capsys.readouterr().out
    assert printed.startswith(f"usage: dnncourse {command}")
    assert f"\nexamples:\n  dnncourse {command}" in printed
    missing = [option for option in OPTIONS[command] if option not in printed]
    assert not missing, f"dnncourse {command} --help does not name {missing}"


def test_backend_help_names_the_supported_backends_and_the_default(capsys):
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    assert "jax or tensorflow (default: $KERAS_BACKEND, else jax)" in " ".join(capsys.readouterr().out.split())
