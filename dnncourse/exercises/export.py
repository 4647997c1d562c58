"""The graded kernel's side of ``dnncourse grade``: show the lesson's contexts and the student's answers
as data, for the grader to check in a process of its own.

``dnncourse grade`` inserts two kinds of cells into each copy it runs. Before the first exercise,
while only the lesson's own code has run, ``export_contexts`` shows what each exercise's check needs
from the lesson (its tables, models, histories). After each exercise cell, ``export_answer`` shows
the student's answer; a function is shown as the calls the check makes to it (``recording``). Both
are display outputs of the MIME types below; nothing here decides whether an answer is right.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

from .codec import Encoder
from .recording import Recorder

CONTEXT_MIME = "application/vnd.dnncourse.context+json"
ANSWER_MIME = "application/vnd.dnncourse.answer+json"


def _show(mime: str, payload: dict) -> None:
    from IPython.display import display
    display({mime: payload, "text/plain": f"[{payload['exercise']}: exported for the grader]"}, raw=True)


def _is_function(value: Any) -> bool:
    import keras
    return callable(value) and not isinstance(value, (type, keras.Model, keras.layers.Layer))


def _context_calls(exercise: str) -> dict[str, Callable[[dict], list]]:
    from . import CONTEXT_CALLS
    return CONTEXT_CALLS.get(exercise, {})


def encode_context(exercise: str, context: dict) -> dict:
    """The context as data; a function in it (a lesson's schedule) as its values on the inputs the check uses."""
    encoder, calls = Encoder(), _context_calls(exercise)
    encoded = {}
    for name, value in context.items():
        if name in calls and _is_function(value):
            recorder = Recorder(value, encoder)
            for args, kwargs in calls[name](context):
                recorder(*args, **kwargs)
            encoded[name] = {"$function": recorder.record()}
        else:
            encoded[name] = encoder(value)
    return encoded


def export_contexts(namespace: dict, plan: list[tuple[str, str, dict[str, str]]]) -> None:
    """For each ``(exercise, stub, {name: expression})``: run the lesson's own stub in a copy of
    ``namespace``, evaluate the check's context expressions there, and show them as data."""
    for exercise, stub, expressions in plan:
        scope = dict(namespace)
        try:
            exec(compile(stub, f"<stub of {exercise}>", "exec"), scope)  # noqa: S102 - the instructor's own cell
            context = {name: eval(expression, scope) for name, expression in expressions.items()}  # noqa: S307
            payload = {"exercise": exercise, "context": encode_context(exercise, context)}
        except Exception as err:  # the lesson's own context failed: the grader says so for this exercise
            payload = {"exercise": exercise, "error": f"{type(err).__name__}: {err}"[:500]}
        _show(CONTEXT_MIME, payload)


def encode_answer(exercise: str, answer: Any, context: dict, check: Callable | None = None) -> Any:
    """``answer`` as data; a function as the calls ``check`` (the exercise's own) makes to it with ``context``."""
    from . import CHECKS

    encoder = Encoder()
    if not _is_function(answer):
        return encoder(answer)
    recorder = Recorder(answer, encoder)
    try:
        (check or CHECKS[exercise])(recorder, **context)  # only to make the calls; the grader decides
    except Exception:  # noqa: BLE001 - a wrong answer or a failure shows in the grader's own check
        pass
    return {"$function": recorder.record()}


def export_answer(exercise: str, answer: Any = ..., *, own_context: Iterable[str] = (), **context: Any) -> None:
    """Show ``answer`` as data (a function as the calls that exercise's check makes to it here), and the
    context entries named in ``own_context``: the ones the student's own run made."""
    payload = {"exercise": exercise, "answer": encode_answer(exercise, answer, context)}
    own = {name: context[name] for name in own_context if name in context}
    if own:
        payload["context"] = encode_context(exercise, own)
    _show(ANSWER_MIME, payload)
