"""``dnncourse doctor`` and its warnings; ``--help`` of every subcommand."""

from __future__ import annotations

import pytest

from dnncourse.cli import main
from dnncourse.doctor import known_problems

GOOD = {"tensorflow-cpu": "2.21.0", "keras": "3.15.1", "tensorboard": "2.21.0",
        "keras-tuner": "1.4.8", "scikeras": "0.13.0"}


def test_a_good_install_has_no_warnings():
    assert known_problems(GOOD) == []


@pytest.mark.parametrize("change, warning", [
    ({"keras": "2.15.0"}, "Keras 2"),
    ({"tensorboard": None}, "Keras Tuner fails every trial"),
    ({"keras-tuner": None}, "keras-tuner is missing"),
    ({"scikeras": None}, "scikeras is missing"),
    ({"tensorflow-cpu": "2.20.1"}, "outside the pinned 2.21.x"),
    ({"tf-keras": "2.21.0"}, "tf-keras"),
])
def test_known_bad_combinations_are_named(change, warning):
    assert any(warning in line for line in known_problems({**GOOD, **change}))


def test_doctor_prints_versions_devices_and_data(capsys):
    code = main(["doctor"])
    printed = capsys.readouterr().out
    for expected in ("Python 3.", "keras ", "CPU cores available", "GPUs TensorFlow sees", "Fashion-MNIST"):
        assert expected in printed
    assert code in (0, 1)


@pytest.mark.parametrize("command", ["run", "report", "book", "doctor", "data"])
def test_every_subcommand_has_help_with_examples(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert "examples:" in capsys.readouterr().out
