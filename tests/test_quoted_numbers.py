"""Every number a lesson's text quotes is one its full run recorded (or a notes figure it recorded).

The full run whose numbers the lessons quote is kept in measured/full/ (results/<lesson>.json,
run.json), and the same profile with other seeds in measured/reseed/;
`dnncourse quotes measured/full --reseed measured/reseed` writes their values into the lessons'
quotes (verdict words as both runs agree), and writes a new run's over them.
"""

import json
from pathlib import Path

import nbformat
import pytest

from dnncourse.tools import quotes

ROOT = Path(__file__).resolve().parents[1]
MEASURED = ROOT / "measured" / "full" / "results"
RESEEDED = ROOT / "measured" / "reseed" / "results"
LESSONS = sorted((ROOT / "lessons").glob("*.ipynb"))


def recorded(folder: Path, lesson: Path) -> dict:
    path = folder / f"{lesson.stem}.json"
    assert path.is_file(), f"no recorded run for {lesson.stem} in {folder}"
    return json.loads(path.read_text())


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_quoted_numbers_match_the_full_run(lesson):
    seconds = json.loads((MEASURED.parent / "run.json").read_text())["lessons"][lesson.stem]["seconds"]
    problems = quotes.check_lesson(lesson, recorded(MEASURED, lesson), seconds, recorded(RESEEDED, lesson))
    assert problems == []


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_the_reseeded_run_flips_no_verdict(lesson):
    first, second = recorded(MEASURED, lesson), recorded(RESEEDED, lesson)
    assert first["verdicts"], f"{lesson.stem} records no verdicts"
    assert second["params"]["seed"] != first["params"]["seed"], "the reseeded run used the same seeds"
    found = quotes.agreement(first, second)
    assert found["flipped"] == [] and found["missing"] == [], found


RESULTS = {"rows": [{"variant": "baseline", "val_accuracy_mean": 0.87734, "val_accuracy_std": 0.00196,
                     "best_epoch_mean": 5.333, "notes_figure": 0.8722}],
           "facts": {"stopped_epoch": 24, "gap": 0.0281}, "params": {"learning_rate": 0.001},
           "verdicts": [{"question": "does dropout help?", "variant": "dropout", "reference": "baseline",
                         "metric": "min_val_loss", "higher_is_better": False, "n_pairs": 3, "difference": 0.0123,
                         "low": 0.004, "high": 0.02, "label": "better"}]}


def _lesson(tmp_path, text):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text)])
    path = tmp_path / "lesson.ipynb"
    nbformat.write(nb, path)
    return path


def test_fill_writes_recorded_values(tmp_path):
    path = _lesson(tmp_path, "acc ⟪baseline|val_accuracy±⟫, best ⟪baseline|best_epoch_mean|.1f⟫, "
                             "stop ⟪fact:stopped_epoch⟫, gap ⟪fact:gap⟫ in ⟪time⟫ s")
    assert quotes.fill_lesson(path, RESULTS, seconds=171.6) == 5
    text = nbformat.read(path, as_version=4).cells[0].source
    assert quotes.QUOTE.sub(lambda m: m.group(2), text) == "acc 0.8773 ± 0.0020, best 5.3, stop 24, gap 0.0281 in 172 s"
    assert "<!--q baseline|val_accuracy±-->0.8773 ± 0.0020<!--/q-->" in text
    assert quotes.check_lesson(path, RESULTS, seconds=171.6) == []


def test_filling_is_repeatable_and_a_new_run_refills_every_quote(tmp_path):
    path = _lesson(tmp_path, "acc ⟪baseline|val_accuracy±⟫; dropout is ⟪verdict:does dropout help?⟫ "
                             "(⟪verdict:does dropout help?|difference|+.4f⟫)")
    quotes.fill_lesson(path, RESULTS)
    once = nbformat.read(path, as_version=4).cells[0].source
    assert quotes.fill_lesson(path, RESULTS) == 3
    assert nbformat.read(path, as_version=4).cells[0].source == once, "a second fill changed the text"
    assert "better<!--/q--> (<!--q verdict:does dropout help?|difference|+.4f-->+0.0123<!--/q-->)" in once

    rerun = {**RESULTS, "rows": [{**RESULTS["rows"][0], "val_accuracy_mean": 0.8801}],
             "verdicts": [{**RESULTS["verdicts"][0], "label": "undecided", "difference": 0.0004}]}
    problems = quotes.check_lesson(path, rerun)
    assert len(problems) == 3 and "shows '0.8773 ± 0.0020', the run recorded '0.8801 ± 0.0020'" in problems[0]
    quotes.fill_lesson(path, rerun)
    text = nbformat.read(path, as_version=4).cells[0].source
    assert quotes.QUOTE.sub(lambda m: m.group(2), text) == "acc 0.8801 ± 0.0020; dropout is undecided (+0.0004)"
    assert quotes.check_lesson(path, rerun) == []


def test_a_verdict_is_quoted_as_decided_only_where_the_reseeded_run_agrees(tmp_path):
    path = _lesson(tmp_path, "dropout is ⟪verdict:does dropout help?⟫")
    undecided = {**RESULTS, "verdicts": [{**RESULTS["verdicts"][0], "label": "undecided"}]}
    quotes.fill_lesson(path, RESULTS, reseed=undecided)
    text = quotes.QUOTE.sub(lambda m: m.group(2), nbformat.read(path, as_version=4).cells[0].source)
    assert text == "dropout is undecided (better in this run only; the reseeded run's interval contains 0)"
    assert quotes.check_lesson(path, RESULTS, reseed=undecided) == []
    assert quotes.check_lesson(path, RESULTS, reseed=RESULTS)[0].endswith("the run recorded 'better'")


def test_agreement_counts_decided_flipped_and_missing():
    def verdicts(*labels):
        return {"verdicts": [{"question": f"q{i}", "label": label} for i, label in enumerate(labels)]}
    found = quotes.agreement(verdicts("better", "worse", "better", "undecided", "worse"),
                             verdicts("better", "undecided", "worse", "undecided"))
    assert found == {"decided in both": ["q0"], "decided in one": ["q1"], "flipped": ["q2"],
                     "undecided in both": ["q3"], "missing": ["q4"]}


def test_a_quote_edited_by_hand_is_found(tmp_path):
    path = _lesson(tmp_path, "acc <!--q baseline|val_accuracy±-->0.8800 ± 0.0020<!--/q-->")
    problems = quotes.check_lesson(path, RESULTS)
    assert len(problems) == 1 and "shows '0.8800 ± 0.0020'" in problems[0]


@pytest.mark.parametrize("text, problem", [
    ("we measured 0.8812 ± 0.0020", "0.8812 matches no recorded result"),
    ("a gap of -0.0281", "-0.0281 matches no recorded result"),
    ("still ⟪baseline|val_accuracy±⟫ here", "was never filled"),
])
def test_check_finds_drifted_numbers_and_unfilled_placeholders(tmp_path, text, problem):
    problems = quotes.check_lesson(_lesson(tmp_path, text), RESULTS)
    assert len(problems) == 1 and problem in problems[0]


def test_check_accepts_notes_figures_params_and_code(tmp_path):
    text = "the notes report 0.8722; `Adam(learning_rate=0.0003)`; rate 0.001; ours 0.8773, gap +0.0281"
    assert quotes.check_lesson(_lesson(tmp_path, text), RESULTS) == []


def test_unknown_placeholder_names_what_exists():
    with pytest.raises(quotes.QuoteError, match="recorded: baseline"):
        quotes.fill_text("⟪dropout|val_accuracy⟫", RESULTS)
    with pytest.raises(quotes.QuoteError, match="facts: stopped_epoch, gap"):
        quotes.fill_text("⟪fact:nope⟫", RESULTS)
    with pytest.raises(quotes.QuoteError, match="recorded: does dropout help?"):
        quotes.fill_text("⟪verdict:is it faster?⟫", RESULTS)
