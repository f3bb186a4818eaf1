"""Every CSV a study's report writes reads back into the command that takes that kind of
table and gives the report's numbers (analysis.json); the CSVs that are summaries, not
inputs, are refused by ``analyze`` with a message naming the file. A toy study
(taskaffinity.testing's toy backend, three tasks) trains in seconds."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from taskaffinity.cli import app
from taskaffinity.grouping import partition, select_from_affinity, select_networks
from taskaffinity.testing import write_toy_config
from taskaffinity.types import AffinityMatrix, ScoreTable

#: Report CSVs that hold scores or gains and the commands that read them back.
INPUTS = {"scores.csv", "seeds.csv", "gain_rate.csv"}
#: Report CSVs that summarise (no command takes them as input).
SUMMARIES = {
    "gain_rate_ci.csv", "stability.csv", "partners.csv", "categories.csv", "all_tasks.csv",
    "baselines.csv", "seed_intervals.csv", "costs.csv", "failed.csv", "settled_partners.csv",
    "settled_categories.csv",
}  # fmt: skip
#: analysis.json keys that seeds.csv cannot carry: the all-task network (the long layout
#: holds singles and pairs), and the study's baselines and categories (not score tables).
NOT_IN_SEEDS = {"all_tasks", "baselines", "categories", "task_categories"}


def _invoke(*argv: str) -> str:
    res = CliRunner().invoke(app, [str(a) for a in argv])
    assert res.exit_code == 0, res.output
    return res.output


def _study(root: Path, seeds: str) -> Path:
    cfg = write_toy_config(root / "toy.yaml", seeds=seeds)
    out = root / "study"
    _invoke("run", cfg, "--out", out, "--quiet")
    _invoke("report", out)
    return out


@pytest.fixture(scope="module")
def three_seeds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _study(tmp_path_factory.mktemp("three"), "[0, 1, 2]")


@pytest.fixture(scope="module")
def one_seed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _study(tmp_path_factory.mktemp("one"), "[0]")


def _json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _analyze(study: Path, name: str) -> dict:
    out = study / f"again_{name}.json"
    _invoke("analyze", study / name, "--json", out)
    return _json(out)


def _same(a: object, b: object) -> None:
    np.testing.assert_allclose(
        np.array(a, dtype=float), np.array(b, dtype=float), rtol=1e-12, equal_nan=True
    )


def test_every_csv_is_classified(three_seeds: Path) -> None:
    written = {p.name for p in three_seeds.glob("*.csv")}
    assert written >= INPUTS
    assert written <= INPUTS | SUMMARIES, f"a new CSV to classify: {written - INPUTS - SUMMARIES}"


def test_seeds_csv_gives_the_reports_analysis(three_seeds: Path) -> None:
    report = _json(three_seeds / "analysis.json")
    again = _analyze(three_seeds, "seeds.csv")
    assert again["seeds"] == [0, 1, 2] and again["ci"]["n_seeds"] == 3
    for key in sorted(set(report) - NOT_IN_SEEDS):
        assert again[key] == report[key], key


def test_scores_csv_gives_the_reports_scores(three_seeds: Path, one_seed: Path) -> None:
    for study in (three_seeds, one_seed):
        report = _json(study / "analysis.json")
        again = _analyze(study, "scores.csv")
        assert again["tasks"] == report["tasks"] and again["sources"] == report["sources"]
        _same(again["scores"], report["scores"])
    # one seed: the scores are the measurements, so every gain statistic is the report's
    report, again = _json(one_seed / "analysis.json"), _analyze(one_seed, "scores.csv")
    _same(again["gain_rate"], report["gain_rate"])
    assert again["stability"] == report["stability"] and again["partners"] == report["partners"]


def _report_table(study: Path) -> ScoreTable:
    report = _json(study / "analysis.json")
    return ScoreTable.from_matrix(report["tasks"], np.array(report["scores"], dtype=float))


@pytest.mark.parametrize("name", ["scores.csv", "seeds.csv"])
def test_select_and_partition_read_the_score_tables(three_seeds: Path, name: str) -> None:
    """No --format: detected from the header; the choice is the one made on the report's
    scores (a network's score: the mean over seeds)."""
    truth = _report_table(three_seeds)
    out = three_seeds / f"select_{name}.json"
    _invoke("select", three_seeds / name, "--budget", "2", "--budget", "3", "--json", out)
    for record, budget in zip(_json(out), (2, 3), strict=True):
        best = select_networks(truth, budget)
        assert record["objective"] == pytest.approx(best.predicted, rel=1e-12)
        assert {tuple(n["tasks"]) for n in record["networks"]} == set(best.groups)
    out = three_seeds / f"partition_{name}.json"
    _invoke("partition", three_seeds / name, "--json", out)
    (record,) = _json(out)
    assert record["objective"] == pytest.approx(partition(truth).predicted, rel=1e-12)


def test_select_reads_the_gain_rates_as_an_affinity(three_seeds: Path) -> None:
    report = _json(three_seeds / "analysis.json")
    aff = AffinityMatrix(
        tuple(report["tasks"]), np.array(report["gain_rate"], dtype=float), "gain_rate"
    )
    out = three_seeds / "select_gain_rate.json"
    _invoke("select", three_seeds / "gain_rate.csv", "--budget", "2", "--json", out)
    (record,) = _json(out)
    assert record["chosen_on"] == "affinity"
    best = select_from_affinity(aff, 2, singleton_score=record["singleton_score"])
    assert record["objective"] == pytest.approx(best.predicted, rel=1e-12)


def test_summaries_are_refused_naming_the_file(three_seeds: Path) -> None:
    for path in sorted(three_seeds.glob("*.csv")):
        if path.name not in SUMMARIES:
            continue
        res = CliRunner().invoke(app, ["analyze", str(path)])
        assert res.exit_code == 2, (path.name, res.output)
        assert f"{path}:1:" in res.output and "Traceback" not in res.output


def test_a_wrong_format_says_which_it_looks_like(three_seeds: Path) -> None:
    res = CliRunner().invoke(
        app, ["select", str(three_seeds / "scores.csv"), "--budget", "2", "--format", "standley"]
    )
    assert res.exit_code == 2
    assert "field 'format'" in res.output and "use --format matrix" in res.output
    res = CliRunner().invoke(
        app, ["partition", str(three_seeds / "seeds.csv"), "--format", "matrix"]
    )
    assert res.exit_code == 2 and "use --format csv" in res.output


def test_analyze_says_what_a_matrix_of_means_cannot_tell(three_seeds: Path) -> None:
    res = CliRunner().invoke(app, ["analyze", str(three_seeds / "scores.csv")])
    assert res.exit_code == 0
    assert "holds one score per cell" in res.output and "seeds.csv" in res.output
    res = CliRunner().invoke(app, ["analyze", str(three_seeds / "seeds.csv")])
    assert res.exit_code == 0 and "holds one score per cell" not in res.output
    assert "3 seeds" in res.output


def test_select_reads_an_estimates_json_without_format(tmp_path: Path) -> None:
    """The JSON ``estimate --json`` writes (AffinityMatrix.to_dict) is detected as an
    affinity matrix."""
    values = np.array([[np.nan, 0.4, -0.3], [0.5, np.nan, -0.2], [0.1, -0.1, np.nan]])
    aff = AffinityMatrix(("a", "b", "c"), values, "tag")
    path = tmp_path / "tag.json"
    path.write_text(json.dumps(aff.to_dict(), allow_nan=True), encoding="utf-8")
    out = tmp_path / "sel.json"
    _invoke("select", path, "--budget", "2", "--json", out)
    (record,) = _json(out)
    best = select_from_affinity(aff, 2, singleton_score=record["singleton_score"])
    assert record["chosen_on"] == "affinity"
    assert record["objective"] == pytest.approx(best.predicted, rel=1e-12)
