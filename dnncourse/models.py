"""The notes' baseline model (lesson 01), reused by the later lessons as their reference."""

from __future__ import annotations

import keras

IMAGE_SHAPE = (28, 28)
NUM_CLASSES = 10


def baseline_model(name: str = "baseline") -> keras.Model:
    """Flatten -> Dense(100, relu) -> Dense(10, softmax): 79,510 parameters, uncompiled (lesson 01)."""
    return keras.Sequential([
        keras.Input(shape=IMAGE_SHAPE),
        keras.layers.Flatten(),
        keras.layers.Dense(100, activation="relu", name="hidden"),
        keras.layers.Dense(NUM_CLASSES, activation="softmax", name="output"),
    ], name=name)
