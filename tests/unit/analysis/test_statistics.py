"""Every statistic of ``analyze`` against values computed by hand."""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pytest
from scipy import stats

from taskaffinity.analysis import analyze, gain_matrix, gain_rate, score_table_from_matrix
from taskaffinity.errors import InputError
from taskaffinity.types import ScoreTable

NAN = math.nan
TASKS = ("a", "b", "c")
# row = target, column = auxiliary, diagonal = single task. Task b: no pair beats single.
S = np.array(
    [
        [0.80, 0.84, 0.76],
        [0.50, 0.50, 0.45],
        [0.90, 0.88, 0.85],
    ]
)
CATS = {"a": "x", "b": "x", "c": "y"}


@pytest.fixture
def result():
    return analyze(score_table_from_matrix(TASKS, S), categories=CATS)


def test_gain_matrix_layout():
    gm = gain_matrix(score_table_from_matrix(TASKS, S))
    np.testing.assert_allclose(gm.values, S)
    np.testing.assert_allclose(gm.singles, [0.80, 0.50, 0.85])
    assert gm.low is None and gm.high is None


def test_gain_rate_and_counts(result):
    expected = np.array(
        [
            [NAN, 5.0, -5.0],
            [0.0, NAN, -10.0],
            [0.05 / 0.85 * 100, 0.03 / 0.85 * 100, NAN],
        ]
    )
    np.testing.assert_allclose(result.gain_rate, expected, equal_nan=True)
    assert (result.positive, result.total) == (3, 6)  # a<-b, c<-a, c<-b; b<-a is 0, not positive


def test_stability(result):
    a, b, c = result.stability
    assert (a.single, a.max, a.max_source, a.min, a.min_source) == (0.80, 0.84, "b", 0.76, "c")
    assert a.range == pytest.approx(0.08) and a.std == pytest.approx(0.04)
    # b: the best pair only ties the single score -> no source
    assert (b.max, b.max_source, b.min, b.min_source) == (0.50, None, 0.45, "c")
    assert b.range == pytest.approx(0.05)
    assert b.std == pytest.approx(math.sqrt((0.0**2 + 0.05**2) / 2))
    # c: every pair beats the single score; range = max(best, single) - worst
    assert (c.max_source, c.min_source) == ("a", "b")
    assert c.range == pytest.approx(0.90 - 0.88)
    assert c.std == pytest.approx(math.sqrt((0.05**2 + 0.03**2) / 2))


def test_partners(result):
    a, b, c = result.partners
    assert (a.best, a.worst) == ("b", "c")
    assert (a.best_gain, a.worst_gain) == (pytest.approx(5), pytest.approx(-5))
    assert (b.best, b.worst) == ("a", "c")
    assert (c.best, c.worst) == ("a", "b")


def test_category_synergy(result):
    got = {(s.target_category, s.source_category): (s.results, s.positive, s.share)
           for s in result.categories}  # fmt: skip
    assert got == {
        ("x", "x"): (2, 1, 0.5),
        ("x", "y"): (2, 0, 0.0),
        ("y", "x"): (2, 2, 1.0),
        ("y", "y"): (0, 0, None),
    }


def test_asymmetry(result):
    x = np.array([5.0, -5.0, -10.0])  # G[a,b], G[a,c], G[b,c]
    y = np.array([0.0, 0.05 / 0.85 * 100, 0.03 / 0.85 * 100])  # G[b,a], G[c,a], G[c,b]
    asym = result.asymmetry
    assert (asym.pairs, asym.sign_agreement, asym.agreement_share) == (3, 0, 0.0)
    assert asym.pearson == pytest.approx(np.corrcoef(x, y)[0, 1])
    assert asym.mean_abs_difference == pytest.approx(np.mean(np.abs(x - y)))


def test_lower_is_better_flips_the_sign():
    loss = np.array([[1.0, 0.9, 1.2], [2.2, 2.0, 2.5], [0.4, 0.45, 0.5]])
    r = analyze(score_table_from_matrix(TASKS, loss, higher_is_better=False))
    expected = np.array([[NAN, 10.0, -20.0], [-10.0, NAN, -25.0], [20.0, 10.0, NAN]])
    np.testing.assert_allclose(r.gain_rate, expected, equal_nan=True)
    assert (r.positive, r.total) == (3, 6)
    a, b, c = r.stability
    assert (a.max, a.max_source, a.min, a.min_source) == (0.9, "b", 1.2, "c")
    assert a.range == pytest.approx(1.2 - 0.9)
    assert (b.max, b.max_source, b.min, b.min_source) == (2.2, None, 2.5, "c")
    assert b.range == pytest.approx(2.5 - 2.0)  # the single loss is better than every pair
    assert (c.max, c.max_source, c.min_source) == (0.4, "a", "b")
    assert c.range == pytest.approx(0.05)
    assert r.partners[0].best == "b"


def test_unmeasured_cells_are_left_out():
    m = S.copy()
    m[0, 2] = m[2, 0] = NAN
    m[1, 0] = m[1, 2] = NAN
    r = analyze(score_table_from_matrix(TASKS, m))
    assert r.total == 2 and math.isnan(r.gain_rate[0, 2])
    b = r.stability[1]
    assert b.single == 0.5 and b.max is None and b.range is None and b.std is None
    assert r.partners[1].best is None
    text = json.dumps(r.to_json(), allow_nan=False)  # NaN became null
    assert '"max": null' in text


def test_all_task_run():
    groups = [("a",), ("b",), ("c",), ("a", "b"), ("a", "b", "c")]
    scores = np.array(
        [[0.8, NAN, NAN], [NAN, 0.5, NAN], [NAN, NAN, 0.85], [0.84, 0.5, NAN], [0.82, 0.45, 0.85]]
    )
    r = analyze(ScoreTable(TASKS, groups, scores, np.ones(5)))
    a, b, c = r.all_tasks
    assert (a.single, a.all) == (0.8, 0.82) and a.delta == pytest.approx(0.02)
    assert a.gain_rate == pytest.approx(2.5)
    assert b.delta == pytest.approx(-0.05) and b.gain_rate == pytest.approx(-10.0)
    assert c.delta == 0.0
    assert r.to_json()["all_tasks"][0]["all"] == 0.82
    assert r.total == 2  # only the pair a+b was measured


def test_largest_network_of_a_repeated_group_is_used():
    groups = [("a",), ("a",), ("b",), ("a", "b")]  # half-size then full-size single network
    scores = np.array([[0.5, NAN], [0.8, NAN], [NAN, 0.6], [0.84, 0.6]])
    gm = gain_matrix(ScoreTable(("a", "b"), groups, scores, np.array([0.5, 1, 1, 1])))
    assert gm.values[0, 0] == 0.8


def _seed_table():
    # 3 seeds x groups (a), (b), (a, b) x tasks (a, b)
    seeds = np.array(
        [
            [[0.80, NAN], [NAN, 0.50], [0.84, 0.48]],
            [[0.78, NAN], [NAN, 0.55], [0.83, 0.50]],
            [[0.82, NAN], [NAN, 0.53], [0.88, 0.49]],
        ]
    )
    groups = [("a",), ("b",), ("a", "b")]
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # mean of the all-NaN cells
        mean = np.nanmean(seeds, 0)
    return ScoreTable(("a", "b"), groups, mean, np.ones(3), seed_scores=seeds)


def test_seed_intervals_match_scipy():
    table = _seed_table()
    r = analyze(table)
    seeds = table.seed_scores
    pair_a = seeds[:, 2, 0]
    low, high = stats.t.interval(0.95, df=2, loc=pair_a.mean(), scale=stats.sem(pair_a))
    assert r.gain.low[0, 1] == pytest.approx(low) and r.gain.high[0, 1] == pytest.approx(high)
    single_b = seeds[:, 1, 1]
    low, high = stats.t.interval(0.95, df=2, loc=single_b.mean(), scale=stats.sem(single_b))
    assert r.gain.low[1, 1] == pytest.approx(low)
    # gain rates: one per seed (pair vs the same seed's single), then mean and t interval
    rates = (seeds[:, 2, 1] - seeds[:, 1, 1]) / seeds[:, 1, 1] * 100
    low, high = stats.t.interval(0.95, df=2, loc=rates.mean(), scale=stats.sem(rates))
    ci = r.to_json()["ci"]
    assert ci["n_seeds"] == 3
    assert ci["gain_rate"]["mean"][1][0] == pytest.approx(rates.mean())
    assert (ci["gain_rate"]["low"][1][0], ci["gain_rate"]["high"][1][0]) == (
        pytest.approx(low),
        pytest.approx(high),
    )
    assert ci["gain_rate"]["mean"][0][0] is None  # diagonal
    # the a+b network is also the all-task network: delta interval over seeds
    deltas = seeds[:, 2, 0] - seeds[:, 0, 0]
    low, _ = stats.t.interval(0.95, df=2, loc=deltas.mean(), scale=stats.sem(deltas))
    assert r.all_tasks[0].low == pytest.approx(low)
    assert "3 seeds" in repr(r)


def test_gain_rate_of_a_zero_single_is_undefined():
    rate = gain_rate(np.array([[0.0, 0.5], [0.2, 0.4]]))
    assert math.isnan(rate[0, 1]) and rate[1, 0] == pytest.approx(-50.0)


def test_json_schema(result):
    j = json.loads(json.dumps(result.to_json(), allow_nan=False))
    assert {"tasks", "gain_rate", "positive", "total", "stability", "categories"} <= set(j)
    assert j["tasks"] == list(TASKS)
    assert [j["gain_rate"][i][i] for i in range(3)] == [None, None, None]
    assert j["gain_rate"][0][1] == pytest.approx(5.0)
    keys = {"task", "single", "max", "max_source", "min", "min_source", "range", "std"}
    assert all(set(s) == keys for s in j["stability"])
    keys = {"target_category", "source_category", "results", "positive", "share"}
    assert all(set(c) == keys for c in j["categories"])
    assert "baselines" not in j and "all_tasks" not in j
    new = {"sources", "gain_rate_ci", "settled", "ci_kind", "reliability", "seeds"}
    assert new <= set(j) and j["sources"] == list(TASKS)
    assert set(j["reliability"]) >= {"split_half_spearman", "halves", "min_resolvable", "statement"}
    j = analyze(score_table_from_matrix(TASKS, S), baselines={"a": 0.3}).to_json()
    assert j["baselines"] == {"a": 0.3} and j["categories"] == []


def test_missing_category_is_an_input_error():
    with pytest.raises(InputError, match="no category for task"):
        analyze(score_table_from_matrix(TASKS, S), categories={"a": "x"})


def test_repr(result):
    assert repr(result) == "Analysis(3 tasks, 3/6 positive, higher is better)"
