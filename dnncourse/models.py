"""Model builders: the notes' baseline and a general multi-layer perceptron."""

from __future__ import annotations

from typing import Sequence

import keras

IMAGE_SHAPE = (28, 28)
NUM_CLASSES = 10


def baseline_model(name: str = "baseline") -> keras.Model:
    """Flatten -> Dense(100, relu) -> Dense(10, softmax): 79,510 parameters."""
    return keras.Sequential([
        keras.Input(shape=IMAGE_SHAPE),
        keras.layers.Flatten(),
        keras.layers.Dense(100, activation="relu", name="hidden"),
        keras.layers.Dense(NUM_CLASSES, activation="softmax", name="output"),
    ], name=name)


def mlp(hidden: Sequence[int] = (100,), activation: str = "relu", dropout: float = 0.0,
        batch_norm: bool = False, initializer: str = "glorot_uniform",
        regularizer: keras.regularizers.Regularizer | None = None,
        name: str = "mlp") -> keras.Model:
    """A dense network for 28x28 images.

    Each hidden block is Dense -> [BatchNormalization] -> activation -> [Dropout].
    With ``batch_norm`` the Dense layer has no bias (BN's beta plays that role) and
    the activation comes after the normalization, as in the original BN paper.
    """
    if not hidden:
        raise ValueError("hidden must list at least one layer size, e.g. hidden=(100,).")
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout is a fraction of units to drop, 0 <= dropout < 1; got {dropout}.")
    layers = [keras.Input(shape=IMAGE_SHAPE), keras.layers.Flatten()]
    for i, units in enumerate(hidden, start=1):
        layers.append(keras.layers.Dense(
            units, use_bias=not batch_norm, kernel_initializer=initializer,
            kernel_regularizer=regularizer, name=f"dense_{i}"))
        if batch_norm:
            layers.append(keras.layers.BatchNormalization(name=f"bn_{i}"))
        layers.append(keras.layers.Activation(activation, name=f"{activation}_{i}"))
        if dropout:
            layers.append(keras.layers.Dropout(dropout, name=f"dropout_{i}"))
    layers.append(keras.layers.Dense(NUM_CLASSES, activation="softmax", name="output"))
    return keras.Sequential(layers, name=name)


def compile_classifier(model: keras.Model, optimizer="adam", **kwargs) -> keras.Model:
    """Compile with the loss and metric every lesson uses; returns the model."""
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], **kwargs)
    return model
