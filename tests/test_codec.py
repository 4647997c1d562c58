"""Answers and contexts as data (dnncourse grade): what goes in comes back, references included."""

import json

import pandas as pd

from dnncourse.exercises.export import encode_context
from dnncourse.exercises.recording import decode_entries


def test_an_object_in_two_context_entries_comes_back_in_both():
    table = pd.DataFrame({"variant": ["a", "b"], "seed": [0, 0], "val_loss": [0.5, 0.4]})
    data = json.loads(json.dumps(encode_context("01.3", {"table": table, "same": table})))
    decoded = decode_entries(data)
    assert isinstance(decoded["same"], pd.DataFrame) and decoded["same"] is decoded["table"]
    pd.testing.assert_frame_equal(decoded["table"], table)
