"""Reproducibility: one call seeds Python, NumPy and the Keras backend."""

from __future__ import annotations

import keras


def set_seed(seed: int, deterministic: bool = False) -> None:
    """Seed ``random``, NumPy and TensorFlow; optionally make TF ops deterministic.

    On a CPU the same seed then gives the same weights and the same training
    numbers twice in a row. ``deterministic=True`` also asks TensorFlow for
    deterministic kernels (slower; mostly matters on a GPU).
    """
    keras.utils.set_random_seed(int(seed))
    if deterministic and keras.backend.backend() == "tensorflow":
        import tensorflow as tf  # TensorFlow-only: Keras has no equivalent switch
        tf.config.experimental.enable_op_determinism()
