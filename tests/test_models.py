"""The baseline model and the reproducibility switch."""

import keras
import numpy as np
import pytest

import dnncourse as dc


def test_baseline_matches_the_notes():
    model = dc.baseline_model()
    assert model.count_params() == 79_510
    assert [type(l).__name__ for l in model.layers] == ["Flatten", "Dense", "Dense"]
    assert model.output_shape == (None, 10)


def _train_once(data, seed):
    dc.set_seed(seed)
    model = dc.baseline_model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    history = model.fit(data.x_train, data.y_train, epochs=2, batch_size=32, verbose=0)
    return history.history["loss"], model.get_weights()


def test_same_seed_same_numbers(tiny_data):
    loss_a, weights_a = _train_once(tiny_data, 7)
    loss_b, weights_b = _train_once(tiny_data, 7)
    loss_c, _ = _train_once(tiny_data, 8)
    assert loss_a == loss_b
    assert all(np.array_equal(a, b) for a, b in zip(weights_a, weights_b))
    assert loss_a != loss_c
