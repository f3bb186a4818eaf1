"""Active choice by Thompson sampling, its stopping rule and the final recommendation."""

from __future__ import annotations

import numpy as np
import pytest

from taskaffinity.errors import InputError
from taskaffinity.grouping import brute_force_select, select_networks
from taskaffinity.prediction import choose_next, get_predictor, recommend, settled, stable_rounds
from taskaffinity.tables import take_rows
from taskaffinity.testing import planted_table
from taskaffinity.types import ScoreTable


def _truth_table(planted) -> ScoreTable:  # type: ignore[no-untyped-def]
    return ScoreTable(
        planted.tasks, planted.groups, planted.truth, np.ones(len(planted.groups)), True
    )


def test_choice_is_new_deterministic_and_of_size_k() -> None:
    planted = planted_table(5, seed=0, noise=0.2, n_seeds=2, n_extra=3)
    pred = get_predictor("pairwise")
    args = (pred, planted.measured, planted.groups, [2, 3], 4)
    a = choose_next(*args, n_draws=6, seed=1)
    b = choose_next(*args, n_draws=6, seed=1)
    assert a.groups == b.groups and a.votes == b.votes
    assert len(a.groups) == 4 and len(set(a.groups)) == 4
    assert not set(a.groups) & set(planted.measured.groups)
    assert all(len(g) >= 2 for g in a.groups)
    assert list(a.votes) == sorted(a.votes, reverse=True)
    assert set(a.recommendation) == {2.0, 3.0}


def test_thompson_sampling_trains_what_the_optimum_needs() -> None:
    """All pairs of a noiseless additive table measured: an additive model's posterior is
    sure of every larger network, so the first choice is a network of the true optimum."""
    planted = planted_table(5, seed=3, combine="sum")
    truth = _truth_table(planted)
    best = select_networks(truth, 2)
    unmeasured = [g for g in best.groups if g not in planted.measured.groups]
    assert unmeasured, "the planted optimum should need a larger network"
    choice = choose_next(
        get_predictor("pairwise", interactions=False),
        planted.measured,
        planted.groups,
        [2],
        1,
        n_draws=4,
    )
    assert choice.groups[0] in unmeasured
    assert choice.votes[0] == pytest.approx(1.0)


def test_stopping_rule() -> None:
    """Everything measured without noise: settled; a few noisy pairs only: not settled."""
    planted = planted_table(4, seed=2, combine="sum")
    full = ScoreTable(
        planted.tasks, planted.groups, planted.truth, np.ones(len(planted.groups)), True
    )
    pred = get_predictor("pairwise")
    done = choose_next(pred, full, planted.groups, [1, 2], 1, n_draws=8, tolerance=1e-6)
    assert done.settled and max(done.regret.values()) <= 1e-6
    noisy = planted_table(6, seed=2, third=0.5, noise=0.5, n_seeds=2)
    few = take_rows(noisy.measured, [0, 1, 2, 3, 4, 5, 6, 9])
    early = choose_next(pred, few, noisy.groups, [2, 3], 2, n_draws=8)
    assert not early.settled and max(early.regret.values()) > 0


def test_stable_rule_counts_rounds_that_leave_the_recommendation_unchanged() -> None:
    """A round whose recommendation is the previous one's is stable; one whose previous
    recommendation is clearly worse under the posterior (every task alone on a table of
    large sure gains) changed it; the plan stops after ``patience`` stable rounds."""
    planted = planted_table(5, seed=4, combine="sum", noise=0.05, n_seeds=3)
    pred = get_predictor("pairwise")
    args = (pred, planted.measured, planted.groups, [1, 2], 2)
    first = choose_next(*args, n_draws=8)
    assert first.changed and not first.settled  # no previous round: changed
    same = choose_next(*args, n_draws=8, previous=first.recommendation)
    assert not same.changed
    assert stable_rounds(0, first) == 0 and stable_rounds(1, same) == 2
    assert settled(same, 2, patience=2) and not settled(same, 1, patience=2)
    assert not settled(same, 5, patience=0)  # patience 0: only the certain rule
    from taskaffinity.types import Grouping

    alone = {b: Grouping(tuple((t,) for t in planted.tasks), 0.0) for b in (1.0, 2.0)}
    best = max(first.recommendation[1.0].predicted, first.recommendation[2.0].predicted)
    assert best > 1.0, "the planted table should reward some combination clearly"
    moved = choose_next(*args, n_draws=8, previous=alone)
    assert moved.changed


def test_recommend_equals_brute_force_and_respects_its_rule() -> None:
    planted = planted_table(5, seed=4, third=0.2, noise=0.1, n_seeds=2, n_extra=5)
    pred = get_predictor("kernel").predict(planted.measured, planted.groups)
    for budget in (2, 3):
        got = recommend(pred, budget)
        ref = brute_force_select(pred.table(), budget)
        assert got.predicted == pytest.approx(ref.predicted)
        only = recommend(pred, budget, rule="measured")
        allowed = set(planted.measured.groups)
        assert all(g in allowed for g in only.groups)
        low = recommend(pred, budget, rule="lower")
        assert low.predicted <= got.predicted + 1e-9
    with pytest.raises(InputError, match="rule"):
        recommend(pred, 2, rule="best")


def test_bad_arguments() -> None:
    planted = planted_table(4, seed=0)
    pred = get_predictor("hoa")
    with pytest.raises(InputError, match="batch"):
        choose_next(pred, planted.measured, planted.groups, [2], 0)
    with pytest.raises(InputError, match="budget"):
        choose_next(pred, planted.measured, planted.groups, [], 1)


def test_greedy_solver_and_pool_for_large_draws() -> None:
    """``solver="greedy"`` and ``pool`` still propose new combinations: on a noiseless
    additive table with every pair measured, a network the greedy selection on the truth
    uses."""
    from taskaffinity.grouping import greedy_select

    planted = planted_table(5, seed=3, combine="sum")
    pred = get_predictor("pairwise", interactions=False)
    args = (pred, planted.measured, planted.groups, [2], 1)
    fast = choose_next(*args, n_draws=4, solver="greedy", pool=3)
    assert fast.groups and not set(fast.groups) & set(planted.measured.groups)
    assert fast.groups[0] in greedy_select(_truth_table(planted), 2).groups
    with pytest.raises(InputError, match="solver"):
        choose_next(*args, solver="annealing")


def test_replayed_plan_respects_max_runs_and_never_trains_twice() -> None:
    from taskaffinity.prediction import replay_active

    planted = planted_table(5, seed=5, third=0.2)
    table = _truth_table(planted)
    run = replay_active(table, get_predictor("hoa", pairs_from="all"), 14, (2, 3), n_draws=4)
    assert len(run.rows) == 14 and len(set(run.rows)) == 14
    first = {table.groups[g] for g in run.rows[:6]}
    assert {(t,) for t in planted.tasks} | {planted.tasks} <= first
    again = replay_active(table, get_predictor("hoa", pairs_from="all"), 14, (2, 3), n_draws=4)
    assert again.rows == run.rows
    with pytest.raises(InputError, match="max_runs"):
        replay_active(table, get_predictor("hoa"), 4, (2,))


def test_replayed_plan_stops_by_its_rule() -> None:
    """On a noiseless additive table an additive model is sure once the pairs are in: the
    plan stops long before it has trained every combination."""
    from taskaffinity.prediction import replay_active

    planted = planted_table(4, seed=6, combine="sum")
    table = _truth_table(planted)
    run = replay_active(
        table,
        get_predictor("pairwise", interactions=False, noise=1e-8),
        len(table.groups),
        (2,),
        n_start=6,
        rounds=8,
        n_draws=6,
        stop=True,
    )
    assert run.settled_at is not None and len(run.rows) < len(table.groups)
