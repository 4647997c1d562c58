"""The data loader: where it looks, what it verifies, and what it says when it fails."""

import gzip
import hashlib
import os
import struct

import numpy as np
import pytest

from dnncourse import data as D


def idx_bytes(array: np.ndarray) -> bytes:
    code = 3 if array.ndim == 3 else 1
    return bytes([0, 0, 8, code]) + struct.pack(">" + "I" * array.ndim, *array.shape) + array.tobytes()


@pytest.fixture
def fake_files(tmp_path, monkeypatch):
    """Write four small, valid idx files and pin their checksums in place of the real ones."""
    rng = np.random.default_rng(1)
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (100, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte": np.repeat(np.arange(10, dtype=np.uint8), 10),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (20, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": np.repeat(np.arange(10, dtype=np.uint8), 2),
    }
    folder = tmp_path / "fmnist"
    folder.mkdir()
    sums = {}
    for stem, array in arrays.items():
        raw = idx_bytes(array)
        sums[stem] = hashlib.sha256(raw).hexdigest()
        with gzip.open(folder / f"{stem}.gz", "wb") as fh:
            fh.write(raw)
    monkeypatch.setattr(D, "FASHION_FILES", sums)
    monkeypatch.setattr(D, "SYSTEM_DIR", tmp_path / "no-system-copy")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))
    monkeypatch.delenv(D.DATA_DIR_ENV, raising=False)
    return folder, arrays


def test_loads_from_named_folder(fake_files):
    folder, arrays = fake_files
    (x, y), (xt, yt), source = D.load_raw(folder)
    assert np.array_equal(x, arrays["train-images-idx3-ubyte"])
    assert np.array_equal(yt, arrays["t10k-labels-idx1-ubyte"])
    assert str(folder) in source


def test_environment_variable_is_used(fake_files, monkeypatch):
    folder, _ = fake_files
    monkeypatch.setenv(D.DATA_DIR_ENV, str(folder))
    label, found = D.find_fashion_mnist()
    assert (label, found) == (D.DATA_DIR_ENV, folder)


def test_uncompressed_files_are_accepted(fake_files):
    folder, _ = fake_files
    for gz in folder.glob("*.gz"):
        gz.with_suffix("").write_bytes(gzip.decompress(gz.read_bytes()))
        gz.unlink()
    (x, _), _, _ = D.load_raw(folder)
    assert x.shape == (100, 28, 28)


def test_search_order_keras_cache_before_system(fake_files, monkeypatch, tmp_path):
    folder, _ = fake_files
    monkeypatch.setattr(D, "SYSTEM_DIR", folder)
    assert D.find_fashion_mnist(download=False)[0] == "system package dataset-fashion-mnist"
    cache = D.copy_to_keras_cache(folder)
    assert cache == tmp_path / "keras-home" / "datasets" / "fashion-mnist"
    assert D.find_fashion_mnist(download=False) == ("Keras cache", cache)


def test_nothing_found_lists_the_three_fixes(fake_files, monkeypatch):
    with pytest.raises(D.DataNotFoundError) as err:
        D.load_data(download=False)
    text = str(err.value)
    assert "apt-get install dataset-fashion-mnist" in text
    assert "DNNCOURSE_DATA_DIR" in text
    assert "internet" in text
    assert "Keras cache" in text and "switched off" in text


def test_named_folder_without_files_is_an_error_not_a_fallback(fake_files, monkeypatch, tmp_path):
    folder, _ = fake_files
    monkeypatch.setattr(D, "SYSTEM_DIR", folder)  # a good copy exists elsewhere
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(D.DataNotFoundError, match="does not hold Fashion-MNIST") as error:
        D.find_fashion_mnist(empty)
    assert f"A complete copy is already on this machine (system package dataset-fashion-mnist: {folder})" \
        in str(error.value)
    assert "apt-get install" not in str(error.value), "do not tell people to install what they have"


def test_empty_data_dir_variable_points_at_the_copy_that_exists(fake_files, monkeypatch, tmp_path):
    folder, _ = fake_files
    monkeypatch.setattr(D, "SYSTEM_DIR", folder)
    monkeypatch.setenv(D.DATA_DIR_ENV, str(tmp_path))
    with pytest.raises(D.DataNotFoundError) as error:
        D.find_fashion_mnist()
    assert f"unset DNNCOURSE_DATA_DIR to use that copy, or point it there:\n  export DNNCOURSE_DATA_DIR={folder}" \
        in str(error.value)


def test_named_folder_and_no_copy_anywhere_says_how_to_get_one(monkeypatch, tmp_path):
    monkeypatch.setattr(D, "SYSTEM_DIR", tmp_path / "none")
    monkeypatch.setattr(D, "keras_cache_dir", lambda: tmp_path / "no-cache")
    with pytest.raises(D.DataNotFoundError, match="apt-get install dataset-fashion-mnist"):
        D.find_fashion_mnist(tmp_path)


def test_missing_one_file_names_it(fake_files):
    folder, _ = fake_files
    (folder / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(D.DataNotFoundError, match="missing t10k-labels-idx1-ubyte"):
        D.find_fashion_mnist(folder)


def test_verify_folder_returns_the_checked_arrays(fake_files):
    folder, arrays = fake_files
    verified = D.verify_folder(folder)
    assert set(verified) == set(arrays)
    for stem, array in arrays.items():
        np.testing.assert_array_equal(verified[stem], array)


def test_verify_folder_names_a_missing_file(fake_files):
    folder, _ = fake_files
    (folder / "train-images-idx3-ubyte.gz").unlink()
    with pytest.raises(D.DataNotFoundError, match="train-images-idx3-ubyte"):
        D.verify_folder(folder)


def test_truncated_gzip_names_the_file(fake_files):
    folder, _ = fake_files
    path = folder / "train-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:500])
    with pytest.raises(D.DataIntegrityError) as err:
        D.load_raw(folder)
    assert "train-images-idx3-ubyte.gz" in str(err.value)
    assert "truncated" in str(err.value)


def test_wrong_checksum_is_refused(fake_files):
    folder, arrays = fake_files
    changed = arrays["train-labels-idx1-ubyte"].copy()
    changed[0] = 9
    with gzip.open(folder / "train-labels-idx1-ubyte.gz", "wb") as fh:
        fh.write(idx_bytes(changed))
    with pytest.raises(D.DataIntegrityError) as err:
        D.load_raw(folder)
    message = str(err.value)
    assert "train-labels-idx1-ubyte.gz" in message and "not the official" in message
    assert D.FASHION_FILES["train-labels-idx1-ubyte"][:16] in message


def test_wrong_magic_number():
    with pytest.raises(D.DataIntegrityError, match="magic number 00000d03"):
        D.parse_idx(bytes([0, 0, 13, 3]) + b"\x00" * 16, "bad.idx")


def test_truncated_payload_after_valid_header():
    raw = idx_bytes(np.zeros((3, 28, 28), dtype=np.uint8))[:-5]
    with pytest.raises(D.DataIntegrityError, match="truncated"):
        D.parse_idx(raw, "short.idx")


def test_split_scaling_and_subset(fake_files):
    folder, _ = fake_files
    data = D.load_data(data_dir=folder, n_train=40)
    assert len(data.x_val) == 20 and len(data.x_test) == 20
    assert len(data.x_train) == 40
    assert data.x_train.dtype == np.float32 and 0.0 <= data.x_train.min() and data.x_train.max() <= 1.0
    full = D.load_data(data_dir=folder)
    expected = np.bincount(full.y_train, minlength=10) * 40 / len(full.y_train)
    assert np.abs(np.bincount(data.y_train, minlength=10) - expected).max() < 1  # stratified
    again = D.load_data(data_dir=folder, n_train=40)
    assert np.array_equal(data.x_val, again.x_val)  # same split every time (random_state=42)


@pytest.mark.parametrize("n", [5, 10_000, 2.5, True])
def test_bad_subset_sizes_are_explained(fake_files, n):
    folder, _ = fake_files
    with pytest.raises(ValueError, match="n_train"):
        D.load_data(data_dir=folder, n_train=n)


def test_mnist_offline_error_is_clear(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    with pytest.raises(D.DataNotFoundError, match="mnist.npz"):
        D.load_data(dataset="mnist", download=False)


def test_unknown_dataset():
    with pytest.raises(ValueError, match="fashion_mnist"):
        D.load_data(dataset="cifar")


REAL = D.SYSTEM_DIR / "train-images-idx3-ubyte.gz"


@pytest.mark.skipif(not REAL.exists() and not os.environ.get("CI"),
                    reason="the system copy (apt-get install dataset-fashion-mnist) is not installed")
def test_real_fashion_mnist():
    """The official files: 60,000/10,000 images, 6,000 per class; CI must have them."""
    (x, y), (xt, yt), _ = D.load_raw(D.SYSTEM_DIR, download=False)
    assert x.shape == (60_000, 28, 28) and xt.shape == (10_000, 28, 28)
    assert np.bincount(y).tolist() == [6000] * 10 and np.bincount(yt).tolist() == [1000] * 10
    data = D.load_data(data_dir=D.SYSTEM_DIR, n_train=2000, download=False)
    assert (len(data.x_train), len(data.x_val), len(data.x_test)) == (2000, 12_000, 10_000)
