"""The recommendation of a stored study: chosen on dev per seed, judged on test, equal to
brute force over every selection, with intervals, alternatives and the CLI's JSON."""

from __future__ import annotations

import itertools
import json
import warnings
import zlib

import numpy as np
import pytest
from _table_backend import run_table_study
from typer.testing import CliRunner

from taskaffinity.analysis import analyze, t_interval
from taskaffinity.cli import app
from taskaffinity.recommendation import recommend_study, split_scores

TASKS = ("more_a", "has_c", "first")  # toy_suite's order


def _noisy(group, task, seed, split):
    """Dev and test disagree on purpose: on dev, has_c+more_a is the best pair for both;
    on test, first gains most from everything. Seeds add a small deterministic wobble."""
    rng = np.random.default_rng(zlib.crc32(f"{group}{task}{seed}{split}".encode()))
    base = {"more_a": 0.6, "has_c": 0.7, "first": 0.5}[task]
    bonus = 0.0
    if split == "dev" and set(group) == {"has_c", "more_a"}:
        bonus = 0.08
    if split == "test" and task == "first" and len(group) > 1:
        bonus = 0.1
    return base + bonus + 0.01 * rng.standard_normal()


def _brute(study, budget):
    """Every selection of at most ``budget`` networks covering all tasks, each task served
    by its best chosen network on mean dev; the best by mean dev objective."""
    sc = split_scores(study)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # cells outside a network
        mean = np.nanmean(sc.choose, axis=0)
    best = None
    for k in range(1, int(budget) + 1):
        for rows in itertools.combinations(range(len(sc.groups)), k):
            vals = np.where(np.isnan(mean[list(rows)]), -np.inf, mean[list(rows)])
            top = vals.max(axis=0)
            if not np.all(np.isfinite(top)):
                continue
            key = (round(top.sum(), 12), -sum(len(sc.groups[r]) for r in rows))
            if best is None or key > best[0]:
                best = (key, {sc.groups[r] for r in rows}, rows, vals.argmax(axis=0))
    return best


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    return run_table_study(tmp_path_factory.mktemp("rec"), _noisy)


@pytest.mark.parametrize("budget", [1, 2, 3])
def test_select_equals_brute_force_on_dev(study, budget):
    rec = recommend_study(study, [budget])
    (b,) = rec.budgets
    _, groups, rows, arg = _brute(study, budget)
    assert rec.chosen_on == "dev" and not rec.note
    assert set(b.choice.networks) == groups
    # the objective on dev and its value on test: per seed, each task's score in its network
    sc = split_scores(study)
    assign = np.asarray(rows)[arg]
    dev = sc.choose[:, assign, np.arange(3)].sum(axis=1)
    test = sc.test[:, assign, np.arange(3)].sum(axis=1)
    for got, want in ((b.choice.dev, dev), (b.choice.test, test)):
        mean, low, high, _ = t_interval(want)
        assert got.mean == pytest.approx(mean) and got.seeds == 3
        assert got.low == pytest.approx(low) and got.high == pytest.approx(high)


def test_choice_is_made_on_dev_not_test(study):
    """On dev has_c+more_a is the best network; on test, first gains everywhere: the
    choice follows dev and the test value shows what it is worth."""
    (b,) = recommend_study(study, [2]).budgets
    assert ("has_c", "more_a") in b.choice.networks
    assert b.choice.assignment["has_c"] == b.choice.assignment["more_a"]


def test_cells_behind_the_choice_are_settled_from_the_analysis(study):
    a = analyze(study.score_table(), seeds=study.seeds)
    (b,) = recommend_study(study, [2], analysis=a).budgets
    cell = next(t for t in b.choice.tasks if t.task == "more_a")
    i, j = a.tasks.index("more_a"), a.sources.index("has_c")
    assert cell.settled == int(a.settled[i, j])
    assert cell.gain_rate.low == pytest.approx(a.gain_rate_ci[i, j, 0])


def test_alternatives_are_those_the_data_cannot_tell_apart(study):
    (b,) = recommend_study(study, [3]).budgets
    assert b.alternatives_searched and b.n_considered > 0
    sc = split_scores(study)
    mine = sc.choose[:, [sc.groups.index(b.choice.networks[b.choice.assignment[t]])
                         for t in TASKS], np.arange(3)].sum(axis=1)  # fmt: skip
    for alt in b.alternatives:
        rows = [sc.groups.index(alt.networks[alt.assignment[t]]) for t in TASKS]
        other = sc.choose[:, rows, np.arange(3)].sum(axis=1)
        _, low, _, _ = t_interval(mine - other)
        assert low <= 0  # the interval of the difference includes 0 (mine is the best)


def test_plain_sentence_when_the_data_cannot_separate(tmp_path):
    """Every group scores its single run plus seed noise: nothing beats training alone."""

    def flat(group, task, seed, split):
        return 0.5 + 0.05 * ((seed * 7 + len(group) * 3 + len(task)) % 5 - 2) / 2

    st = run_table_study(tmp_path, flat)
    rec = recommend_study(st, [3])
    assert "cannot separate" in rec.budgets[0].statement


def test_no_dev_scores_fall_back_to_test_with_a_note(tmp_path):
    st = run_table_study(tmp_path, _noisy, dev=False)
    rec = recommend_study(st, [2])
    assert rec.chosen_on == "test" and "no dev scores" in rec.note
    assert rec.to_json()[0]["chosen_on"] == "test" and "note" in rec.to_json()[0]


def test_select_cli_on_a_study_folder_json(study, tmp_path):
    out = tmp_path / "sel.json"
    res = CliRunner().invoke(
        app, ["select", str(study.path), "--budget", "2", "--budget", "1", "--json", str(out)]
    )
    assert res.exit_code == 0, res.output
    records = json.loads(out.read_text())
    assert [r["budget"] for r in records] == [1.0, 2.0]
    r = records[1]
    assert {"budget", "networks", "assignment", "dev_objective", "test_objective"} <= set(r)
    assert all("tasks" in n for n in r["networks"])
    assert set(r["assignment"]) == set(TASKS)
    for task, k in r["assignment"].items():
        assert task in r["networks"][k]["tasks"]
    assert {"mean", "low", "high", "seeds"} == set(r["dev_objective"])
    assert r["chosen_on"] == "dev"
    _, groups, _, _ = _brute(study, 2)
    assert {tuple(n["tasks"]) for n in r["networks"]} == groups


def test_partition_cli_on_a_study_folder(study, tmp_path):
    out = tmp_path / "part.json"
    res = CliRunner().invoke(app, ["partition", str(study.path), "--json", str(out)])
    assert res.exit_code == 0, res.output
    (r,) = json.loads(out.read_text())
    tasks = [t for n in r["networks"] for t in n["tasks"]]
    assert sorted(tasks) == sorted(TASKS)  # disjoint, covering
    bad = CliRunner().invoke(app, ["select", str(study.path), "--budget", "2", "--hoa"])
    assert bad.exit_code != 0 and "study folder" in bad.output


def test_config_budgets_are_the_report_default(tmp_path):
    st = run_table_study(tmp_path, _noisy, budgets="[2]")
    rec = recommend_study(st)
    assert [b.budget for b in rec.budgets] == [2.0]


def _table_scores(sign: float = 1.0, seeds: int = 3):
    """A SplitScores over three tasks built by hand (``sign`` -1: the same study as
    losses, higher_is_better False)."""
    from taskaffinity.recommendation import SplitScores

    tasks = ("a", "b", "c")
    groups = (("a",), ("b",), ("c",), ("a", "b"), ("a", "c"), ("b", "c"), ("a", "b", "c"))
    rng = np.random.default_rng(3)
    base = rng.uniform(0.4, 0.8, size=(len(groups), 3))
    cube = np.full((seeds, len(groups), 3), np.nan)
    for g, group in enumerate(groups):
        for t in group:
            k = tasks.index(t)
            cube[:, g, k] = base[g, k] + 0.01 * rng.standard_normal(seeds)
    dev = cube + 0.02 * rng.standard_normal(cube.shape)
    return SplitScores(tasks, groups, tuple(range(seeds)), sign * dev, sign * cube,
                       sign > 0, "dev", dict.fromkeys(tasks, "accuracy"))  # fmt: skip


@pytest.mark.parametrize("budget", [2, 3])
def test_losses_choose_the_same_networks(budget):
    """The same study as losses (scores negated, lower is better) gets the same networks,
    its objectives negated and its gains unchanged (positive = better either way)."""
    from taskaffinity.recommendation import recommend

    (hi,) = recommend(_table_scores(1.0), [budget]).budgets
    (lo,) = recommend(_table_scores(-1.0), [budget]).budgets
    assert set(hi.choice.networks) == set(lo.choice.networks)
    assert lo.choice.test.mean == pytest.approx(-hi.choice.test.mean)
    assert lo.choice.gain.mean == pytest.approx(hi.choice.gain.mean)
    assert [t.settled for t in lo.choice.tasks] == [t.settled for t in hi.choice.tasks]


def test_partition_equals_brute_force_over_exact_covers():
    from taskaffinity.recommendation import recommend

    sc = _table_scores()
    (b,) = recommend(sc, [None], kind="partition").budgets
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(sc.choose, axis=0)
    best, best_value = None, -np.inf
    for k in (1, 2, 3):
        for rows in itertools.combinations(range(len(sc.groups)), k):
            tasks = [t for r in rows for t in sc.groups[r]]
            if sorted(tasks) != ["a", "b", "c"]:
                continue
            value = sum(np.nansum(mean[r]) for r in rows)
            if value > best_value + 1e-12:
                best, best_value = {sc.groups[r] for r in rows}, value
    assert set(b.choice.networks) == best
    assert b.choice.dev.mean == pytest.approx(best_value)


def test_one_seed_says_what_it_cannot_tell():
    from taskaffinity.recommendation import recommend

    (b,) = recommend(_table_scores(seeds=1), [2]).budgets
    assert b.choice.test.low is None and b.choice.test.seeds == 1
    assert not b.alternatives_searched and b.statement.startswith("One seed")


def test_stored_estimates_are_set_beside_the_choice(study, tmp_path):
    """An affinity matrix under STUDY/estimates: its grouping under the same budget, its
    measured value on test and its difference from the recommendation."""
    import shutil

    from taskaffinity.report import write_study_report
    from taskaffinity.study import open_study
    from taskaffinity.types import AffinityMatrix

    folder = tmp_path / "copy"
    shutil.copytree(study.path, folder)
    values = np.full((3, 3), -1.0)
    values[2, 1] = values[1, 2] = 1.0  # first and has_c help each other
    aff = AffinityMatrix(TASKS, values, "made_up")
    (folder / "estimates").mkdir()
    (folder / "estimates" / "made_up.json").write_text(json.dumps(aff.to_dict()))
    st = open_study(folder)
    (b,) = recommend_study(st, [2]).budgets
    (e,) = b.estimates
    assert e.method == "made_up" and ("first", "has_c") in e.networks
    assert e.measured is not None and e.difference is not None
    assert e.difference.mean == pytest.approx(e.measured.test.mean - b.choice.test.mean)
    page = write_study_report(st, tmp_path / "report").read_text()
    assert "made_up" in page


def test_a_budget_nothing_fits_says_so(tmp_path):
    """Without the network of all tasks, one network cannot serve three tasks: that
    budget's record carries the error, the others their choice, and the report says it."""
    from taskaffinity.report import write_study_report

    st = run_table_study(tmp_path, _noisy, plan="{singles: true, pairs: true, all: false}")
    rec = recommend_study(st, [1, 2])
    first, second = rec.to_json()
    assert set(first) == {"budget", "chosen_on", "error"} and "budget 1" in first["error"]
    assert second["networks"]
    page = write_study_report(st, tmp_path / "report").read_text()
    assert "nothing fits" in page


def test_small_budgets_are_searched_when_the_largest_is_too_many(monkeypatch):
    """The alternatives of a budget are enumerated when that budget's groupings are few,
    even if the largest budget's are too many."""
    import taskaffinity.recommendation._candidates as cand
    from taskaffinity.recommendation import recommend

    monkeypatch.setattr(cand, "MAX_CANDIDATES", 40)  # 7 networks: C(7,<=2) = 28, C(7,<=3) = 63
    small, large = recommend(_table_scores(), [2, 3]).budgets
    assert small.alternatives_searched and small.n_considered > 0
    assert not large.alternatives_searched


def test_pvi_grouping_is_set_beside_the_choice(study, tmp_path):
    """Per-instance PVI stored by ``estimate --method pvi``: first and has_c share one
    distribution, more_a another, so PVI groups first with has_c; that grouping is measured
    beside every budget it fits (two networks or more)."""
    import csv
    import shutil

    from taskaffinity.study import open_study

    folder = tmp_path / "copy"
    shutil.copytree(study.path, folder)
    (folder / "estimates").mkdir()
    rng = np.random.default_rng(0)
    with (folder / "estimates" / "pvi_instances.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["task", "split", "index", "pvi"])
        for task, centre in (("first", 0.0), ("has_c", 0.0), ("more_a", 5.0)):
            for k, x in enumerate(centre + rng.standard_normal(200)):
                w.writerow([task, "test", k, repr(float(x))])
    rec = recommend_study(open_study(folder), [1, 2])
    assert not rec.budgets[0].estimates  # one network cannot hold PVI's two
    (e,) = rec.budgets[1].estimates
    assert e.method.startswith("pvi") and set(e.networks) == {("first", "has_c"), ("more_a",)}
    assert e.measured is not None and e.measured.test.seeds == 3
