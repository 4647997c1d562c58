"""What every exercise test tries: bare guesses, and a wrong answer that must not count as unanswered."""

import pytest

from dnncourse.exercises import CHECKS
from dnncourse.exercises.expect import NotAnswered, Wrong

# Words and values a student might type instead of working the answer out.
GUESSES = ["better", "worse", "undecided", "within the spread", True, False, None, 0, 1, "", {}, [], 0.5]


def wrong(exercise, answer, **context):
    """The message of ``exercise``'s check for ``answer``, which must be wrong (not right, not unanswered)."""
    with pytest.raises(Wrong) as err:
        CHECKS[exercise](answer, **context)
    assert not isinstance(err.value, NotAnswered), f"{answer!r} counts as unanswered, not as wrong"
    return str(err.value)


def labels_need_their_facts(exercise, right, **context):
    """A verdict label alone, with made-up numbers, or with the right numbers but another label, is wrong."""
    for label in ("better", "worse", "undecided"):
        wrong(exercise, {"label": label}, **context)
        wrong(exercise, {"difference": 0.0, "low": -1.0, "high": 1.0, "label": label}, **context)
        if label != right["label"]:
            wrong(exercise, {**right, "label": label}, **context)
