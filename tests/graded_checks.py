"""Every exercise test, twice: once calling the check directly, once the way ``dnncourse grade`` decides.

A test module imports ``checks_as_graded`` (an autouse fixture). In its "exported" run each
``CHECKS`` entry first turns the answer and the context into data, as a graded kernel exports them
(a function as the calls the check makes to it), sends that through JSON, rebuilds it as the
grader's own process does, and only then runs the check. So every guess, near miss and right answer
of the exercise tests is judged the same, with the same message, when graded.
"""

import json

import pytest

from dnncourse.exercises import CHECKS
from dnncourse.exercises.recording import decode_answer, decode_entries
from dnncourse.exercises.export import encode_answer, encode_context


def graded(exercise, check):
    def decide(answer=..., **context):
        data = json.loads(json.dumps({"answer": encode_answer(exercise, answer, context, check),
                                      "context": encode_context(exercise, context)}))
        return check(decode_answer(data["answer"]), **decode_entries(data["context"]))
    return decide


@pytest.fixture(autouse=True, params=["direct", "exported"])
def checks_as_graded(request, monkeypatch):
    if request.param == "exported":
        for exercise, check in list(CHECKS.items()):
            monkeypatch.setitem(CHECKS, exercise, graded(exercise, check))
    yield request.param
