"""Lesson 08's search space: ``build_model(hp)``, shared by the lesson and ``dnncourse tune``.

Keras Tuner calls ``build_model`` with a ``HyperParameters`` object; every ``hp``
call declares one dimension of the space and returns this trial's value. Lesson 08
shows this code and searches it in one process; ``dnncourse tune`` searches the
same space with a chief and several workers. One definition, so both search the
same thing.
"""

from __future__ import annotations

import keras


def build_model(hp, decay_steps: int | None = None) -> keras.Model:
    """A compiled dense network for the hyperparameters in ``hp`` (lesson 08).

    ``decay_steps=None``: a constant learning rate (the searches). Otherwise the rate
    falls from its value to 0 along half a cosine over ``decay_steps`` gradient steps
    (lesson 06).
    """
    n_layers = hp.Int("layers", 1, 2)
    units = hp.Choice("units", [128, 256, 512])
    activation = hp.Choice("activation", ["relu", "elu", "tanh"])
    initializer = hp.Choice("initializer", ["glorot_uniform", "he_normal"])
    batch_norm = hp.Boolean("batch_norm")
    dropout = hp.Float("dropout", 0.0, 0.5, step=0.1)
    weight_decay = hp.Choice("weight_decay", [0.0, 1e-5, 1e-4])
    optimizer = hp.Choice("optimizer", ["adam", "rmsprop", "sgd"])
    learning_rate = hp.Float("learning_rate", 1e-4, 1e-2, sampling="log")

    model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten()], name="tuned_mlp")
    for i in range(1, n_layers + 1):
        regularizer = keras.regularizers.L2(weight_decay) if weight_decay > 0 else None
        if batch_norm:   # lesson 05: Dense without bias, batch normalization, then the activation
            model.add(keras.layers.Dense(units, use_bias=False, kernel_initializer=initializer,
                                         kernel_regularizer=regularizer, name=f"dense_{i}"))
            model.add(keras.layers.BatchNormalization(name=f"batch_norm_{i}"))
            model.add(keras.layers.Activation(activation, name=f"{activation}_{i}"))
        else:
            model.add(keras.layers.Dense(units, activation=activation, kernel_initializer=initializer,
                                         kernel_regularizer=regularizer, name=f"dense_{i}"))
        if dropout > 0:
            model.add(keras.layers.Dropout(dropout, name=f"dropout_{i}"))
    model.add(keras.layers.Dense(10, activation="softmax", name="output"))

    if decay_steps:
        learning_rate = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps)
    if optimizer == "adam":
        opt = keras.optimizers.Adam(learning_rate)
    elif optimizer == "rmsprop":
        opt = keras.optimizers.RMSprop(learning_rate)
    else:
        opt = keras.optimizers.SGD(learning_rate, momentum=0.9, nesterov=True)
    model.compile(optimizer=opt, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
