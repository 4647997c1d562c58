"""Run by tests/test_shuffle.py in a fresh process per backend (KERAS_BACKEND is read at import).

Prints, as JSON, the first sample index of each epoch's first batches for
seeds 1, 1 and 2: fit() on x = the sample index, batch 100, 1,000 samples, 3 epochs.
"""

import json

import keras
import numpy as np

import dnncourse as dc

SEEN: list[int] = []


class RecordFirstSample(keras.layers.Layer):
    """Passes its input through and writes down the first value of each training batch."""

    def call(self, x):
        if isinstance(x, keras.KerasTensor):
            return x
        if keras.backend.backend() == "jax":  # eager values are tracers inside JAX's grad
            import jax
            jax.debug.callback(lambda v: SEEN.append(int(v[0, 0])), x)
        else:
            SEEN.append(int(keras.ops.convert_to_numpy(x)[0, 0]))
        return x


def epoch_orders(seed: int, epochs: int = 3, batches: int = 10) -> list[list[int]]:
    dc.set_seed(seed)
    SEEN.clear()
    model = keras.Sequential([keras.Input((1,)), RecordFirstSample(), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", run_eagerly=True)
    x = np.arange(1000, dtype="float32").reshape(-1, 1)
    model.fit(x, np.zeros_like(x), epochs=epochs, batch_size=100, shuffle=True, verbose=0)
    return [SEEN[e * batches:(e + 1) * batches] for e in range(epochs)]


if __name__ == "__main__":
    print(json.dumps({"backend": keras.backend.backend(),
                      "seed1": epoch_orders(1), "seed1_again": epoch_orders(1), "seed2": epoch_orders(2)}))
