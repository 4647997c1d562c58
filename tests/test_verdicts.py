"""Paired verdicts: per-seed differences, a t-interval that narrows with seeds, three labels that follow it."""

import json
import math

import pandas as pd
import pytest

import dnncourse as dc
from dnncourse.tools.leaderboard import verdicts, write_report
from dnncourse.verdicts import FIELDS, MIN_PAIRS, check_verdict, interval


def runs(reference, variant, metric="val_accuracy"):
    """A comparison table: seeds 0.. with the reference's and the variant's values."""
    rows = [{"variant": "ref", "seed": s, metric: v} for s, v in enumerate(reference)]
    rows += [{"variant": "new", "seed": s, metric: v} for s, v in enumerate(variant)]
    return pd.DataFrame(rows)


def test_the_interval_is_the_t_interval_of_the_differences():
    mean, low, high = interval([0.01, 0.02, 0.03])
    # mean 0.02, sd 0.01, t(2, 0.975) = 4.3027: half-width 4.3027 * 0.01 / sqrt(3)
    assert mean == pytest.approx(0.02) and high - mean == pytest.approx(4.302653 * 0.01 / math.sqrt(3), rel=1e-5)
    assert low == pytest.approx(2 * mean - high)
    assert all(math.isnan(x) for x in interval([0.5])[1:]) and math.isnan(interval([])[0])


def test_pairing_sees_what_the_unpaired_rule_cannot():
    # Seeds move both variants together (0.80, 0.85, 0.90 ...); the variant is ahead by 0.004 on every seed.
    reference = [0.80, 0.85, 0.90, 0.82]
    table = runs(reference, [r + 0.004 + d for r, d in zip(reference, (0.0, 0.001, -0.001, 0.0))])
    verdict = dc.paired_verdict(table, "new", "ref")
    assert verdict["label"] == "better" and verdict["n_pairs"] == 4 and verdict["low"] > 0
    assert verdict["difference"] == pytest.approx(0.004)
    means, stds = table.groupby("variant")["val_accuracy"].mean(), table.groupby("variant")["val_accuracy"].std()
    assert abs(means["new"] - means["ref"]) < stds["new"] + stds["ref"]   # the old unpaired rule: "within the spread"


def test_more_seeds_sharpen_the_verdict():
    noise = [0.003, -0.002, 0.004, -0.001, 0.002, 0.0, -0.003, 0.001, 0.003, -0.002]
    widths = []
    for n in (3, 5, 10):
        table = runs([0.85] * n, [0.85 + 0.002 + e for e in noise[:n]])
        verdict = dc.paired_verdict(table, "new", "ref")
        widths.append(verdict["high"] - verdict["low"])
    assert widths[0] > widths[1] > widths[2]


def test_losses_count_lower_as_better_and_the_labels_follow_the_interval():
    table = runs([0.40, 0.41, 0.39], [0.35, 0.36, 0.34], metric="min_val_loss")
    verdict = dc.paired_verdict(table, "new", "ref", "min_val_loss", question="does it lower the loss?")
    assert verdict["label"] == "better" and verdict["higher_is_better"] is False and verdict["high"] < 0
    assert verdict["question"] == "does it lower the loss?" and list(verdict) == list(FIELDS)
    assert dc.paired_verdict(table, "ref", "new", "min_val_loss")["label"] == "worse"
    assert dc.paired_verdict(table, "new", "ref", "min_val_loss", higher_is_better=True)["label"] == "worse"


def test_an_interval_over_zero_or_too_few_pairs_is_undecided():
    assert dc.paired_verdict(runs([0.85, 0.86, 0.84], [0.86, 0.85, 0.85]), "new", "ref")["label"] == "undecided"
    two = dc.paired_verdict(runs([0.80, 0.85], [0.90, 0.95]), "new", "ref")
    assert MIN_PAIRS == 3 and two["n_pairs"] == 2 and two["label"] == "undecided" and two["low"] > 0
    one = dc.paired_verdict(runs([0.80], [0.90]), "new", "ref")
    assert one["label"] == "undecided" and one["low"] is None


def test_only_seeds_both_variants_ran_are_paired():
    table = runs([0.80, 0.81, 0.82, 0.83], [0.85, 0.86, 0.87])  # the variant lacks seed 3
    assert dc.paired_verdict(table, "new", "ref")["n_pairs"] == 3


def test_unknown_names_are_explained():
    with pytest.raises(ValueError, match="No variant 'other'"):
        dc.paired_verdict(runs([0.8], [0.9]), "other", "ref")
    with pytest.raises(ValueError, match="no column 'test_accuracy'"):
        dc.paired_verdict(runs([0.8], [0.9]), "new", "ref", "test_accuracy")


def test_a_verdict_whose_label_contradicts_its_interval_is_refused():
    verdict = dc.paired_verdict(runs([0.85, 0.86, 0.84], [0.86, 0.85, 0.85]), "new", "ref")
    with pytest.raises(ValueError, match="says 'better'"):
        check_verdict({**verdict, "label": "better"})
    with pytest.raises(ValueError, match="missing: label"):
        check_verdict({k: v for k, v in verdict.items() if k != "label"})


def test_recorded_verdicts_and_runs_reach_the_report(tmp_path):
    table = runs([0.80, 0.85, 0.90], [0.81, 0.86, 0.91])
    summary = dc.summarize(table.assign(epochs=1, seconds_per_epoch=1.0))
    verdict = dc.paired_verdict(table, "new", "ref", question="is new better?")
    dc.record_results("01_baseline", summary, tmp_path, verdicts=[verdict], runs=table)
    recorded = json.loads((tmp_path / "results" / "01_baseline.json").read_text())
    assert recorded["verdicts"] == [verdict]
    assert [(r["variant"], r["seed"]) for r in recorded["runs"]] == [("ref", 0), ("ref", 1), ("ref", 2),
                                                                      ("new", 0), ("new", 1), ("new", 2)]
    with pytest.raises(ValueError, match="says 'worse'"):
        dc.record_results("01_baseline", summary, tmp_path, verdicts=[{**verdict, "label": "worse"}])
    assert verdicts(tmp_path).loc[0, "label"] == "better"
    paths = write_report(tmp_path)
    text = paths["md"].read_text()
    assert "## Verdicts" in text and "is new better?" in text and "+0.0100 [+0.0100, +0.0100]" in text
    assert paths["verdicts"].is_file()


def test_the_paired_plot_draws_every_seed(tmp_path):
    import matplotlib
    matplotlib.use("Agg")

    ax = dc.plot_paired(runs([0.80, 0.85, 0.90], [0.81, 0.87, 0.90]), "new", "ref")
    assert len(ax.collections[0].get_offsets()) == 3 and "new minus ref" in ax.get_xlabel()


PAIRED_TABLE = pd.DataFrame({"variant": ["plain"] * 3 + ["dropout"] * 3, "seed": [0, 1, 2] * 2,
                             "min_val_loss": [0.300, 0.310, 0.320, 0.290, 0.305, 0.310]})


def paired_answer(verdict, **changes):
    answer = {key: round(verdict[key], 4) for key in ("difference", "low", "high")}
    return {**answer, "label": verdict["label"], **changes}


def test_a_paired_verdict_exercise_wants_the_numbers_and_the_label_that_follows():
    from dnncourse.exercises.expect import Wrong, expect_paired_verdict

    verdict = dc.paired_verdict(PAIRED_TABLE, "dropout", "plain", "min_val_loss")
    assert verdict["label"] == "better"
    assert "better" in expect_paired_verdict(paired_answer(verdict), verdict, what="dropout minus plain")
    z_interval = {"low": round(verdict["difference"] - 1.96 * 0.0029, 4),
                  "high": round(verdict["difference"] + 1.96 * 0.0029, 4)}
    guesses = {
        "a bare word": "better",
        "only a label": {"label": "better"},
        "the sign reversed": paired_answer(verdict, difference=-round(verdict["difference"], 4)),
        "a z-interval": paired_answer(verdict, **z_interval),
        "a label the interval does not give": paired_answer(verdict, label="undecided"),
        "an unknown label": paired_answer(verdict, label="within the spread"),
        "text for a number": paired_answer(verdict, low="about zero"),
    }
    for what, guess in guesses.items():
        with pytest.raises(Wrong) as wrong:
            expect_paired_verdict(guess, verdict, what="dropout minus plain")
        for key in ("difference", "low", "high"):
            assert f"{verdict[key]:.4f}" not in str(wrong.value), f"{what}: the message gives the {key} away"
