"""Gain rates paired by seed, their intervals (over seeds, or over test-set resamples for
one seed), settled signs and the split-half reliability, against values computed by hand.

Row = target task, column = source task everywhere."""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pytest
from scipy import stats

from taskaffinity.analysis import (
    analyze,
    gain_rates,
    min_resolvable,
    score_table_from_matrix,
    settled_signs,
    split_half,
    targets_and_sources,
)
from taskaffinity.errors import InputError
from taskaffinity.tables import take_rows
from taskaffinity.types import ScoreTable

NAN = math.nan
T975_2 = stats.t.ppf(0.975, 2)  # Student-t quantile, 2 degrees of freedom (3 seeds)
T975_1 = stats.t.ppf(0.975, 1)


def _table(tasks, groups, cube, **kw) -> ScoreTable:
    cube = np.asarray(cube, dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # mean of the all-NaN cells
        mean = np.nanmean(cube, axis=0)
    return ScoreTable(tasks, groups, mean, np.ones(len(groups)), seed_scores=cube, **kw)


# Three seeds; groups (a), (b), (c), (a, b), (b, c); tasks (a, b, c). c's score in b+c
# is measured, b's is not.
GROUPS = [("a",), ("b",), ("c",), ("a", "b"), ("b", "c")]


def _seed(a, b, c, ab_a, ab_b, bc_c):
    return [
        [a, NAN, NAN],
        [NAN, b, NAN],
        [NAN, NAN, c],
        [ab_a, ab_b, NAN],
        [NAN, NAN, bc_c],
    ]


CUBE = [
    _seed(0.80, 0.50, 1.0, 0.84, 0.55, 0.90),
    _seed(0.60, 0.50, 1.0, 0.66, 0.56, 0.92),
    _seed(0.70, 0.50, 1.0, 0.70, 0.54, 0.88),
]


@pytest.fixture
def three_seeds():
    return analyze(_table(("a", "b", "c"), GROUPS, CUBE))


def test_gain_rate_is_paired_by_seed_not_a_ratio_of_means(three_seeds):
    r = three_seeds
    # a <- b, per seed: (0.84-0.80)/0.80, (0.66-0.60)/0.60, (0.70-0.70)/0.70 -> 5, 10, 0 %
    np.testing.assert_allclose(r.seed_gain_rate[:, 0, 1], [5.0, 10.0, 0.0], atol=1e-12)
    assert r.gain_rate[0, 1] == pytest.approx(5.0)
    # the ratio of the seed means is another number: (0.7333 - 0.70) / 0.70 = 4.76 %
    ratio = (np.mean([0.84, 0.66, 0.70]) - 0.70) / 0.70 * 100
    assert ratio == pytest.approx(4.7619, abs=1e-4)
    assert abs(r.gain_rate[0, 1] - ratio) > 0.2
    # b <- a: 10, 12, 8 %; c <- b: -10, -8, -12 %
    assert r.gain_rate[1, 0] == pytest.approx(10.0)
    assert r.gain_rate[2, 1] == pytest.approx(-10.0)
    assert r.paired_seeds.tolist() == [[0, 3, 0], [3, 0, 0], [0, 3, 0]]
    # the seed intervals' mean is the same paired mean
    np.testing.assert_allclose(r.seeds.rate_mean, r.gain_rate, equal_nan=True)


def test_t_interval_over_seeds_and_settled_signs(three_seeds):
    r = three_seeds
    assert r.ci_kind == "seeds"
    ci = r.gain_rate_ci
    # a <- b: mean 5, sd 5 -> 5 +- t * 5 / sqrt 3: crosses 0
    half = T975_2 * 5.0 / math.sqrt(3)
    assert ci[0, 1, 0] == pytest.approx(5.0 - half) and ci[0, 1, 1] == pytest.approx(5.0 + half)
    # b <- a: mean 10, sd 2 -> [5.03, 14.97]: above 0
    half_b = T975_2 * 2.0 / math.sqrt(3)
    assert ci[1, 0].tolist() == [pytest.approx(10 - half_b), pytest.approx(10 + half_b)]
    assert ci[1, 0, 0] == pytest.approx(5.0317, abs=1e-4)
    # c <- b: mean -10, sd 2: below 0
    assert ci[2, 1, 1] == pytest.approx(-10 + half_b)
    assert np.isnan(ci[0, 0]).all() and np.isnan(ci[0, 2]).all()  # diagonal, missing
    np.testing.assert_equal(r.settled, [[NAN, 0, NAN], [1, NAN, NAN], [NAN, -1, NAN]])
    j = json.loads(json.dumps(r.to_json(), allow_nan=False))
    assert j["settled"] == [[None, 0, None], [1, None, None], [None, -1, None]]
    assert j["gain_rate_ci"][0][0] is None and j["gain_rate_ci"][0][2] is None
    assert j["gain_rate_ci"][1][0] == [pytest.approx(10 - half_b), pytest.approx(10 + half_b)]
    assert j["ci_kind"] == "seeds" and j["seeds"] == [0, 1, 2]
    assert j["sources"] == ["a", "b", "c"] and j["tasks"] == ["a", "b", "c"]


def test_min_resolvable_and_statement(three_seeds):
    rel = three_seeds.reliability
    # half-widths: a<-b t*5/sqrt3, b<-a and c<-b t*2/sqrt3 -> median t*2/sqrt3 = 4.97
    assert rel.min_resolvable == pytest.approx(T975_2 * 2 / math.sqrt(3))
    assert (rel.settled, rel.cells) == (2, 3)
    assert rel.halves == ((0, 2), (1,))
    # half A (seeds 0, 2): a<-b 2.5, b<-a 9, c<-b -11; half B (seed 1): 10, 12, -8
    # ranks (2, 3, 1) and (2, 3, 1) -> r = 1
    assert rel.split_half_spearman == pytest.approx(1.0)
    assert rel.statement == (
        "2 of 3 cells have a settled sign; split-half Spearman r = 1.00; "
        "effects smaller than about ±5.0% cannot be resolved."
    )
    j = three_seeds.to_json()["reliability"]
    assert j["halves"] == [[0, 2], [1]] and j["split_half_spearman"] == pytest.approx(1.0)


def test_cells_with_different_numbers_of_seeds():
    # seed 2 has no single for a: a <- b uses seeds 0 and 1 only; seed 1 lacks the pair
    # b's score, so b <- a has seeds 0 and 2
    cube = [
        [[0.80, NAN], [NAN, 0.50], [0.84, 0.55]],
        [[0.60, NAN], [NAN, 0.50], [0.66, NAN]],
        [[NAN, NAN], [NAN, 0.40], [0.90, 0.42]],
    ]
    r = analyze(_table(("a", "b"), [("a",), ("b",), ("a", "b")], cube))
    assert r.paired_seeds.tolist() == [[0, 2], [2, 0]]
    assert r.gain_rate[0, 1] == pytest.approx((5.0 + 10.0) / 2)
    assert r.gain_rate[1, 0] == pytest.approx((10.0 + 5.0) / 2)
    half = T975_1 * np.std([5.0, 10.0], ddof=1) / math.sqrt(2)
    assert r.gain_rate_ci[0, 1, 0] == pytest.approx(7.5 - half)
    assert np.isnan(r.seed_gain_rate[2, 0, 1]) and np.isnan(r.seed_gain_rate[1, 1, 0])


def test_a_cell_with_one_seed_has_no_interval_and_no_settled_sign():
    cube = [
        [[0.80, NAN], [NAN, 0.50], [0.84, 0.55]],
        [[0.60, NAN], [NAN, 0.50], [NAN, 0.56]],  # a's pair score missing in seed 1
    ]
    r = analyze(_table(("a", "b"), [("a",), ("b",), ("a", "b")], cube))
    assert r.paired_seeds[0, 1] == 1 and r.gain_rate[0, 1] == pytest.approx(5.0)
    assert np.isnan(r.gain_rate_ci[0, 1]).all() and r.settled[0, 1] == 0
    assert r.to_json()["gain_rate_ci"][0][1] is None
    # b <- a: 10 % and 12 %: mean 11, sd sqrt 2, half-width t(1 dof) * sqrt 2 / sqrt 2 =
    # 12.71 -> [-1.71, 23.71] crosses 0
    assert r.gain_rate_ci[1, 0].tolist() == [pytest.approx(11 - T975_1), pytest.approx(11 + T975_1)]
    assert r.gain_rate_ci[1, 0, 0] == pytest.approx(-1.706, abs=1e-3)
    assert r.settled[1, 0] == 0


def test_split_halves_are_even_and_odd_positions_of_the_sorted_seeds():
    # singles 1.0, so a gain rate g is a pair score 1 + g / 100. Seeds given out of order.
    seeds = (7, 3, 5, 1)
    # per cell (a<-b, b<-a, a<-c, c<-a): half A (seeds 1, 5) means 1, 2, 3, 4 (m -1, m +1);
    # half B (seeds 3, 7) means 2, 1, 4, 3
    g = {1: [0, 1, 2, 3], 5: [2, 3, 4, 5], 3: [2, 1, 4, 3], 7: [2, 1, 4, 3]}
    groups = [("a",), ("b",), ("c",), ("a", "b"), ("a", "c")]
    cube = []
    for s in seeds:
        ab_a, ab_b, ac_a, ac_c = (1 + v / 100 for v in g[s])
        cube.append(
            [
                [1.0, NAN, NAN],
                [NAN, 1.0, NAN],
                [NAN, NAN, 1.0],
                [ab_a, ab_b, NAN],
                [ac_a, NAN, ac_c],
            ]
        )
    r = analyze(_table(("a", "b", "c"), groups, cube), seeds=seeds)
    assert r.seed_list == (1, 3, 5, 7)
    np.testing.assert_allclose(r.seed_gain_rate[:, 0, 1], [0, 2, 2, 2], atol=1e-9)  # sorted
    rel = r.reliability
    assert rel.halves == ((1, 5), (3, 7))
    # ranks (1, 2, 3, 4) and (2, 1, 4, 3): sum d^2 = 4 -> 1 - 6 * 4 / (4 * 15) = 0.6
    assert rel.split_half_spearman == pytest.approx(0.6)
    assert r.to_json()["seeds"] == [1, 3, 5, 7]
    assert r.to_json()["reliability"]["halves"] == [[1, 5], [3, 7]]


def test_split_half_function_and_too_few_seeds():
    per_seed = np.array([[[NAN, 1.0], [2.0, NAN]]])
    assert split_half(per_seed, (4,)) == (None, ())
    two = np.array([[[NAN, 1.0], [2.0, NAN]], [[NAN, 3.0], [5.0, NAN]]])
    r, halves = split_half(two, (0, 1))
    assert r == pytest.approx(1.0) and halves == ((0,), (1,))
    r, _ = split_half(np.array([[[NAN, 1.0], [1.0, NAN]]] * 2), (0, 1))
    assert r is None  # constant halves


def test_one_seed_without_bootstrap_says_so():
    s = np.array([[0.80, 0.84], [0.50, 0.50]])
    r = analyze(score_table_from_matrix(("a", "b"), s))
    assert r.ci_kind is None and r.seed_list == ()
    assert r.gain_rate[0, 1] == pytest.approx(5.0)
    np.testing.assert_equal(r.settled, [[NAN, 0], [0, NAN]])
    rel = r.reliability
    assert rel.statement == (
        "One seed: the study cannot separate effects from seed noise; train more seeds."
    )
    assert (rel.split_half_spearman, rel.halves, rel.min_resolvable) == (None, (), None)
    j = json.loads(json.dumps(r.to_json(), allow_nan=False))
    assert j["reliability"]["halves"] is None and j["reliability"]["min_resolvable"] is None
    assert j["gain_rate_ci"] == [[None, None], [None, None]] and j["seeds"] == []
    assert j["settled"] == [[None, 0], [0, None]] and j["ci_kind"] is None


def _bootstrap_table():
    # one seed; groups (a), (b), (a, b); tasks (a, b). Five test-set resamples: a's single
    # score moves a lot between resamples, and its pair score moves with it (same examples)
    scores = np.array([[0.80, NAN], [NAN, 0.50], [0.84, 0.51]])
    single_a = np.array([1.0, 0.5, 2.0, 1.0, 0.8])
    g_ab = np.array([-2.0, 1.0, 3.0, 5.0, 9.0])  # gain of a <- b per resample, percent
    single_b = np.array([0.5, 0.4, 0.6, 0.5, 0.5])
    g_ba = np.array([3.0, 1.0, 5.0, 2.0, 4.0])
    boot = np.full((5, 3, 2), NAN)
    boot[:, 0, 0] = single_a
    boot[:, 1, 1] = single_b
    boot[:, 2, 0] = single_a * (1 + g_ab / 100)
    boot[:, 2, 1] = single_b * (1 + g_ba / 100)
    return ScoreTable(
        ("a", "b"), [("a",), ("b",), ("a", "b")], scores, np.ones(3), bootstrap_scores=boot
    )


def test_one_seed_bootstrap_interval_from_percentiles():
    r = analyze(_bootstrap_table())
    assert r.ci_kind == "test_bootstrap"
    assert r.gain_rate[0, 1] == pytest.approx(5.0)  # the point estimate: the table's scores
    # 5 sorted values x0..x4: the 2.5th percentile sits at 0.1 between x0 and x1, the
    # 97.5th at 0.9 between x3 and x4 (linear interpolation)
    # a <- b: -2, 1, 3, 5, 9 -> -2 + 0.1 * 3 = -1.7 and 5 + 0.9 * 4 = 8.6
    assert r.gain_rate_ci[0, 1].tolist() == [pytest.approx(-1.7), pytest.approx(8.6)]
    # b <- a: 1, 2, 3, 4, 5 -> 1.1 and 4.9: settled positive
    assert r.gain_rate_ci[1, 0].tolist() == [pytest.approx(1.1), pytest.approx(4.9)]
    np.testing.assert_equal(r.settled, [[NAN, 0], [1, NAN]])
    rel = r.reliability
    assert rel.min_resolvable == pytest.approx((10.3 / 2 + 3.8 / 2) / 2)  # median of 2
    assert rel.split_half_spearman is None and rel.halves == ()
    assert rel.statement == (
        "One seed: the intervals resample the test set only and leave training-seed "
        "noise out, which is often larger, so a single seed cannot separate effects "
        "from noise; train 3 or more seeds. "
        "1 of 2 cells have a settled sign; effects smaller than about ±3.5% cannot be "
        "resolved."
    )
    assert r.to_json()["ci_kind"] == "test_bootstrap"


def test_bootstrap_scores_shape_is_checked_and_kept_by_take_rows():
    table = _bootstrap_table()
    with pytest.raises(ValueError, match="bootstrap_scores shape"):
        ScoreTable(table.tasks, table.groups, table.scores, table.costs,
                   bootstrap_scores=np.zeros((5, 2, 2)))  # fmt: skip
    sub = take_rows(table, [2, 0])
    np.testing.assert_array_equal(sub.bootstrap_scores, table.bootstrap_scores[:, [2, 0]])


def test_two_seeds_ignore_the_bootstrap():
    boot = _bootstrap_table().bootstrap_scores
    cube = [
        [[0.80, NAN], [NAN, 0.50], [0.84, 0.55]],
        [[0.60, NAN], [NAN, 0.50], [0.66, 0.56]],
    ]
    r = analyze(_table(("a", "b"), [("a",), ("b",), ("a", "b")], cube, bootstrap_scores=boot))
    assert r.ci_kind == "seeds"
    half = T975_1 * np.std([5.0, 10.0], ddof=1) / math.sqrt(2)
    assert r.gain_rate_ci[0, 1, 1] == pytest.approx(7.5 + half)


def test_source_only_task_makes_a_rectangular_matrix():
    # x is trained with a and with b but never scored: a source-only task
    groups = [("a",), ("b",), ("a", "b"), ("a", "x"), ("b", "x")]
    scores = np.array(
        [
            [0.80, NAN, NAN],
            [NAN, 0.50, NAN],
            [0.84, 0.45, NAN],
            [0.76, NAN, NAN],
            [NAN, 0.55, NAN],
        ]
    )
    table = ScoreTable(("a", "x", "b"), groups, scores[:, [0, 2, 1]], np.ones(5))
    assert targets_and_sources(table) == (("a", "b"), ("a", "b", "x"))
    r = analyze(table, categories={"a": "p", "b": "p", "x": "q"})
    assert r.tasks == ("a", "b") and r.sources == ("a", "b", "x")
    assert r.gain_rate.shape == (2, 3) and r.gain.values.shape == (2, 3)
    np.testing.assert_allclose(r.gain_rate, [[NAN, 5.0, -5.0], [-10.0, NAN, 10.0]], equal_nan=True)
    np.testing.assert_allclose(r.gain.singles, [0.80, 0.50])
    assert (r.positive, r.total) == (2, 4)
    assert r.partners[0].worst == "x" and r.partners[1].best == "x"
    assert r.stability[1].max_source == "x"
    assert r.asymmetry.pairs == 1  # only a <-> b is square
    share = {(c.target_category, c.source_category): c.results for c in r.categories}
    assert share == {("p", "p"): 2, ("p", "q"): 2, ("q", "p"): 0, ("q", "q"): 0}
    assert "1 source-only" in repr(r)
    j = r.to_json()
    assert j["sources"] == ["a", "b", "x"] and len(j["settled"][0]) == 3
    with pytest.raises(InputError, match="no category for task"):
        analyze(table, categories={"a": "p", "b": "p"})


def test_settled_signs_and_min_resolvable_functions():
    low = np.array([0.5, -3.0, -1.0, NAN, NAN])
    high = np.array([2.0, -0.1, 1.0, NAN, NAN])
    measured = np.array([True, True, True, True, False])
    np.testing.assert_equal(settled_signs(low, high, measured), [1, -1, 0, 0, NAN])
    assert min_resolvable(low, high) == pytest.approx(1.0)  # half-widths 0.75, 1.45, 1.0
    assert min_resolvable(low[3:], high[3:]) is None


def test_seed_labels_are_checked():
    table = _table(("a", "b"), [("a",), ("b",), ("a", "b")], [[[0.8, NAN], [NAN, 0.5],
                   [0.84, 0.5]]] * 2)  # fmt: skip
    with pytest.raises(InputError, match="3 seeds given for 2 seed slices"):
        analyze(table, seeds=(0, 1, 2))
    with pytest.raises(InputError, match="duplicate seeds"):
        analyze(table, seeds=(1, 1))
    assert gain_rates(table, seeds=(9, 4)).seeds == (4, 9)


def test_a_table_with_nothing_measured():
    empty = ScoreTable(
        ("a", "b"), (), np.empty((0, 2)), np.empty(0), seed_scores=np.empty((0, 0, 2))
    )
    r = analyze(empty)
    assert (r.total, r.ci_kind, r.seed_list) == (0, None, ())
    assert r.reliability.statement.startswith("One seed:")


def test_gain_rates_repr():
    table = _table(("a", "b", "c"), GROUPS, CUBE)
    assert repr(gain_rates(table)) == "GainRates(3 seeds, 3x3 cells, 3 measured, ci=seeds)"
