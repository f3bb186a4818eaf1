"""Contract every grouping search meets (DESIGN.md, "Contracts"), runnable by anyone.

On seeded random score tables (:func:`random_table`): the search returns a valid
:class:`~taskaffinity.types.Grouping` (networks of the table, every task covered, a
partition covers each task once, the budget respected, ``method`` the registered name,
``predicted`` equal to the grouping's value recomputed from the table); an exact search
equals brute force (same value and, by the stated tie-break, the same number of task
memberships and cost); a heuristic never beats brute force; repeated searches agree and an
exact search's value does not depend on the order of the table's rows.

``check_search(name)`` runs all of it on the registered search ``name``; the single
checks (``check_select``, ``check_partition``, ``check_deterministic``) take one seed, so
a test suite can parametrize over seeds.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import numpy as np

from taskaffinity.errors import InputError
from taskaffinity.grouping import (
    brute_force_partition,
    brute_force_select,
    evaluate_grouping,
    get_search,
    search_info,
)
from taskaffinity.tables import take_rows
from taskaffinity.types import Grouping, ScoreTable

__all__ = [
    "check_deterministic",
    "check_partition",
    "check_search",
    "check_select",
    "complete_table",
    "random_table",
]


def random_table(seed: int, *, n: int | None = None, complete: bool = False) -> ScoreTable:
    """A random score table (groups x tasks, NaN where a task is not in the group): every
    single, a random half of the larger groups (all with ``complete``), two duplicate
    networks with cost 2, random direction, costs in {0.5, 1, 1.5}; ``n`` tasks (3 to 5
    when not given). Seeded: the same ``seed`` gives the same table."""
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


def complete_table(n: int = 4, seed: int = 0, *, additive: bool = False) -> ScoreTable:
    """A table of every non-empty group of ``n`` tasks (``t0`` ...): task ``i``'s score in
    group ``G`` is ``e[i, i] + sum_{j in G, j != i} e[i, j]`` plus N(0, 0.3) noise (none
    with ``additive``), ``e`` seeded normal; the input of HOA and surrogate tests."""
    from taskaffinity.tables import all_groups

    rng = np.random.default_rng(seed)
    tasks = tuple(f"t{i}" for i in range(n))
    effect = rng.normal(0, 1, (n, n))
    groups = all_groups(tasks)
    scores = np.full((len(groups), n), np.nan)
    for g, grp in enumerate(groups):
        idx = [tasks.index(t) for t in grp]
        for i in idx:
            noise = 0 if additive else rng.normal(0, 0.3)
            scores[g, i] = effect[i, i] + sum(effect[i, j] for j in idx if j != i) + noise
    return ScoreTable(tasks, tuple(groups), scores, np.ones(len(groups)))


def _better(a: float, b: float, higher: bool) -> bool:
    return a > b + 1e-9 if higher else a < b - 1e-9


def _tie_key(g: Grouping) -> tuple[int, float]:
    return sum(len(x) for x in g.groups), round(sum(g.costs), 9)


def _check_valid(
    name: str, g: Grouping, table: ScoreTable, budget: float | None, kind: str
) -> None:
    assert isinstance(g, Grouping), f"{name}: returned {type(g).__name__}, not a Grouping"
    assert g.method == name, f"{name}: Grouping.method is {g.method!r}, not the registered name"
    assert len(g.groups) == len(g.costs) > 0, f"{name}: groups and costs differ in length"
    assert all(grp in table.groups for grp in g.groups), f"{name}: a group not in the table"
    covered = [t for grp in g.groups for t in grp]
    assert set(covered) == set(table.tasks), f"{name}: tasks left uncovered"
    if kind == "partition":
        assert len(covered) == len(set(covered)), f"{name}: a task in two groups of a partition"
    if budget is not None:
        assert sum(g.costs) <= budget + 1e-9, f"{name}: cost {sum(g.costs)} over {budget}"
    value = evaluate_grouping(table, g.groups, g.costs)
    assert np.isclose(value, g.predicted), f"{name}: predicted {g.predicted} != value {value}"


def _reference(
    name: str,
    search: Any,
    table: ScoreTable,
    budget: float | None,
    brute: Callable[[], Grouping],
) -> Grouping | None:
    """Brute force's answer, or None when the problem is infeasible; then the search must
    raise :class:`InputError` too."""
    try:
        return brute()
    except InputError:
        pass
    try:
        search.search(table, budget)
    except InputError:
        return None
    raise AssertionError(f"{name}: infeasible problem, but no InputError")


def check_select(name: str, seed: int) -> None:
    """Network selection under a random budget on ``random_table(seed)``."""
    table = random_table(seed)
    budget = float(np.random.default_rng(seed).choice([1.0, 1.5, 2.0, 3.0]))
    search = get_search(name)
    ref = _reference(name, search, table, budget, lambda: brute_force_select(table, budget))
    if ref is None:
        return
    g = search.search(table, budget)
    _check_valid(name, g, table, budget, "select")
    assert g.exact == search_info(name).exact, f"{name}: Grouping.exact disagrees with registry"
    if search.exact:
        assert np.isclose(g.predicted, ref.predicted), f"{name}: not optimal (seed {seed})"
        assert _tie_key(g) == _tie_key(ref), f"{name}: tie broken differently (seed {seed})"
    else:
        assert not _better(g.predicted, ref.predicted, table.higher_is_better), (
            f"{name}: a heuristic beat brute force (seed {seed})"
        )


def check_partition(name: str, seed: int) -> None:
    """Partition of ``random_table(seed)`` with a random budget and group-count option."""
    table = random_table(seed)
    rng = np.random.default_rng(seed)
    budget = [None, 2.0, 3.0][seed % 3]
    extra: dict[str, Any] = [{}, {"n_groups": 2}, {"max_groups": 2}][int(rng.integers(3))]
    search = get_search(name, **extra)
    ref = _reference(
        name, search, table, budget, lambda: brute_force_partition(table, budget=budget, **extra)
    )
    if ref is None:
        return
    g = search.search(table, budget)
    _check_valid(name, g, table, budget, "partition")
    if "n_groups" in extra:
        assert len(g.groups) == extra["n_groups"], f"{name}: n_groups not respected"
    if "max_groups" in extra:
        assert len(g.groups) <= extra["max_groups"], f"{name}: max_groups not respected"
    if search.exact:
        assert np.isclose(g.predicted, ref.predicted), f"{name}: not optimal (seed {seed})"
    else:
        assert not _better(g.predicted, ref.predicted, table.higher_is_better), (
            f"{name}: a heuristic beat brute force (seed {seed})"
        )


def check_deterministic(name: str, seed: int = 3) -> None:
    """Two searches agree; an exact search's value ignores the order of the rows."""
    table = random_table(seed, n=4)
    budget = 3.0
    search = get_search(name)
    a, b = search.search(table, budget), search.search(table, budget)
    assert a == b, f"{name}: two searches of one table differ"
    perm = np.random.default_rng(0).permutation(len(table.groups))
    c = search.search(take_rows(table, perm), budget)
    if search.exact:
        assert np.isclose(c.predicted, a.predicted), f"{name}: value depends on row order"


def check_search(name: str, seeds: range = range(25)) -> None:
    """Run the whole search contract on the registered search ``name`` (its ``kind``,
    select or partition, decides which checks apply). Raises ``AssertionError``."""
    kind = search_info(name).kind
    for seed in seeds:
        (check_select if kind == "select" else check_partition)(name, seed)
    check_deterministic(name)
