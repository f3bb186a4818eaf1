"""Reduced-cost fixing of the selection tie-break: never drops a network of a tied
selection (checked by enumerating every selection), and does drop networks."""

from __future__ import annotations

import itertools

import numpy as np

from taskaffinity.grouping import EPS, problem, selection_model, tie_possible, tie_tolerance
from taskaffinity.testing import random_table


def _selections(prob, budget):
    """Every subset of rows within ``budget`` that covers every task, with its value."""
    n = len(prob.costs)
    for k in range(1, n + 1):
        for rows in itertools.combinations(range(n), k):
            rows = list(rows)
            if prob.costs[rows].sum() <= budget + EPS and prob.members[rows].any(axis=0).all():
                yield rows, prob.value(rows)


def test_fixing_keeps_every_tied_selection_and_drops_others() -> None:
    dropped = checked = 0
    for seed in range(12):
        prob = problem(random_table(seed, n=3 + seed % 2))
        if len(prob.costs) > 14:
            continue
        tol = tie_tolerance(prob)
        for budget in (1.5, 2.0, 3.0):
            found = list(_selections(prob, budget))
            if not found:
                continue
            best = max(v for _, v in found)
            m = selection_model(prob, np.arange(len(prob.costs)), budget)
            keep = tie_possible(m.a, m.lb, m.ub, m.gain, m.n_x, best - m.const - tol)
            assert keep is not None and keep.shape == (len(prob.costs),)
            for rows, value in found:
                if value >= best - tol:
                    assert keep[rows].all(), (seed, budget, rows)
                    checked += 1
            dropped += int((~keep).sum())
    assert checked > 20 and dropped > 0
