"""Every lesson ends with 2 to 4 checked exercises, and every solution passes its own check.

Exercise cells (tag ``exercise``) end with ``dc.check("NN.k", ...)``; each is followed by its
solution: a markdown cell tagged ``solution`` whose ```python block is the solved cell. The
execution test swaps every exercise cell for its solution and runs the lesson in the smoke
profile with ``DNNCOURSE_STRICT_CHECKS=1`` (the course run of tests/test_course_run.py), so a
solution that no longer passes fails CI.
"""

import re

import nbformat
import pytest

from dnncourse.exercises import CHECKS, STRICT_ENV, ExerciseFailed, check
from dnncourse.tools.grade import CHECK_CALL
from tests.test_notebooks import LESSONS

SOLUTION_CODE = re.compile(r"```python\n(.*?)\n```", re.S)


def exercises(nb) -> list[tuple[int, str, str]]:
    """(cell index, exercise id, solution code) for every exercise cell of a lesson."""
    found = []
    for i, cell in enumerate(nb.cells):
        if "exercise" not in cell.metadata.get("tags", []):
            continue
        assert cell.cell_type == "code", f"cell {i}: exercise cells are code cells"
        ids = CHECK_CALL.findall(cell.source)
        assert len(ids) == 1, f"cell {i}: an exercise cell calls dc.check exactly once, found {ids}"
        nxt = nb.cells[i + 1] if i + 1 < len(nb.cells) else None
        assert nxt is not None and "solution" in nxt.metadata.get("tags", []) and nxt.cell_type == "markdown", \
            f"cell {i} (exercise {ids[0]}): the next cell must be its solution (markdown, tagged 'solution')"
        assert nxt.source.lstrip().startswith("<details>"), f"solution {ids[0]} must be collapsed in <details>"
        code = SOLUTION_CODE.findall(nxt.source)
        assert len(code) == 1, f"solution {ids[0]}: exactly one ```python block"
        assert CHECK_CALL.findall(code[0]) == ids, f"solution {ids[0]} must end with the same dc.check call"
        found.append((i, ids[0], code[0]))
    return found


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_lesson_ends_with_two_to_four_checked_exercises(lesson_id):
    nb = nbformat.read(LESSONS[lesson_id].path, as_version=4)
    found = exercises(nb)
    number = lesson_id[:2]
    assert 2 <= len(found) <= 4, f"{lesson_id}: {len(found)} exercises; each lesson has 2 to 4"
    ids = [exercise_id for _, exercise_id, _ in found]
    assert ids == [f"{number}.{k}" for k in range(1, len(ids) + 1)], f"{lesson_id}: exercise ids {ids}"
    assert set(ids) == {key for key in CHECKS if key.startswith(number + ".")}, \
        f"{lesson_id}: the exercises in the notebook and the checks in dnncourse/exercises differ"
    last_code = max(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    assert last_code == found[-1][0], f"{lesson_id}: the exercises come last"


def solved(nb):
    """A copy of the lesson with every exercise cell replaced by its solution."""
    nb = nbformat.reads(nbformat.writes(nb), as_version=4)
    for i, _, code in exercises(nb):
        nb.cells[i].source = code
    return nb


def test_a_wrong_answer_gets_a_message_and_a_hint_not_a_traceback(capsys):
    check("01.1", 784 * 100 + 100 + 100 * 10 + 10)
    out = capsys.readouterr().out
    assert out.startswith("Exercise 01.1 ❌ not yet") and "Hint:" in out and "Traceback" not in out


def test_an_unanswered_exercise_says_so(capsys):
    check("01.1", ...)
    assert "not answered yet" in capsys.readouterr().out


def test_code_that_raises_is_reported_in_one_line(capsys):
    def build_wide():
        return keras_model_that_does_not_exist()  # noqa: F821

    check("01.2", build_wide)
    out = capsys.readouterr().out
    assert "your code raised NameError" in out and "build_wide" in out and len(out.splitlines()) == 1


def test_a_builder_with_the_wrong_layers_is_named(capsys):
    import keras

    def build_wide():
        model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                                  keras.layers.Dense(100, activation="relu"), keras.layers.Dense(10, activation="softmax")])
        model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy")
        return model

    check("01.2", build_wide)
    assert "[100, 10] units; expected [300, 10]" in capsys.readouterr().out


def test_a_right_answer_says_why(capsys):
    check("01.1", 784 * 300 + 300 + 300 * 10 + 10)
    assert capsys.readouterr().out.startswith("Exercise 01.1 ✅ correct: 784 × 300 + 300")


def test_strict_mode_raises_for_ci(monkeypatch):
    monkeypatch.setenv(STRICT_ENV, "1")
    with pytest.raises(ExerciseFailed, match="01.1"):
        check("01.1", 5)


def test_an_unknown_exercise_lists_the_known_ones(capsys):
    check("99.9", 1)
    assert "There is no exercise '99.9'" in capsys.readouterr().out


# --- one toolkit, and guesses that must not pass ----------------------------------------------

def small_model(loss="sparse_categorical_crossentropy", optimizer="rmsprop", units=300, l2=None):
    import keras

    regularizer = keras.regularizers.L2(l2) if l2 else None
    model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                              keras.layers.Dense(units, activation="relu", kernel_regularizer=regularizer),
                              keras.layers.Dense(10, activation="softmax", kernel_regularizer=regularizer)])
    model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"])
    return model


def test_the_loss_is_read_the_same_way_however_it_is_given():
    import keras

    from dnncourse.exercises.expect import loss_name

    for loss in ("sparse_categorical_crossentropy", keras.losses.SparseCategoricalCrossentropy(),
                 keras.losses.sparse_categorical_crossentropy):
        assert loss_name(small_model(loss=loss)) == "sparse_categorical_crossentropy", loss
    assert loss_name(small_model(loss=keras.losses.CategoricalCrossentropy())) == "categorical_crossentropy"


def test_learning_rates_of_numbers_and_schedules():
    import keras

    from dnncourse.exercises.expect import learning_rate_of

    assert learning_rate_of(keras.optimizers.Adam(3e-4)) == pytest.approx(3e-4)
    schedule = keras.optimizers.schedules.ExponentialDecay(0.01, decay_steps=10, decay_rate=0.5)
    assert learning_rate_of(keras.optimizers.SGD(schedule)) == pytest.approx(0.01)


@pytest.mark.parametrize("optimizer, loss, message", [
    ("sgd", "sparse_categorical_crossentropy", "compiled with SGD, not RMSprop"),
    ("rmsprop", "categorical_crossentropy", "loss categorical_crossentropy, not sparse_categorical_crossentropy"),
])
def test_01_2_checks_the_optimizer_and_the_loss_the_task_names(capsys, optimizer, loss, message):
    check("01.2", lambda: small_model(loss=loss, optimizer=optimizer))
    assert message in capsys.readouterr().out
    check("01.2", lambda: small_model())
    assert "✅ correct" in capsys.readouterr().out


def test_04_1_wants_a_function_of_the_kernels_not_the_models_own_sum(capsys):
    import numpy as np

    model = small_model(l2=1e-4)
    right = float(sum(model.losses))
    check("04.1", right, model=model)  # the bare number, however right, is not the function asked for
    assert "asks for the function l2_penalty(kernels, factor)" in capsys.readouterr().out
    check("04.1", lambda kernels, factor: float(sum(model.losses)), model=model)
    assert "not for other kernels" in capsys.readouterr().out
    check("04.1", lambda kernels, factor: sum(float(np.sum(k ** 2)) for k in kernels), model=model)
    assert "without the factor" in capsys.readouterr().out
    check("04.1", lambda kernels, factor: factor * sum(float(np.sum(k ** 2)) for k in kernels), model=model)
    assert "✅ correct" in capsys.readouterr().out
