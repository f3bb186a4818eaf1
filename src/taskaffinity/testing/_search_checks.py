"""Contract every grouping search meets (docs/design.md, "Contracts"), runnable by anyone.

On seeded random score tables (:func:`random_table`): the search returns a valid
:class:`~taskaffinity.types.Grouping` (networks of the table, every task covered, a
partition covers each task once, the budget respected, ``method`` the registered name,
``predicted`` equal to the grouping's value recomputed from the table); an exact search
equals brute force (same value and, by the stated tie-break, the same number of task
memberships and cost); a heuristic never beats brute force; repeated searches agree and an
exact search's value does not depend on the order of the table's rows.

A select search also runs :func:`~taskaffinity.grouping.select_from_affinity` (TAG's
rule over every group of a seeded random affinity matrix, :func:`random_affinity`):
checked against an exhaustive search written here in exact rational arithmetic (every
set of at most ``K`` groups; ties: fewest task memberships, then fewest networks), for
several singleton scores (TAG's -1e6, 0, -0.25, +1e6), and for a permutation of the tasks.

``check_search(name)`` runs all of it on the registered search ``name``; the single
checks (``check_select``, ``check_affinity_select``, ``check_partition``,
``check_deterministic``) take one seed, so a test suite can parametrize over seeds.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from taskaffinity.errors import InputError
from taskaffinity.grouping import (
    brute_force_partition,
    brute_force_select,
    evaluate_grouping,
    get_search,
    search_info,
    select_from_affinity,
)
from taskaffinity.tables import take_rows
from taskaffinity.types import AffinityMatrix, Grouping, ScoreTable

__all__ = [
    "check_affinity_select",
    "check_deterministic",
    "check_partition",
    "check_search",
    "check_select",
    "complete_table",
    "random_affinity",
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


def random_affinity(seed: int, *, n: int | None = None, scale: float = 1.0) -> AffinityMatrix:
    """A random affinity matrix: ``n`` tasks (``t0`` ..., 3 to 5 when not given),
    off-diagonal values N(0, 1) rounded to 2 decimals (so some values tie), times
    ``scale``; diagonal NaN (row = target, column = source). Seeded: the same ``seed``
    gives the same matrix."""
    rng = np.random.default_rng(seed)
    n = n or int(rng.integers(3, 6))
    values = np.round(rng.normal(0.0, 1.0, (n, n)), 2) * scale
    np.fill_diagonal(values, np.nan)
    return AffinityMatrix(tuple(f"t{i}" for i in range(n)), values, "random")


#: Singleton scores the affinity check cycles through: TAG's, zero, a value among the
#: affinities, and one above them all.
SINGLETON_SCORES = (-1e6, 0.0, -0.25, 1e6)


def _exact_best(
    affinity: AffinityMatrix, budget: int, singleton: float
) -> tuple[Fraction, tuple[int, int], Callable[[Sequence[Sequence[str]]], Fraction]]:
    """Exhaustive TAG selection in rational arithmetic: the best total over tasks, the
    least ``(task memberships, networks)`` among the selections reaching it, and the exact
    total of any selection."""
    tasks = affinity.tasks
    n = len(tasks)
    v = [[Fraction(float(x)) if i != j else Fraction(0) for j, x in enumerate(row)]
         for i, row in enumerate(affinity.values)]  # fmt: skip
    subsets = [c for k in range(1, n + 1) for c in itertools.combinations(range(n), k)]

    def worth(group: tuple[int, ...]) -> dict[int, Fraction]:
        if len(group) == 1:
            return {group[0]: Fraction(singleton)}
        return {t: sum((v[t][s] for s in group if s != t), Fraction(0)) / (len(group) - 1)
                for t in group}  # fmt: skip

    table = {g: worth(g) for g in subsets}

    def total(groups: Sequence[tuple[int, ...]]) -> Fraction | None:
        best: dict[int, Fraction] = {}
        for g in groups:
            for t, x in table[g].items():
                best[t] = max(best[t], x) if t in best else x
        return sum(best.values(), Fraction(0)) if len(best) == n else None

    top: Fraction | None = None
    key = (0, 0)
    for k in range(1, budget + 1):
        for chosen in itertools.combinations(subsets, k):
            value = total(chosen)
            if value is None:
                continue
            this = (sum(len(g) for g in chosen), k)
            if top is None or value > top or (value == top and this < key):
                top, key = value, this
    assert top is not None, "every task alone is always a selection within budget n"

    def of(groups: Sequence[Sequence[str]]) -> Fraction:
        value = total([tuple(sorted(tasks.index(t) for t in g)) for g in groups])
        assert value is not None, "a selection that leaves a task uncovered"
        return value

    return top, key, of


def check_affinity_select(name: str, seed: int) -> None:
    """Selection from ``random_affinity(seed)`` (scaled by 1, 1e-3 or 1e-6: estimators'
    affinities can be tiny next to TAG's singleton score) with the select search ``name``
    (through :func:`~taskaffinity.grouping.select_from_affinity`), budget 1 to 3
    networks, singleton score from :data:`SINGLETON_SCORES`: valid, equal to the exact
    exhaustive answer (exact searches: same total and tie-break; heuristics: never
    better), and the same total for the tasks in reverse order."""
    affinity = random_affinity(seed, scale=(1.0, 1e-3, 1e-6)[(seed // 4) % 3])
    n = len(affinity.tasks)
    budget = int(np.random.default_rng(seed + 1000).integers(1, 4))
    singleton = SINGLETON_SCORES[seed % len(SINGLETON_SCORES)]
    g = select_from_affinity(affinity, budget, singleton_score=singleton, method=name)
    assert isinstance(g, Grouping) and g.method == name, f"{name}: method is {g.method!r}"
    assert 0 < len(g.groups) <= budget, f"{name}: {len(g.groups)} networks for budget {budget}"
    assert g.costs == (1.0,) * len(g.groups), f"{name}: a network does not cost 1"
    assert {t for grp in g.groups for t in grp} == set(affinity.tasks), f"{name}: uncovered"
    best, key, total = _exact_best(affinity, budget, singleton)
    value = total(g.groups)
    assert abs(g.predicted - float(value / n)) <= 1e-9 * max(1.0, abs(float(value / n))), (
        f"{name}: predicted {g.predicted} is not the selection's mean {float(value / n)}"
    )
    if search_info(name).exact:
        assert value == best, f"{name}: not optimal on the affinity of seed {seed}"
        this = (sum(len(x) for x in g.groups), len(g.groups))
        assert this == key, f"{name}: tie broken differently (seed {seed}): {this} vs {key}"
        order = tuple(reversed(range(n)))
        flipped = AffinityMatrix(
            tuple(affinity.tasks[i] for i in order),
            affinity.values[np.ix_(order, order)],
            affinity.method,
        )
        h = select_from_affinity(flipped, budget, singleton_score=singleton, method=name)
        assert total(h.groups) == best, f"{name}: the value depends on the task order"
    else:
        assert value <= best, f"{name}: a heuristic beat exhaustive search (seed {seed})"


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
    select or partition, decides which checks apply; a select search also selects from
    affinity matrices, :func:`check_affinity_select`). Raises ``AssertionError``."""
    kind = search_info(name).kind
    for seed in seeds:
        (check_select if kind == "select" else check_partition)(name, seed)
        if kind == "select":
            check_affinity_select(name, seed)
    check_deterministic(name)
