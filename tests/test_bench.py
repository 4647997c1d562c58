"""dnncourse bench: times the course's models per backend and writes a side-by-side table.

The numbers are never checked against a target (a benchmark, not a timed test);
only that every backend gave positive timings and that the tables are complete.
"""

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from dnncourse.tools import bench

BOTH = ["jax", "tensorflow"]
MISSING = [name for name in BOTH if importlib.util.find_spec(name) is None]


def no_worker(*args, **kwargs):
    raise AssertionError("a worker was started")


@pytest.mark.skipif(bool(MISSING), reason=f"backend not installed: {MISSING}")
def test_bench_times_both_backends_side_by_side(tmp_path, capsys):
    out = tmp_path / "bench"
    code = bench.main(["--quick", "--models", "baseline", "--epochs", "2", "--n-train", "500",
                       "--backends", *BOTH, "--out", str(out), "--peak-size", "512"])
    assert code == 0
    table = pd.read_csv(out / "bench.csv")
    assert sorted(table["backend"]) == BOTH
    assert (table["status"] == "ok").all()
    assert (table["model"] == "baseline").all() and (table["n_train"] == 500).all()
    for column in ["first_epoch_s", "warm_s_per_epoch", "peak_mib", "params", "gflop_per_epoch", "gflops",
                   "peak_gflops", "pct_of_peak"]:
        assert (table[column] > 0).all(), column
    assert (table["peak_n"] == 512).all()
    assert table["gflop_per_epoch"].tolist() == pytest.approx([(500 * 319_600 + 12_000 * 158_800) / 1e9] * 2)
    markdown = (out / "bench.md").read_text()
    assert "speed-up" in markdown and "jax warm s/epoch" in markdown and "tensorflow peak MiB" in markdown
    assert "jax GFLOP/s" in markdown and "tensorflow % of peak" in markdown
    assert "Measured FP32 peak: jax " in markdown and "512 x 512 float32" in markdown
    assert markdown.startswith("Machine: ") and "n_train 500, 2 epochs" in markdown
    assert markdown.strip() in capsys.readouterr().out


def test_unknown_model_is_refused_before_any_worker(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(bench.subprocess, "run", no_worker)
    with pytest.raises(SystemExit) as stop:
        bench.main(["--models", "baseline", "resnet", "--out", str(tmp_path / "bench")])
    assert stop.value.code == 2
    message = capsys.readouterr().err
    assert "resnet" in message
    assert all(name in message for name in bench.MODEL_NAMES)
    assert not (tmp_path / "bench").exists()


def test_one_epoch_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(bench.subprocess, "run", no_worker)
    with pytest.raises(SystemExit) as stop:
        bench.main(["--epochs", "1", "--out", str(tmp_path / "bench")])
    assert stop.value.code == 2
    assert "at least 2 epochs" in capsys.readouterr().err


@pytest.mark.skipif(importlib.util.find_spec("torch") is not None, reason="torch is installed")
def test_a_failed_worker_is_a_table_row_and_exit_1(tmp_path, capsys):
    out = tmp_path / "bench"
    code = bench.main(["--quick", "--models", "baseline", "--backends", "torch", "--out", str(out)])
    assert code == 1
    table = pd.read_csv(out / "bench.csv")
    assert table.loc[0, "status"].startswith("failed: ") and "torch" in table.loc[0, "status"]
    assert "failed: " in (out / "bench.md").read_text()
    assert "Traceback" not in capsys.readouterr().out
    assert "Traceback" in (out / "logs" / "torch-baseline.log").read_text()  # the details stay in the log


def small_model():
    import keras
    return keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                             keras.layers.Dense(100, activation="relu"),
                             keras.layers.Dense(10, activation="softmax")])


def test_flops_of_a_small_model_are_the_hand_count():
    forward = 2 * 784 * 100 + 2 * 100 * 10  # one multiply and one add per weight and sample
    # training: the forward again for each weight gradient; the input gradient of the second
    # layer only (the first layer's input is the data)
    training = forward + (2 * 784 * 100) + (2 * 100 * 10) * 2
    assert bench.dense_flops(small_model()) == (forward, training) == (158_800, 319_600)
    assert bench.epoch_flops(small_model(), 500, 12_000) == 500 * 319_600 + 12_000 * 158_800


def test_flops_count_the_course_models_from_their_layers():
    forward, training = bench.dense_flops(bench.build_deep())
    widths = [784, 512, 512, 256, 256, 128, 128, 10]
    macs = [a * b for a, b in zip(widths, widths[1:])]
    assert forward == 2 * sum(macs)
    assert training == 3 * forward - 2 * macs[0]
    assert bench.dense_flops(bench.build_batch_norm()) == bench.dense_flops(bench.build_300_100())


def test_flops_refuse_a_layer_they_do_not_count():
    import keras
    conv = keras.Sequential([keras.Input(shape=(28, 28, 1)), keras.layers.Conv2D(4, 3),
                             keras.layers.Flatten(), keras.layers.Dense(10)])
    with pytest.raises(ValueError, match="Conv2D"):
        bench.dense_flops(conv)


def test_the_peak_is_measured_and_positive():
    peak = bench.matmul_peak(n=32, repeats=2)
    assert peak["peak_gflops"] > 0 and peak["peak_median_gflops"] > 0
    assert peak["peak_gflops"] >= peak["peak_median_gflops"]
    assert (peak["peak_n"], peak["peak_repeats"]) == (32, 2)


def fake_row(backend, model, warm, gflop, peak):
    return {"backend": backend, "model": model, "batch_size": 128, "status": "ok", "warm_s_per_epoch": warm,
            "first_epoch_s": 2 * warm, "peak_mib": 1000.0, "gflop_per_epoch": gflop, "gflops": gflop / warm,
            "peak_gflops": peak, "pct_of_peak": 100 * gflop / warm / peak, "peak_n": 2048, "peak_repeats": 5}


def test_the_report_has_gflops_and_share_of_the_measured_peak(monkeypatch):
    monkeypatch.setattr(bench.subprocess, "run", no_worker)
    results = pd.DataFrame([fake_row("jax", "deep", 2.0, 200.0, 200.0), fake_row("tensorflow", "deep", 4.0, 200.0, 160.0),
                            fake_row("jax", "300-100", 0.5, 50.0, 190.0),
                            fake_row("tensorflow", "300-100", 1.0, 50.0, 170.0)])
    table = bench.side_by_side(results, BOTH).set_index("model")
    assert table.loc["deep", "GFLOP/epoch"] == "200.0"
    assert table.loc["deep", "jax GFLOP/s"] == "100.0" and table.loc["deep", "jax % of peak"] == "50.0"
    assert table.loc["deep", "tensorflow GFLOP/s"] == "50.0"
    assert table.loc["deep", "tensorflow % of peak"] == "31.2"
    markdown = bench.markdown_report(results, BOTH, "test machine")
    assert "jax GFLOP/s" in markdown and "tensorflow GFLOP/s" in markdown
    assert "jax % of peak" in markdown and "GFLOP/epoch" in markdown
    line = next(line for line in markdown.splitlines() if line.startswith("Measured FP32 peak"))
    assert "jax 195 GFLOP/s (median of 2 workers, 190 to 200)" in line
    assert "tensorflow 165 GFLOP/s (median of 2 workers, 160 to 170)" in line
    assert "keras.ops.matmul" in line and "2,048 x 2,048 float32" in line and "same threads" in line


def test_help_says_how_the_peak_is_measured():
    import argparse
    parser = argparse.ArgumentParser(prog="dnncourse bench")
    bench.add_arguments(parser)
    text = " ".join(parser.format_help().split())
    for words in ["GFLOP/s", "% of peak", "measured on the spot", "same backend with the same threads",
                  "keras.ops.matmul", "float32", "Not a spec sheet", "--peak-size"]:
        assert words in text, words
    assert parser.parse_args([]).peak_size == bench.PEAK_SIZE
    assert "measured on the spot" in bench.__doc__ and "not a spec sheet" in bench.__doc__.lower()


def test_the_module_imports_only_the_standard_library_at_its_top_level():
    """The CLI imports bench to build its --help; pandas, tqdm and Keras wait for run()."""
    import ast
    import sys
    tree = ast.parse(Path(bench.__file__).read_text())
    names = set()
    for node in tree.body:  # module level only (an `if TYPE_CHECKING:` block is never run)
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
    assert names and names <= set(sys.stdlib_module_names) | {"__future__"}, names - set(sys.stdlib_module_names)
