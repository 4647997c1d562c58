"""TensorBoard logs written by run_variants when asked, read back with TensorBoard's own event reader.

Lesson 07's own logs and ``dnncourse run --tensorboard`` are checked on the course run
(tests/test_course_run.py), with ``scalars`` from here."""

from pathlib import Path

import keras
import numpy as np
import dnncourse as dc
from dnncourse.switches import TENSORBOARD_DIR as TENSORBOARD_ENV


def scalars(folder: Path) -> dict[str, list[float]]:
    """Every scalar TensorBoard finds in one run folder (Keras writes them as tensor summaries)."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    from tensorboard.util.tensor_util import make_ndarray

    events = EventAccumulator(str(folder), size_guidance={"tensors": 0, "scalars": 0})
    events.Reload()
    found = {tag: [e.value for e in events.Scalars(tag)] for tag in events.Tags()["scalars"]}
    for tag in events.Tags()["tensors"]:
        values = [make_ndarray(e.tensor_proto) for e in events.Tensors(tag)]
        if all(v.dtype.kind == "f" and v.size == 1 for v in values):  # skip the model's config (text)
            found[tag] = [float(v) for v in values]
    return found


def tiny_model():
    model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                              keras.layers.Dense(8, activation="relu"), keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def test_run_variants_logs_each_run_when_asked(tiny_data, tmp_path, monkeypatch):
    monkeypatch.setenv("DNNCOURSE_HEADLESS", "1")
    monkeypatch.setenv(TENSORBOARD_ENV, str(tmp_path))
    comparison = dc.run_variants({"a/b": tiny_model}, tiny_data, seeds=[0, 1], epochs=3, batch_size=50)
    for seed in (0, 1):
        train = scalars(tmp_path / "a-b" / f"seed-{seed}" / "train")
        validation = scalars(tmp_path / "a-b" / f"seed-{seed}" / "validation")
        np.testing.assert_allclose(train["epoch_loss"], comparison.histories[("a/b", seed)]["loss"], rtol=1e-5)
        np.testing.assert_allclose(validation["epoch_accuracy"],
                                   comparison.histories[("a/b", seed)]["val_accuracy"], rtol=1e-5)


def test_nothing_is_logged_unless_asked(tiny_data, tmp_path, monkeypatch):
    monkeypatch.setenv("DNNCOURSE_HEADLESS", "1")
    monkeypatch.delenv(TENSORBOARD_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    dc.run_variants({"a": tiny_model}, tiny_data, seeds=[0], epochs=1, batch_size=50)
    assert not list(tmp_path.rglob("events.out.tfevents*"))
