"""The live training view: one line per epoch headless, in-place redraws in a notebook, same numbers."""

import keras
import numpy as np

import dnncourse as dc
from dnncourse import live


def tiny_model():
    model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                              keras.layers.Dense(8, activation="relu"), keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def fit(data, callbacks):
    dc.set_seed(0)
    return tiny_model().fit(data.x_train, data.y_train, validation_data=(data.x_val, data.y_val), epochs=3,
                            batch_size=50, verbose=0, callbacks=callbacks).history


def test_watching_does_not_change_the_numbers(tiny_data, monkeypatch):
    monkeypatch.setenv("DNNCOURSE_HEADLESS", "1")
    plain = fit(tiny_data, [])
    watched = fit(tiny_data, [dc.LiveView("watched")])
    assert plain.keys() == watched.keys()
    for key in plain:
        np.testing.assert_array_equal(plain[key], watched[key])


def test_headless_prints_one_line_per_epoch(tiny_data, monkeypatch, capsys):
    monkeypatch.setenv("DNNCOURSE_HEADLESS", "1")
    fit(tiny_data, [dc.LiveView("tiny")])
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("tiny: epoch")]
    assert [line.split()[2] for line in lines] == ["1/3", "2/3", "3/3"]
    assert all("val_accuracy" in line for line in lines)


class FakeHandle:
    def __init__(self):
        self.updates = 0

    def update(self, image):
        assert image.data.startswith(b"\x89PNG")
        self.updates += 1


def test_in_a_notebook_it_draws_one_figure_in_place_and_throttles(tiny_data, monkeypatch):
    shown = []
    handle = FakeHandle()

    def fake_display(image, display_id=False):
        assert display_id is True, "the figure must get a display id so that it can be updated in place"
        shown.append(image)
        return handle

    monkeypatch.setattr(live, "in_notebook", lambda: True)
    monkeypatch.setattr("IPython.display.display", fake_display)
    view = dc.LiveView("tiny", min_seconds=0.0, budget=float("inf"))
    fit(tiny_data, [view])
    assert len(shown) == 1 and handle.updates == 3  # epochs 2, 3 and the final "done" frame update the first

    shown.clear()
    handle.updates = 0
    slow = dc.LiveView("tiny", min_seconds=3600)  # draws epoch 1, then only the final frame
    fit(tiny_data, [slow])
    assert len(shown) == 1 and handle.updates == 1


def test_the_first_and_the_final_frame_draw_whatever_the_clock(tiny_data, monkeypatch):
    # perf_counter() counts from boot on Linux: a machine up for seconds or for weeks must draw alike.
    for uptime in (0.5, 30 * 24 * 3600.0):
        headings = []
        monkeypatch.setattr(live.time, "perf_counter", lambda: uptime)  # a clock that stands still
        monkeypatch.setattr(live, "in_notebook", lambda: True)
        view = dc.LiveView("tiny", min_seconds=60)
        monkeypatch.setattr(view, "draw", lambda heading: (headings.append(heading),
                                                           setattr(view, "last_draw", uptime)))
        fit(tiny_data, [view])
        assert headings == ["tiny: epoch 1 of 3", "tiny: done, 3 epoch(s)"], (uptime, headings)


def test_run_variants_titles_the_run_and_its_place(tiny_data, monkeypatch, capsys):
    monkeypatch.setenv("DNNCOURSE_HEADLESS", "1")
    dc.run_variants({"a": tiny_model, "b": tiny_model}, tiny_data, seeds=[0, 1], epochs=1, batch_size=50)
    out = capsys.readouterr().out
    for number, (name, seed) in enumerate([("a", 0), ("a", 1), ("b", 0), ("b", 1)], start=1):
        assert f"{name} · seed {seed} · run {number} of 4: epoch 1/1" in out
    dc.run_variants({"a": tiny_model}, tiny_data, seeds=[0], epochs=1, batch_size=50, live=False)
    assert "epoch 1/1" not in capsys.readouterr().out
