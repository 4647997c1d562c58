"""Parameters, results, widgets and plots."""

import json

import keras
import matplotlib
import numpy as np
import pandas as pd
import pytest

import dnncourse as dc
from dnncourse import results, widgets
from dnncourse.params import ParameterError


def test_parameters_pass_and_convert():
    assert dc.check_parameters(epochs=3, n_train=None, seed=0) == {"epochs": 3, "n_train": None, "seed": 0}


@pytest.mark.parametrize("values, message", [
    ({"epochs": 0}, "epochs=0 is too small"),
    ({"epochs": 2.5}, "wrong type"),
    ({"epochs": True}, "wrong type"),
    ({"n_train": 60_000}, "too large"),
    ({"dataset": "cifar10"}, "one of 'fashion_mnist', 'mnist'"),
    ({"epoch": 3}, "Unknown parameter(s) epoch"),
])
def test_bad_parameters_are_explained(values, message):
    with pytest.raises(ParameterError) as err:
        dc.check_parameters(**values)
    assert message in str(err.value)


def test_record_and_load_results(tmp_path):
    summary = pd.DataFrame({"variant": ["baseline"], "val_accuracy_mean": [np.float32(0.875)],
                            "test_accuracy_std": [float("nan")]})
    path = dc.record_results("01_baseline", summary, tmp_path, params={"epochs": 5},
                             notes={"baseline": 0.8722})
    saved = json.loads(path.read_text())
    assert path == tmp_path / "results" / "01_baseline.json"
    row = saved["rows"][0]
    assert row["val_accuracy_mean"] == pytest.approx(0.875) and row["test_accuracy_std"] is None
    assert row["notes_figure"] == 0.8722 and saved["params"] == {"epochs": 5}
    assert saved["versions"]["keras"] == keras.__version__
    assert results.load_results(tmp_path)[0]["lesson"] == "01_baseline"


def test_record_results_needs_variants(tmp_path):
    with pytest.raises(ValueError, match="variant"):
        dc.record_results("x", [{"val_accuracy_mean": 1.0}], tmp_path)


def test_explore_headless_calls_once_with_defaults(monkeypatch, capsys):
    monkeypatch.setenv(widgets.HEADLESS_ENV, "1")
    calls = []
    dc.explore(lambda rate, name: calls.append((rate, name)), rate=(0.1, 0.9, 0.1), name=["a", "b"])
    assert calls == [(0.1, "a")]
    assert "headless" in capsys.readouterr().out


def test_explore_interactive_displays_live_controls(monkeypatch):
    import ipywidgets
    import IPython.display
    monkeypatch.delenv(widgets.HEADLESS_ENV, raising=False)
    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    calls = []
    returned = dc.explore(lambda n: calls.append(n), n=(1, 5))
    assert returned is None  # nothing for Jupyter to print under the panel
    assert calls == [3]  # ipywidgets starts a slider in the middle of its range
    (panel,) = shown
    assert isinstance(panel, ipywidgets.interactive)
    slider = panel.children[0]
    assert isinstance(slider, ipywidgets.IntSlider) and (slider.min, slider.max) == (1, 5)
    slider.value = 5  # a student moves the slider: the function runs again with the new value
    assert calls == [3, 5]


def test_plots_draw_what_they_are_given():
    assert matplotlib.get_backend().lower() == "agg"
    history = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "accuracy": [0.5, 0.7], "val_accuracy": [0.4, 0.6]}
    axes = dc.plot_history(history)
    assert len(axes) == 2 and len(axes[0].lines) == 2
    assert axes[0].lines[0].get_marker() == "o"  # few epochs: points are visible
    ax = dc.plot_histories({"x": history, "y": history}, "accuracy")
    assert [l.get_label() for l in ax.lines] == ["x, training", "x, validation", "y, training", "y, validation"]
    assert ax.lines[0].get_color() == ax.lines[1].get_color() == dc.colour_of("x") != dc.colour_of("y")
    histories = {("a", 0): history, ("a", 1): {**history, "val_loss": [1.3, 0.9]}, ("b", 0): history}
    ax = dc.plot_curves(histories, "val_loss")
    assert [l.get_label() for l in ax.lines] == ["a", "b"]
    assert np.allclose(ax.lines[0].get_ydata(), [1.2, 0.8])
    assert np.allclose(dc.mean_curve(histories, "a", "val_loss"), [1.2, 0.8])
    assert ax.lines[0].get_color() == dc.colour_of("a")
    summary = pd.DataFrame({"variant": ["a", "b"], "val_accuracy_mean": [0.8, 0.9], "val_accuracy_std": [0.01, 0.02]})
    ax = dc.plot_scores(summary)
    assert [p.get_height() for p in ax.patches] == pytest.approx([0.8, 0.9])
    images = np.zeros((5, 28, 28))
    fig = dc.show_images(images, np.arange(5), dc.data.FASHION_CLASSES, n=5, columns=5,
                         predictions=np.array([0, 1, 2, 0, 4]))
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[0] == "T-shirt/top" and titles[3] == "T-shirt/top\n(Dress)"
