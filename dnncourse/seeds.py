"""Reproducibility: one call seeds Python, NumPy and the Keras backend (lesson 01).

Why this is more than ``keras.utils.set_random_seed``: with Keras 3 on the
TensorFlow backend, ``fit(x, y, shuffle=True)`` on NumPy arrays builds a
``tf.data`` pipeline whose shuffle (``tf.random.shuffle`` inside a ``map``) has
an op seed fixed by TensorFlow's global seed. Keras starts a new iterator over
that pipeline every epoch, and a new iterator restarts the seeded op, so once a
global seed is set **every epoch visits the samples in the order of epoch 1**.
(Without a global seed the order changes, but runs are not reproducible.) The JAX
backend shuffles with NumPy's global generator, which moves on every epoch.

``set_seed`` therefore, on TensorFlow only, gives Keras' array pipeline a
seeded ``tf.random.Generator`` to draw each epoch's permutation from: its state
lives outside the iterator, so it moves on from epoch to epoch, and it is
re-created from the seed by every ``set_seed`` call, so the same seed gives the
same orders. ``tests/test_shuffle.py`` checks both properties on every backend.
"""

from __future__ import annotations

import keras
import numpy as np

_tf_generator = None  # the seeded source of epoch permutations on TensorFlow


def set_seed(seed: int, deterministic: bool = False) -> None:
    """Seed ``random``, NumPy and the backend, and make ``fit`` reshuffle every epoch.

    On a CPU the same seed then gives the same weights, the same sample order in
    every epoch and the same training numbers twice in a row. ``deterministic=True``
    also asks TensorFlow for deterministic kernels (slower; mostly matters on a GPU).
    """
    keras.utils.set_random_seed(int(seed))
    if keras.backend.backend() == "tensorflow":
        _reshuffle_every_epoch_on_tensorflow(int(seed))
        if deterministic:
            import tensorflow as tf  # TensorFlow-only: Keras has no equivalent switch
            tf.config.experimental.enable_op_determinism()


def _reshuffle_every_epoch_on_tensorflow(seed: int) -> None:
    """Draw the permutations of Keras' TF array pipeline from a seeded generator."""
    global _tf_generator
    import tensorflow as tf
    from keras.src.trainers.data_adapters.array_data_adapter import ArrayDataAdapter

    # Spread nearby seeds (0, 1, 2, ...) over unrelated generator states.
    mixed = int(np.random.SeedSequence(seed).generate_state(1, np.uint64)[0] >> 1)
    _tf_generator = tf.random.Generator.from_seed(mixed)
    if not getattr(ArrayDataAdapter.get_tf_dataset, "_reshuffles", False):
        ArrayDataAdapter.get_tf_dataset = _with_generator_shuffle(ArrayDataAdapter.get_tf_dataset)


def _with_generator_shuffle(get_tf_dataset):
    """Wrap Keras' pipeline builder so its ``tf.random.shuffle`` calls use our generator."""
    import tensorflow as tf

    def shuffle_from_generator(value, seed=None, name=None):
        keys = _tf_generator.uniform(tf.shape(value)[:1], dtype=tf.float64)
        return tf.gather(value, tf.argsort(keys))

    def build(adapter):
        plain = tf.random.shuffle
        tf.random.shuffle = shuffle_from_generator  # only while Keras traces its pipeline
        try:
            return get_tf_dataset(adapter)
        finally:
            tf.random.shuffle = plain

    build._reshuffles = True
    return build
