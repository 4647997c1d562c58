"""Model builders and the reproducibility switch."""

import keras
import numpy as np
import pytest

import dnncourse as dc


def test_baseline_matches_the_notes():
    model = dc.baseline_model()
    assert model.count_params() == 79_510
    assert [type(l).__name__ for l in model.layers] == ["Flatten", "Dense", "Dense"]
    assert model.output_shape == (None, 10)


def test_mlp_blocks_in_order():
    model = dc.mlp((64, 32), dropout=0.25, batch_norm=True, initializer="he_normal",
                   regularizer=keras.regularizers.L2(1e-4))
    kinds = [type(l).__name__ for l in model.layers]
    assert kinds == ["Flatten", "Dense", "BatchNormalization", "Activation", "Dropout",
                     "Dense", "BatchNormalization", "Activation", "Dropout", "Dense"]
    first = model.layers[1]
    assert not first.use_bias  # BN's beta replaces the bias
    assert isinstance(first.kernel_initializer, keras.initializers.HeNormal)
    assert first.kernel_regularizer is not None


def test_mlp_300_100_parameter_count():
    assert dc.mlp((300, 100)).count_params() == 784 * 300 + 300 + 300 * 100 + 100 + 1010


@pytest.mark.parametrize("kwargs, message", [({"hidden": ()}, "at least one"), ({"dropout": 1.0}, "dropout")])
def test_mlp_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        dc.mlp(**kwargs)


def _train_once(data, seed):
    dc.set_seed(seed)
    model = dc.compile_classifier(dc.mlp((16,)), optimizer="adam")
    history = model.fit(data.x_train, data.y_train, epochs=2, batch_size=32, verbose=0)
    return history.history["loss"], model.get_weights()


def test_same_seed_same_numbers(tiny_data):
    loss_a, weights_a = _train_once(tiny_data, 7)
    loss_b, weights_b = _train_once(tiny_data, 7)
    loss_c, _ = _train_once(tiny_data, 8)
    assert loss_a == loss_b
    assert all(np.array_equal(a, b) for a, b in zip(weights_a, weights_b))
    assert loss_a != loss_c
