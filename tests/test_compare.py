"""run_variants: fresh models per seed, the tidy table, the summary and the test evaluation."""

import keras
import numpy as np
import pandas as pd
import pytest

import dnncourse as dc


def tiny_model():
    return keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                             keras.layers.Dense(8, activation="relu"),
                             keras.layers.Dense(10, activation="softmax")])


def compiled(optimizer):
    model = tiny_model()
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def build_small():
    return compiled("adam")


def build_sgd():
    return compiled("sgd")


def test_table_has_one_row_per_run(tiny_data):
    result = dc.run_variants({"adam": build_small, "sgd": build_sgd}, tiny_data,
                             seeds=[0, 1], epochs=2, batch_size=50, keep_models=True)
    table = result.table
    assert list(table["variant"]) == ["adam", "adam", "sgd", "sgd"]
    assert list(table["seed"]) == [0, 1, 0, 1]
    assert (table["epochs"] == 2).all() and table["best_epoch"].between(1, 2).all()
    assert set(result.histories) == {("adam", 0), ("adam", 1), ("sgd", 0), ("sgd", 1)}
    assert len(result.histories[("sgd", 1)]["val_loss"]) == 2
    # a fresh model per run: no two kept models are the same object
    assert len({id(m) for m in result.models.values()}) == 4
    # seeds really differ
    a0, a1 = (result.histories[("adam", s)]["loss"] for s in (0, 1))
    assert a0 != a1


def test_summary_and_test_evaluation(tiny_data):
    result = dc.run_variants({"adam": build_small}, tiny_data, seeds=[0, 1], epochs=1,
                             batch_size=50, keep_models=True)
    held = result.table
    returned = result.evaluate_test(tiny_data)
    assert "test_accuracy" not in held  # a table taken before is not changed behind the lesson's back
    assert returned is result.table
    summary = result.summary()
    row = summary.iloc[0]
    assert row["variant"] == "adam" and row["n_seeds"] == 2
    runs = result.table["test_accuracy"]
    assert row["test_accuracy_mean"] == pytest.approx(runs.mean())
    assert row["test_accuracy_std"] == pytest.approx(runs.std(ddof=1))
    model = result.models[("adam", 0)]
    expected = model.evaluate(tiny_data.x_test, tiny_data.y_test, verbose=0)[1]
    assert runs.iloc[0] == pytest.approx(expected)


def test_variant_fit_kwargs_and_fresh_callbacks(tiny_data):
    made = []

    def callbacks():
        made.append(keras.callbacks.EarlyStopping(monitor="val_loss", patience=0))
        return [made[-1]]

    variant = dc.Variant(build_small, fit_kwargs={"epochs": 3, "callbacks": callbacks})
    result = dc.run_variants({"es": variant}, tiny_data, seeds=[0, 1], epochs=10, batch_size=50)
    assert len(made) == 2 and made[0] is not made[1]
    assert (result.table["epochs"] <= 3).all()


def test_uncompiled_model_is_explained(tiny_data):
    with pytest.raises(ValueError, match="compiled model"):
        dc.run_variants({"raw": tiny_model}, tiny_data, epochs=1)


def test_evaluate_test_only_for_chosen_variants(tiny_data):
    result = dc.run_variants({"adam": build_small, "sgd": build_sgd}, tiny_data, seeds=[0],
                             epochs=1, batch_size=50, keep_models=True)
    table = result.evaluate_test(tiny_data, variants=["sgd"])
    by_name = table.set_index("variant")["test_accuracy"]
    assert np.isnan(by_name["adam"]) and 0.0 <= by_name["sgd"] <= 1.0
    with pytest.raises(ValueError, match="No variant named rmsprop"):
        result.evaluate_test(tiny_data, variants=["rmsprop"])


def _summary(means, stds, seeds=3, column="val_accuracy"):
    return pd.DataFrame({"variant": list("abcd")[:len(means)], "n_seeds": seeds,
                         f"{column}_mean": means, f"{column}_std": stds})


def test_mean_std_formats_numbers_and_series():
    assert dc.mean_std(0.87734, 0.00196) == "0.8773 ± 0.0020"
    assert dc.mean_std(0.5, float("nan"), digits=2) == "0.50 ± 0.00"
    assert dc.mean_std(None, None) == "–"
    assert list(dc.mean_std(pd.Series([0.1, 0.2]), pd.Series([0.01, 0.02]), 2)) == ["0.10 ± 0.01", "0.20 ± 0.02"]
    table = dc.format_summary(_summary([0.85, 0.86], [0.005, 0.006]))
    assert list(table.columns) == ["variant", "n_seeds", "val_accuracy"]
    assert table.loc[1, "val_accuracy"] == "0.8600 ± 0.0060"


def test_merge_comparisons(tiny_data):
    first = dc.run_variants({"adam": build_small}, tiny_data, seeds=[0], epochs=1, batch_size=50, keep_models=True)
    second = dc.run_variants({"sgd": build_sgd}, tiny_data, seeds=[0], epochs=1, batch_size=50, keep_models=True)
    merged = dc.merge_comparisons(first, second)
    assert list(merged.table["variant"]) == ["adam", "sgd"]
    assert set(merged.histories) == set(merged.models) == {("adam", 0), ("sgd", 0)}
    with pytest.raises(ValueError, match="adam"):
        dc.merge_comparisons(first, first)


def test_summary_without_test_column_and_single_seed():
    table = pd.DataFrame({"variant": ["x"], "seed": [0], "epochs": [3], "best_epoch": [2],
                          "val_accuracy": [0.8], "best_val_accuracy": [0.81], "min_val_loss": [0.5],
                          "seconds_per_epoch": [1.0]})
    summary = dc.summarize(table)
    assert "test_accuracy_mean" not in summary
    assert summary.loc[0, "val_accuracy_std"] == 0.0


def test_summary_of_runs_without_validation():
    # e.g. a final model trained on train + validation: only test scores exist
    table = pd.DataFrame({"variant": ["final"] * 3, "seed": [0, 1, 2], "epochs": [30] * 3,
                          "test_accuracy": [0.90, 0.91, 0.92], "seconds_per_epoch": [3.0, 3.2, 3.4]})
    summary = dc.summarize(table)
    row = summary.iloc[0]
    assert row["n_seeds"] == 3 and row["epochs"] == 30
    assert row["test_accuracy_mean"] == pytest.approx(0.91) and row["test_accuracy_std"] == pytest.approx(0.01)
    assert "val_accuracy_mean" not in summary and "best_epoch_mean" not in summary
