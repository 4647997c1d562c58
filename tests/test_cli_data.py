"""``dnncourse data``: missing data is a refused request (exit 2) like every other; found data verifies."""

from __future__ import annotations

import pytest

from dnncourse import data
from dnncourse.tools.cli import main


@pytest.fixture
def no_data(tmp_path, monkeypatch):
    """A machine without Fashion-MNIST: empty Keras cache, no system copy, no download."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))
    monkeypatch.setattr(data, "SYSTEM_DIR", tmp_path / "no-system-copy")
    monkeypatch.delenv(data.DATA_DIR_ENV, raising=False)
    return tmp_path


def test_missing_data_exits_2_and_says_how_to_get_it(no_data, capsys):
    assert main(["data", "--no-download"]) == 2
    printed = capsys.readouterr()
    assert printed.out == ""
    assert printed.err.startswith("error: Searched:")
    assert "apt-get install dataset-fashion-mnist" in printed.err


def test_a_named_folder_without_the_files_exits_2(no_data, capsys):
    empty = no_data / "empty"
    empty.mkdir()
    assert main(["data", "--data-dir", str(empty)]) == 2
    assert "error: The folder named by data_dir argument does not hold Fashion-MNIST" in capsys.readouterr().err


@pytest.mark.skipif(not (data.SYSTEM_DIR / "train-images-idx3-ubyte.gz").exists(),
                    reason="the system copy (apt-get install dataset-fashion-mnist) is not installed")
def test_found_data_is_verified_and_copied(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))
    assert main(["data", "--data-dir", str(data.SYSTEM_DIR), "--copy-to-cache"]) == 0
    printed = capsys.readouterr().out
    assert printed.count("  ok  ") == 4 and "Copied the verified files into the Keras cache" in printed
    assert (tmp_path / "keras-home" / "datasets" / "fashion-mnist" / "train-images-idx3-ubyte.gz").is_file()
