"""Shared fixtures: headless plotting, no downloads, tiny synthetic data."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ["DNNCOURSE_NO_DOWNLOAD"] = "1"  # tests never depend on a download

import numpy as np
import pytest

from dnncourse.data import FASHION_CLASSES, Dataset


@pytest.fixture
def tiny_data() -> Dataset:
    """200/100/100 random 28x28 images with labels that depend on brightness (learnable)."""
    rng = np.random.default_rng(0)

    def make(n):
        y = rng.integers(0, 10, n)
        x = rng.random((n, 28, 28), dtype=np.float32) * 0.2 + y[:, None, None] / 12.0
        return x.astype("float32"), y.astype("int64")

    x_train, y_train = make(200)
    x_val, y_val = make(100)
    x_test, y_test = make(100)
    return Dataset(x_train, y_train, x_val, y_val, x_test, y_test, FASHION_CLASSES, "synthetic")


@pytest.fixture(scope="session")
def fashion_mnist_folder():
    """The folder holding Fashion-MNIST, found once per session without reading the files.

    ``load_data`` checks the SHA-256 of what it loads; deciding whether a test can run
    only needs to know that the four files are there.
    """
    from dnncourse import data

    try:
        return data.find_fashion_mnist(download=False)[1]
    except data.DataError as err:
        pytest.skip(f"Fashion-MNIST is not on this machine: {str(err).splitlines()[0]} (dnncourse data says how)")


@pytest.fixture
def no_kernel(monkeypatch):
    """Fail the test if anything starts a notebook kernel (papermill) while it runs."""
    import papermill

    def refuse(*args, **kwargs):
        raise AssertionError("a kernel was started")

    monkeypatch.setattr(papermill, "execute_notebook", refuse)
