"""Lesson 06's exercises: a schedule counts steps, step decay as a schedule object, the rounding slip measured."""

from __future__ import annotations

import math
import numbers
from typing import Any

import keras

from ..models import baseline_model
from ..verdicts import paired_differences, paired_verdict
from .expect import (NotAnswered, Wrong, built_model, expect_compiled, expect_paired_verdict, expect_runs_table,
                     expect_true)


def _as_float(value: Any, what: str, hint: str | None = None) -> float:
    """A plain number, a NumPy scalar or a 0-d array (what calling a schedule gives) as a float."""
    if isinstance(value, bool):
        raise Wrong(f"{what} should be a number, not {value!r}.", hint)
    if isinstance(value, numbers.Real):
        return float(value)
    if getattr(value, "shape", None) == ():
        return float(keras.ops.convert_to_numpy(value))
    raise Wrong(f"{what} should be a number, not {type(value).__name__} {value!r}.", hint)


def _close(a: float, b: float, rel: float = 1e-4) -> bool:
    return abs(a - b) <= rel * abs(b) + 1e-12


def rate_after_epoch_at_batch_32(answer, schedule, n_images, batch_size) -> str:
    config = schedule.get_config()
    start, decay_steps, decay_rate = (config["initial_learning_rate"], config["decay_steps"],
                                      config["decay_rate"])
    steps_32 = math.ceil(n_images / 32)
    steps_own = math.ceil(n_images / batch_size)
    formula = f"{start} × {decay_rate} ** ({steps_32} / {decay_steps})"
    hint = (f"decay_steps is still halve_every × steps_per_epoch (computed for batch {batch_size}); "
            "the step is the number of batches of 32 in one epoch, np.ceil(len(data.x_train) / 32).")
    given = _as_float(answer, "the rate after one epoch", hint)
    expected = start * decay_rate ** (steps_32 / decay_steps)
    if _close(given, expected):
        faster = steps_32 / steps_own
        return (f"{formula} = {expected:.6f}. The schedule was made for batch {batch_size}; at batch 32 "
                f"one epoch is {steps_32} steps instead of {steps_own}, so the rate falls {faster:.1f}× "
                "faster per epoch. Rescale decay_steps whenever the batch size or the data change.")
    likely = []
    if steps_32 != n_images // 32:
        likely.append((start * decay_rate ** ((n_images // 32) / decay_steps),
                        f"that is the rate after {n_images // 32} steps: you left out the last, smaller "
                        f"batch ({n_images % 32} images).",
                        "Keras runs that batch too: np.ceil(len(data.x_train) / 32) steps per epoch."))
    likely.append((start * decay_rate ** (steps_own / decay_steps),
                   f"that is the rate after one epoch at batch {batch_size}, what the schedule was made for "
                   f"({steps_own} steps); at batch 32 an epoch has more steps.",
                   "keep decay_steps as it is and count the steps of one epoch at batch 32."))
    likely.append((start * decay_rate ** math.floor(steps_32 / decay_steps),
                   "you rounded the exponent down: that is staircase=True, and exponential_schedule() "
                   "decays smoothly.", "use step / decay_steps as it is, a fraction."))
    likely.append((start * decay_rate ** ((steps_32 - 1) / decay_steps),
                   f"that is the rate at step {steps_32 - 1}, one step short.",
                   f"steps are counted from 0, so after {steps_32} steps the schedule is at step {steps_32}."))
    likely.append((start, "that is the starting rate: after one epoch the schedule has already decayed.", hint))
    for value, message, tip in likely:
        if _close(given, value) and not _close(value, expected):
            raise Wrong(message, tip)
    raise Wrong(f"{given!r} is not the rate after one epoch at batch 32.",
                "rate = initial_rate × 0.5 ** (step / decay_steps); " + hint)


def _schedule_of(optimizer) -> Any:
    """The schedule object an optimizer was given, or None for a constant rate."""
    rate = getattr(optimizer, "_learning_rate", None)
    return rate if isinstance(rate, keras.optimizers.schedules.LearningRateSchedule) else None


def build_step_schedule(answer, step_decay, steps_per_epoch, epochs) -> str:
    model = built_model(answer, "build_step_schedule")
    expect_compiled(model)
    optimizer = model.optimizer
    expect_true(isinstance(optimizer, keras.optimizers.Adam),
                f"the optimizer is {type(optimizer).__name__}; the lesson's variants all use Adam.",
                "compile with optimizer=keras.optimizers.Adam(learning_rate=schedule), as build_model does.")
    expected_params = baseline_model().count_params()
    expect_true(model.count_params() == expected_params,
                f"the model has {model.count_params():,} parameters, not the baseline's {expected_params:,}.",
                "start from dc.baseline_model() (or call build_model(schedule) from section 1).")
    schedule = _schedule_of(optimizer)
    if schedule is None:
        rate = float(keras.ops.convert_to_numpy(optimizer.learning_rate))
        raise Wrong(f"Adam's learning rate is the constant {rate:g}, not a schedule object.",
                    "make the schedule with keras.optimizers.schedules (ExponentialDecay with staircase=True, "
                    "or PiecewiseConstantDecay) and pass it as learning_rate; a callback cannot be part "
                    "of the model.")
    stairs = sorted({float(step_decay(e, None)) for e in range(epochs)}, reverse=True)

    def rate_at(step: int) -> float:
        return float(keras.ops.convert_to_numpy(schedule(step)))

    for epoch in range(epochs):
        want = float(step_decay(epoch, None))
        first, last = epoch * steps_per_epoch, (epoch + 1) * steps_per_epoch - 1
        for step in (first, first + steps_per_epoch // 2, last):
            got = rate_at(step)
            if _close(got, want, 1e-5):
                continue
            where = f"at step {step} (epoch {epoch}, counting from 0 as step_decay does)"
            before = float(step_decay(epoch - 1, None)) if epoch > 0 else None
            if (step == first and before is not None and _close(got, before, 1e-5)
                    and _close(rate_at(step + 1), want, 1e-5)):
                raise Wrong(f"{where} your schedule still gives {got:g}, the rate of the epoch before; "
                            f"step decay trains that whole epoch at {want:g}. One step late.",
                            "PiecewiseConstantDecay keeps values[i] while step <= boundaries[i], so each "
                            "boundary must be the last step of a plateau (k × period − 1); or use "
                            "ExponentialDecay(..., staircase=True).")
            if not any(_close(got, rate, 1e-5) for rate in stairs):
                raise Wrong(f"{where} your schedule gives {got:g}, a rate step decay never uses "
                            f"(it uses {', '.join(f'{r:g}' for r in stairs)}).",
                            "start at initial_rate and halve once per plateau, flat in between: "
                            "ExponentialDecay decays smoothly unless staircase=True.")
            raise Wrong(f"{where} your schedule gives {got:g}; step decay uses {want:g}: the stairs are in "
                        "the wrong place.",
                        "a plateau lasts halve_every epochs, that is halve_every × steps_per_epoch steps: "
                        "schedules count steps, not epochs.")
    return (f"the schedule matches step_decay at the first, middle and last step of all {epochs} epochs, "
            "and it is saved with the model's optimizer, unlike a callback.")


SLIP, CYCLES_UP = "cosine restarts, rounded down", "cosine restarts"


def rounding_slip_verdict(answer, table) -> str:
    """The paired verdict of the rounded-down cosine schedule against the rounded-up one, on val_accuracy."""
    if table is ... or (isinstance(answer, dict) and any(value is ... for value in answer.values())):
        raise NotAnswered("not answered yet: train the variant, build the table, then fill in the dict.")
    expect_runs_table(table, SLIP, CYCLES_UP, "val_accuracy",
                      table_hint="pd.concat([everything.table, slip.table], ignore_index=True).",
                      missing_hint=f"name the new variant exactly {SLIP!r} and keep everything.table's runs "
                                   "in the table.")
    differences = paired_differences(table, SLIP, CYCLES_UP, "val_accuracy")
    if len(differences) < 2:
        raise Wrong(f"{SLIP!r} and {CYCLES_UP!r} share {len(differences)} seed(s); a paired verdict needs "
                    "at least 2.", "train the new variant on `seeds`, the seeds cosine restarts had.")
    epochs = table.groupby("variant")["epochs"].max() if "epochs" in table else None
    if epochs is not None and epochs[SLIP] != epochs[CYCLES_UP]:
        raise Wrong(f"{SLIP!r} trained for {epochs[SLIP]:g} epochs, {CYCLES_UP!r} for {epochs[CYCLES_UP]:g}.",
                    "use train(...), which gives every variant the same epochs and batch size.")
    if (differences == 0).all():
        raise Wrong(f"{SLIP!r} scores exactly what {CYCLES_UP!r} does in every seed: it looks like the same "
                    "schedule.", "pass first_decay_steps=slip_steps (total_steps // 7, rounded down).")
    verdict = paired_verdict(table, SLIP, CYCLES_UP, "val_accuracy")
    return expect_paired_verdict(answer, verdict,
                                 what=f"'{SLIP}' minus '{CYCLES_UP}', in val_accuracy, per seed")


# The check calls step_decay(epoch, None) for the lesson's epochs; the grader gets its values there.
CONTEXT_CALLS = {"06.2": {"step_decay": lambda context: [((epoch, None), {})
                                                         for epoch in range(-1, context["epochs"] + 1)]}}

CHECKS = {"06.1": rate_after_epoch_at_batch_32, "06.2": build_step_schedule, "06.3": rounding_slip_verdict}
