"""The grader's own process: ``python -m dnncourse.tools.decide IN.json OUT.json``.

Reads the contexts and answers a graded kernel exported (``dnncourse.exercises.export``),
rebuilds them as objects (``codec``: no pickle, ``.keras`` files with ``safe_mode=True``),
runs each exercise's check on them, and writes ``[{"exercise", "status", "message"}, ...]``.
No student code runs here: a function answer is a ``Replay`` of the calls recorded in the kernel.
``dnncourse grade`` starts it in the sandbox too, since the answers' bytes are the student's.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def decide_one(item: dict) -> dict:
    """One exercise's ``{"exercise", "status", "message"}`` from its exported context and answer."""
    from ..exercises import decide
    from ..exercises.recording import decode_answer, decode_entries

    exercise = item["exercise"]

    def outcome(status: str, message: str) -> dict:
        return {"exercise": exercise, "status": status, "message": message}

    if item.get("context_error"):
        return outcome("error", f"the lesson's own context for this check failed: {item['context_error']}")
    if item.get("answer_error"):
        return outcome("wrong", item["answer_error"])
    try:
        # the lesson's context and the student's own (exported with the answer) come from two encoders
        context = {**decode_entries(item.get("context") or {}), **decode_entries(item.get("own_context") or {})}
    except Exception as err:  # noqa: BLE001
        return outcome("error", f"the lesson's context could not be rebuilt ({type(err).__name__}: {err}).")
    try:
        answer = decode_answer(item["answer"])
    except Exception as err:  # noqa: BLE001 - e.g. a model safe_mode refuses
        return outcome("wrong", f"the grader could not load your answer safely ({type(err).__name__}: "
                                f"{str(err)[:200]}). Build it from Keras' own layers, optimizers and losses.")
    return outcome(*decide(exercise, answer, context))


def main(argv: list[str] | None = None) -> int:
    source, target = (argv if argv is not None else sys.argv[1:])[:2]
    items = json.loads(Path(source).read_text())
    Path(target).write_text(json.dumps([decide_one(item) for item in items]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
