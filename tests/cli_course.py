"""A tiny course for the CLI tests: its own book.yml and two notebooks that need no TensorFlow.

``02_fail`` raises in one cell when its parameter ``fail`` is true (the default),
so one test can watch a lesson fail and another can fix it with ``-p fail=false``;
its parameter ``sleep`` makes that cell slow, to test the cell time limit.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

RECORD = """\
import json, pathlib
rows = [{"variant": v, "n_seeds": n_seeds, "epochs": epochs, "val_accuracy_mean": score + d,
         "val_accuracy_std": 0.01, "test_accuracy_mean": score + d - 0.01, "test_accuracy_std": 0.0,
         "seconds_per_epoch": 0.5, "notes_figure": 0.85 if v == "a" else None}
        for v, d in (("a", 0.0), ("b", 0.02))]
folder = pathlib.Path(output_dir) / "results"
folder.mkdir(parents=True, exist_ok=True)
(folder / f"{LESSON}.json").write_text(json.dumps({"lesson": LESSON, "params": {"epochs": epochs}, "rows": rows}))
"""

ENV_PRINT = """\
import os
print("epochs", epochs, "cwd", os.getcwd())
print("env", *(f"{k}={os.environ.get(k)}" for k in ("DNNCOURSE_HEADLESS", "TF_CPP_MIN_LOG_LEVEL",
      "TF_ENABLE_ONEDNN_OPTS", "KERAS_BACKEND", "OMP_NUM_THREADS", "TF_NUM_INTRAOP_THREADS")))
"""

PLOT = """\
import matplotlib
import matplotlib.pyplot as plt
plt.plot([1, 2, 3], [score, score + 0.01, score + 0.02])
plt.title("tiny curve")
plt.show()
"""


def lesson_notebook(lesson_id: str, score: float, fail_cell: bool) -> nbformat.NotebookNode:
    params = f"epochs = 1\nn_seeds = 1\nscore = {score}\noutput_dir = 'outputs'\n"
    if fail_cell:
        params += "fail = True\nsleep = 0\n"
    cells = [new_markdown_cell(f"# Tiny lesson {lesson_id}"),
             new_code_cell(params, metadata={"tags": ["parameters"]}),
             new_code_cell(f"LESSON = {lesson_id!r}\n" + ENV_PRINT)]
    if fail_cell:
        cells.append(new_code_cell("import time\ntime.sleep(sleep)\n"
                                   "if fail:\n    raise ValueError('tiny lesson broke on purpose')"))
    cells += [new_code_cell(PLOT), new_code_cell(RECORD)]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def make_course(root: Path) -> Path:
    """Write book.yml and lessons/ into ``root``; return the path of book.yml."""
    (root / "lessons").mkdir(parents=True)
    nbformat.write(lesson_notebook("01_ok", 0.80, fail_cell=False), root / "lessons" / "01_ok.ipynb")
    nbformat.write(lesson_notebook("02_fail", 0.70, fail_cell=True), root / "lessons" / "02_fail.ipynb")
    (root / "book.yml").write_text("""\
title: Tiny course
profiles:
  smoke: quick
  full: slow
lessons:
  - id: 01_ok
    title: The lesson that works
    file: lessons/01_ok.ipynb
    profiles:
      smoke: {epochs: 1}
      full: {epochs: 3}
  - id: 02_fail
    title: The lesson that breaks
    file: lessons/02_fail.ipynb
    profiles:
      smoke: {epochs: 1}
""")
    return root / "book.yml"


EXERCISE = """\
wide_parameters = ...  # the parameters of a 784 -> 300 -> 10 network
dc.check("01.1", wide_parameters)
"""
BUILDER = """\
def build_wide():
    ...   # return a compiled 784 -> 300 -> 10 model

dc.check("01.2", build_wide)
"""
VERDICT = """\
replay_answer = ...   # {"difference": ..., "low": ..., "high": ..., "label": ...}

dc.check("01.3", replay_answer, table=trap_table)
"""
# Per-seed results the lesson "measured" (written down, so grading needs no training).
TABLE = """\
import pandas as pd
trap_table = pd.DataFrame({"variant": ["baseline"] * 3 + ["one order replayed"] * 3, "seed": [0, 1, 2] * 2,
                           "min_val_loss": [0.40, 0.42, 0.41, 0.43, 0.44, 0.45]})
"""
SOLUTIONS = {"wide_parameters = ...": "wide_parameters = 784 * 300 + 300 + 300 * 10 + 10",
             "    ...   # return a compiled 784 -> 300 -> 10 model": """\
    model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                              keras.layers.Dense(300, activation="relu"), keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model""",
             "replay_answer = ...": """\
verdict = dc.paired_verdict(trap_table, "one order replayed", "baseline", "min_val_loss")
replay_answer = {key: verdict[key] for key in ("difference", "low", "high", "label")}"""}


def make_graded_course(root: Path) -> Path:
    """A one-lesson course whose lesson 01 has exercises 01.1 (a number), 01.2 (a model builder) and
    01.3 (a verdict on a table the lesson made); return book.yml. ``SOLUTIONS`` answers all three."""
    (root / "lessons").mkdir(parents=True)
    exercise = {"tags": ["exercise"]}
    cells = [new_markdown_cell("# Tiny lesson with exercises"),
             new_code_cell("tries = 1\noutput_dir = 'outputs'\n", metadata={"tags": ["parameters"]}),
             new_code_cell("import dnncourse as dc\nimport keras\n"),
             new_code_cell(TABLE),
             new_markdown_cell("## Exercises"),
             new_code_cell(EXERCISE, metadata=exercise),
             new_code_cell(BUILDER, metadata=exercise),
             new_code_cell(VERDICT, metadata=exercise)]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, root / "lessons" / "01_tiny.ipynb")
    (root / "book.yml").write_text("""\
title: Tiny graded course
profiles:
  smoke: quick
lessons:
  - id: 01_tiny
    title: The lesson with an exercise
    file: lessons/01_tiny.ipynb
""")
    return root / "book.yml"
