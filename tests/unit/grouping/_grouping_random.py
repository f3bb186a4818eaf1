"""Small random score tables (seeded) shared by the grouping tests."""

from __future__ import annotations

import itertools

import numpy as np

from taskaffinity.types import ScoreTable


def random_table(seed: int, *, n: int | None = None, complete: bool = False) -> ScoreTable:
    """Random table: every single, a random share of larger groups (or all), a few
    duplicate networks with another cost, random direction and costs in {0.5, 1, 1.5}."""
    rng = np.random.default_rng(seed)
    n = n or int(rng.integers(3, 6))
    tasks = tuple(f"t{i}" for i in range(n))
    subsets = [c for k in range(1, n + 1) for c in itertools.combinations(range(n), k)]
    groups = [c for c in subsets if len(c) == 1 or complete or rng.random() < 0.5]
    groups += [groups[i] for i in rng.choice(len(groups), size=2, replace=False)]
    scores = np.full((len(groups), n), np.nan)
    for g, grp in enumerate(groups):
        scores[g, list(grp)] = np.round(rng.normal(1.0, 0.3, len(grp)), 3)
    costs = rng.choice([0.5, 1.0, 1.5], size=len(groups))
    costs[-2:] = 2.0  # duplicates are other networks: another cost
    return ScoreTable(
        tasks,
        tuple(tuple(tasks[i] for i in grp) for grp in groups),
        scores,
        costs,
        bool(rng.random() < 0.5),
    )
