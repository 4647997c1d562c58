"""Lesson 05's exercises: no guess passes, the right answer does, and no wrong-answer message gives it away."""

import math

import numpy as np
import pandas as pd
import pytest

from guesses import GUESSES, labels_need_their_facts, wrong
from graded_checks import checks_as_graded  # noqa: F401 - every test also runs as graded
from dnncourse.data import FASHION_CLASSES, Dataset
from dnncourse.exercises import CHECKS, check
from dnncourse.exercises.expect import NotAnswered
from dnncourse.verdicts import paired_verdict

PLAIN, WITH_BN, METRIC = "Glorot lr=0.1", "Glorot + BN lr=0.1", "val_accuracy_epoch_1"


def unanswered(capsys, monkeypatch, exercise, answer, **context):
    monkeypatch.delenv("DNNCOURSE_STRICT_CHECKS", raising=False)
    monkeypatch.delenv("DNNCOURSE_CHECK_LOG", raising=False)
    check(exercise, answer, **context)
    out = capsys.readouterr().out
    assert out.startswith(f"Exercise {exercise} ✏️"), out
    return out


# --- 05.1: the weight the starting value keeps after one epoch -------------------------------------

def images(n):
    """A Dataset with n training images (zeros, broadcast: only their number matters here)."""
    x = np.broadcast_to(np.zeros((1, 28, 28), dtype="float32"), (n, 28, 28))
    y = np.zeros(n, dtype="int64")
    return Dataset(x, y, x[:10], y[:10], x[:10], y[:10], FASHION_CLASSES, "synthetic")


def bn_layer_with(momentum=None):
    import keras

    bn = keras.layers.BatchNormalization(name="bn_1") if momentum is None else \
        keras.layers.BatchNormalization(momentum=momentum, name="bn_1")
    model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                              keras.layers.Dense(8, use_bias=False, name="dense_1"), bn,
                              keras.layers.Activation("relu", name="relu_1")])
    return model.get_layer("bn_1")


@pytest.fixture(scope="module", params=[(48_000, None), (2_000, None), (2_000, 0.9)],
                ids=["full", "smoke", "smoke-momentum-0.9"])
def memory(request):
    n, momentum = request.param
    return {"data": images(n), "batch_size": 128, "bn_layer": bn_layer_with(momentum)}


def right_weight(data, batch_size, bn_layer):
    return bn_layer.momentum ** int(np.ceil(len(data.x_train) / batch_size))


def leaks_weight(message, context):
    value = right_weight(**context)
    return any(text in message for text in (f"{value:.3g}", f"{value:.4f}", f"{value:.6f}"))


@pytest.mark.parametrize("guess", GUESSES)
def test_05_1_guesses_do_not_pass(guess, memory):
    assert not leaks_weight(wrong("05.1", guess, **memory), memory)


def test_05_1_near_misses_are_wrong_without_the_answer(memory):
    n, b, m = len(memory["data"].x_train), memory["batch_size"], float(memory["bn_layer"].momentum)
    steps = math.ceil(n / b)
    expected = right_weight(**memory)
    misses = {
        "1 - m^steps": 1 - expected,
        "steps not rounded": m ** (n / b),
        "steps rounded down": m ** (n // b),
        "(1 - m)^steps": (1 - m) ** steps,
        "per image": m ** n,
        "the steps": steps,
        "the momentum": m,
        "one step more": m ** (steps + 1),
        "one step less": m ** (steps - 1),
        "Keras' default momentum typed in": 0.99 ** steps,
        "05.2's momentum typed in": 0.9 ** steps,
        "the other batch size": m ** math.ceil(n / 32),
    }
    checked = 0
    for name, value in misses.items():
        if math.isclose(value, expected, rel_tol=1e-4):   # e.g. 48,000 / 128 has no remainder to round
            continue
        message = wrong("05.1", value, **memory)
        assert not leaks_weight(message, memory), name
        checked += 1
    assert checked >= 9
    wrong("05.1", -expected, **memory)   # its message echoes the student's own number, so no leak test


def test_05_1_the_slips_get_their_own_message():
    context = {"data": images(2_000), "batch_size": 128, "bn_layer": bn_layer_with()}
    assert "round the division up" in wrong("05.1", 0.99 ** (2000 / 128), **context)
    assert "rounded the steps down" in wrong("05.1", 0.99 ** 15, **context)
    assert "1 − m^steps" in wrong("05.1", 1 - 0.99 ** 16, **context)
    assert "practically 0" in wrong("05.1", 0.01 ** 16, **context)
    assert "after every batch" in wrong("05.1", 0.99, **context)


def test_05_1_a_string_or_an_array_is_wrong(memory):
    value = right_weight(**memory)
    wrong("05.1", str(value), **memory)
    wrong("05.1", np.array([value]), **memory)
    wrong("05.1", [value], **memory)


def test_05_1_right_answer_passes(memory):
    value = right_weight(**memory)
    steps = math.ceil(len(memory["data"].x_train) / memory["batch_size"])
    assert f"{steps} steps" in CHECKS["05.1"](value, **memory)
    CHECKS["05.1"](np.float32(value), **memory)                      # a NumPy number is a number
    CHECKS["05.1"](float(f"{value:.6g}"), **memory)                  # six digits are enough


def test_05_1_the_answer_follows_the_profile():
    full = {"data": images(48_000), "batch_size": 128, "bn_layer": bn_layer_with()}
    smoke = {"data": images(2_000), "batch_size": 128, "bn_layer": bn_layer_with()}
    assert "mostly data" in CHECKS["05.1"](right_weight(**full), **full)
    assert "starting values" in CHECKS["05.1"](right_weight(**smoke), **smoke)
    wrong("05.1", right_weight(**full), **smoke)
    wrong("05.1", right_weight(**smoke), **full)


def test_05_1_the_stub_is_unanswered(capsys, monkeypatch, memory):
    unanswered(capsys, monkeypatch, "05.1", ..., **memory)


# --- 05.2: build_he_bn() ----------------------------------------------------------------------------

def he_bn(units=(256, 128, 64), bias=False, init="he_uniform", momentum=0.9, order="dense-bn-relu",
          relu="activation", output="softmax", optimizer="sgd momentum", loss="sparse_categorical_crossentropy",
          compiled=True, flatten=True):
    import keras

    layers = [keras.Input(shape=(28, 28)), keras.layers.Flatten()] if flatten else [keras.Input(shape=(784,))]
    for i, width in enumerate(units, start=1):
        dense = keras.layers.Dense(width, use_bias=bias, kernel_initializer=init,
                                   activation="relu" if order == "dense(relu)-bn" else None)
        bn = keras.layers.BatchNormalization(**({} if momentum is None else {"momentum": momentum}))
        act = keras.layers.ReLU() if relu == "ReLU" else keras.layers.Activation("relu")
        if order == "dense-bn-relu":
            layers += [dense, bn, act]
        elif order == "dense-relu-bn":
            layers += [dense, act, bn]
        elif order == "dense(relu)-bn":
            layers += [dense, bn]
        elif order == "no bn in the last":
            layers += [dense, bn, act] if i < len(units) else [dense, act]
    layers.append(keras.layers.Dense(10, activation=output))
    model = keras.Sequential(layers)
    if compiled:
        if optimizer == "sgd momentum":
            optimizer = keras.optimizers.SGD(learning_rate=0.01, momentum=0.9)
        elif optimizer == "adam":
            optimizer = keras.optimizers.Adam(learning_rate=0.01)
        elif optimizer == "sgd lr 0.1":
            optimizer = keras.optimizers.SGD(learning_rate=0.1, momentum=0.9)
        model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"])
    return model


def right_he_bn():
    return he_bn()


@pytest.mark.parametrize("guess", GUESSES)
def test_05_2_guesses_do_not_pass(guess):
    wrong("05.2", guess)


NEAR_MISSES_2 = {
    "Keras' default BN momentum": dict(momentum=None),
    "BN momentum 0.99": dict(momentum=0.99),
    "Glorot": dict(init="glorot_uniform"),
    "with biases": dict(bias=True),
    "BN after the activation": dict(order="dense-relu-bn"),
    "Dense(relu) then BN": dict(order="dense(relu)-bn"),
    "one hidden layer without BN": dict(order="no bn in the last"),
    "two hidden layers": dict(units=(256, 128)),
    "no softmax": dict(output=None),
    "the string sgd": dict(optimizer="sgd"),
    "Adam": dict(optimizer="adam"),
    "learning rate 0.1": dict(optimizer="sgd lr 0.1"),
    "categorical cross-entropy": dict(loss="categorical_crossentropy"),
    "not compiled": dict(compiled=False),
    "flat input": dict(flatten=False),
}


@pytest.fixture(scope="module")
def right_count():
    model = right_he_bn()
    return f"{sum(int(math.prod(w.shape)) for w in model.trainable_weights):,}"


@pytest.mark.parametrize("name", list(NEAR_MISSES_2))
def test_05_2_near_misses_are_wrong_without_the_answer(name, right_count):
    kwargs = NEAR_MISSES_2[name]
    message = wrong("05.2", lambda: he_bn(**kwargs))
    assert right_count not in message and "non-trainable" not in message, name


def test_05_2_a_model_instead_of_the_function_is_wrong():
    assert "not a model" in wrong("05.2", right_he_bn())


def test_05_2_right_answer_passes(right_count):
    message = CHECKS["05.2"](right_he_bn)
    assert right_count in message and "2 × (256 + 128 + 64)" in message


def test_05_2_a_relu_layer_passes_as_well():
    CHECKS["05.2"](lambda: he_bn(relu="ReLU"))


def test_05_2_the_stub_is_unanswered(capsys, monkeypatch):
    def build_he_bn():
        ...   # build, compile and return the model

    with pytest.raises(NotAnswered):
        CHECKS["05.2"](build_he_bn)
    unanswered(capsys, monkeypatch, "05.2", build_he_bn)
    unanswered(capsys, monkeypatch, "05.2", ...)


# --- 05.3: BN against no BN at η = 0.1, after the first epoch ---------------------------------------

DELTAS = {"better": (0.081, 0.064, 0.093), "undecided": (0.012, -0.010, 0.004), "worse": (-0.041, -0.055, -0.036)}


def runs_table(deltas):
    rows = []
    for seed, delta in enumerate(deltas):
        start = 0.70 + 0.01 * seed
        for variant, epoch_1, final in [
            ("Glorot", 0.78 + 0.005 * seed, 0.875 + 0.002 * seed),
            ("Glorot + BN", 0.80 + 0.004 * seed + 0.003 * (seed == 1), 0.884 + 0.001 * seed),
            (PLAIN, start, 0.86 + 0.003 * seed),
            (WITH_BN, start + delta, 0.885 + 0.004 * seed - 0.002 * (seed == 2)),
        ]:
            rows.append({"variant": variant, "seed": seed, "val_accuracy": final, METRIC: epoch_1})
    return pd.DataFrame(rows)


def right_3(table):
    v = paired_verdict(table, WITH_BN, PLAIN, METRIC, higher_is_better=True)
    return {key: v[key] for key in ("difference", "low", "high", "label")}


@pytest.fixture(params=list(DELTAS))
def runs(request):
    table = runs_table(DELTAS[request.param])
    assert right_3(table)["label"] == request.param
    return table


def leaks_verdict(message, right):
    return any(f"{right[key]:+.4f}" in message or f"{right[key]:.4f}" in message
               for key in ("difference", "low", "high"))


@pytest.mark.parametrize("guess", GUESSES)
def test_05_3_guesses_do_not_pass(guess, runs):
    assert not leaks_verdict(wrong("05.3", guess, table=runs), right_3(runs))


def test_05_3_the_labels_need_their_facts(runs):
    labels_need_their_facts("05.3", right_3(runs), table=runs)


def verdict_dict(table, variant, reference, metric):
    v = paired_verdict(table, variant, reference, metric, higher_is_better=True)
    return {key: v[key] for key in ("difference", "low", "high", "label")}


def test_05_3_near_misses_are_wrong_without_the_answer(runs):
    right = right_3(runs)
    by_seed = runs.pivot(index="seed", columns="variant", values=METRIC)
    bn, plain = by_seed[WITH_BN].to_numpy(), by_seed[PLAIN].to_numpy()
    from scipy import stats

    t = stats.t.ppf(0.975, 2)
    z_half = 1.96 * (right["high"] - right["difference"]) / t
    unpaired_half = stats.t.ppf(0.975, 4) * math.sqrt(bn.var(ddof=1) / 3 + plain.var(ddof=1) / 3)
    misses = {
        "final accuracy": verdict_dict(runs, WITH_BN, PLAIN, "val_accuracy"),
        "the lesson's default rate": verdict_dict(runs, "Glorot + BN", "Glorot", METRIC),
        "no BN minus BN": verdict_dict(runs, PLAIN, WITH_BN, METRIC),
        "z, not t": {**right, "low": right["difference"] - z_half, "high": right["difference"] + z_half},
        "unpaired interval": {**right, "low": right["difference"] - unpaired_half,
                              "high": right["difference"] + unpaired_half},
        "too wide": {**right, "low": right["low"] - 0.01, "high": right["high"] + 0.01},
        "off by 0.01": {**right, "difference": right["difference"] + 0.01},
        "a boolean difference": {**right, "difference": True},
        "a string difference": {**right, "difference": f"{right['difference']:.4f}"},
        "a NaN difference": {**right, "difference": float("nan")},
        "another word": {**right, "label": "within the spread"},
        "an extra key": {**right, "n_pairs": 3},
        "a missing key": {key: right[key] for key in ("difference", "low", "high")},
    }
    for name, miss in misses.items():
        message = wrong("05.3", miss, table=runs)
        if name != "a string difference":   # that one echoes the student's own text
            assert not leaks_verdict(message, right), name
    assert "val_accuracy_epoch_1" in wrong("05.3", misses["final accuracy"], table=runs)
    assert "0.01" in wrong("05.3", misses["the lesson's default rate"], table=runs)


def test_05_3_right_answer_passes(runs):
    right = right_3(runs)
    assert right["label"] in CHECKS["05.3"](right, table=runs)
    rounded = {k: round(v, 4) if isinstance(v, float) else v for k, v in right.items()}
    CHECKS["05.3"](rounded, table=runs)
    CHECKS["05.3"]({**right, "label": right["label"].upper() + " "}, table=runs)


def test_05_3_the_solution_with_numpy_and_scipy_passes(runs):
    from scipy import stats

    by_seed = runs.pivot(index="seed", columns="variant", values=METRIC)
    differences = (by_seed[WITH_BN] - by_seed[PLAIN]).to_numpy()
    n = len(differences)
    mean = differences.mean()
    half = stats.t.ppf(0.975, n - 1) * differences.std(ddof=1) / np.sqrt(n)
    low, high = mean - half, mean + half
    label = "undecided" if n < 3 or low <= 0 <= high else ("better" if low > 0 else "worse")
    CHECKS["05.3"]({"difference": mean, "low": low, "high": high, "label": label}, table=runs)


def test_05_3_the_table_must_be_the_runs():
    answer = {"difference": 0.0, "low": -1.0, "high": 1.0, "label": "undecided"}
    table = runs_table(DELTAS["better"])
    assert "table=runs" in wrong("05.3", answer, table=pd.DataFrame())
    wrong("05.3", answer, table=table[~table["variant"].isin([PLAIN, WITH_BN])])
    wrong("05.3", answer, table=table.drop(columns=METRIC))
    wrong("05.3", answer, table=None)


def test_05_3_the_stub_is_unanswered(capsys, monkeypatch, runs):
    unanswered(capsys, monkeypatch, "05.3", ..., table=runs)
    with pytest.raises(NotAnswered):
        CHECKS["05.3"]({"difference": ..., "low": ..., "high": ..., "label": ...}, table=runs)
    with pytest.raises(NotAnswered):
        CHECKS["05.3"]({"difference": 0.05, "low": ..., "high": ..., "label": "better"}, table=runs)
