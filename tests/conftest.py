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
