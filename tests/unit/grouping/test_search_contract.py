"""Contract every registered grouping search passes: valid output, budget respected, and
(exact searches) equal to brute force on many small random tables; heuristics never
beat it."""

from __future__ import annotations

import numpy as np
import pytest
from _grouping_random import random_table

from taskaffinity.errors import InputError
from taskaffinity.grouping import (
    available_searches,
    brute_force_partition,
    brute_force_select,
    evaluate_grouping,
    get_search,
    search_info,
)
from taskaffinity.types import Grouping

SEEDS = range(25)


def _better(a: float, b: float, higher: bool) -> bool:
    return a > b + 1e-9 if higher else a < b - 1e-9


def _check_valid(g: Grouping, table, budget, kind: str) -> None:
    assert isinstance(g, Grouping)
    assert len(g.groups) == len(g.costs) > 0
    assert all(grp in table.groups for grp in g.groups)
    covered = [t for grp in g.groups for t in grp]
    assert set(covered) == set(table.tasks)
    if kind == "partition":
        assert len(covered) == len(set(covered))
    if budget is not None:
        assert sum(g.costs) <= budget + 1e-9
    assert np.isclose(evaluate_grouping(table, g.groups, g.costs), g.predicted)


@pytest.mark.parametrize("name", available_searches("select"))
@pytest.mark.parametrize("seed", SEEDS)
def test_select_contract(name: str, seed: int) -> None:
    table = random_table(seed)
    budget = float(np.random.default_rng(seed).choice([1.0, 1.5, 2.0, 3.0]))
    search = get_search(name)
    try:
        ref = brute_force_select(table, budget)
    except InputError:
        with pytest.raises(InputError):
            search.search(table, budget)
        return
    g = search.search(table, budget)
    _check_valid(g, table, budget, "select")
    assert g.exact == search_info(name).exact
    if search.exact:
        assert np.isclose(g.predicted, ref.predicted)
        # Same tie-break (fewest task memberships, then cost): the same set up to full ties.
        assert _tie_key(g) == _tie_key(ref)
    else:
        assert not _better(g.predicted, ref.predicted, table.higher_is_better)


def _tie_key(g: Grouping) -> tuple[int, float]:
    return sum(len(x) for x in g.groups), round(sum(g.costs), 9)


@pytest.mark.parametrize("name", available_searches("partition"))
@pytest.mark.parametrize("seed", SEEDS)
def test_partition_contract(name: str, seed: int) -> None:
    table = random_table(seed)
    rng = np.random.default_rng(seed)
    budget = [None, 2.0, 3.0][seed % 3]
    extra = [{}, {"n_groups": 2}, {"max_groups": 2}][int(rng.integers(3))]
    search = get_search(name, **extra)
    try:
        ref = brute_force_partition(table, budget=budget, **extra)
    except InputError:
        with pytest.raises(InputError):
            search.search(table, budget)
        return
    g = search.search(table, budget)
    _check_valid(g, table, budget, "partition")
    if "n_groups" in extra:
        assert len(g.groups) == extra["n_groups"]
    if "max_groups" in extra:
        assert len(g.groups) <= extra["max_groups"]
    if search.exact:
        assert np.isclose(g.predicted, ref.predicted)
    else:
        assert not _better(g.predicted, ref.predicted, table.higher_is_better)


@pytest.mark.parametrize("name", available_searches())
def test_deterministic_and_permutation_invariant(name: str) -> None:
    table = random_table(3, n=4)
    budget = 3.0
    search = get_search(name)
    a, b = search.search(table, budget), search.search(table, budget)
    assert a == b
    from taskaffinity.tables import take_rows

    perm = np.random.default_rng(0).permutation(len(table.groups))
    c = search.search(take_rows(table, perm), budget)
    if search.exact:
        assert np.isclose(c.predicted, a.predicted)


def test_registry_rejects_duplicates_and_unknown() -> None:
    from taskaffinity.grouping import register_search

    with pytest.raises(ValueError):
        register_search("milp-select", kind="select", exact=True)(type("X", (), {}))
    with pytest.raises(InputError):
        get_search("no-such-search")
