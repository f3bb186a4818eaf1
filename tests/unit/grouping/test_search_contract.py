"""Every registered grouping search passes the search contract of
:mod:`taskaffinity.testing` (valid output, budget respected, exact searches equal to brute
force on many small random tables, heuristics never better), records its registered name,
and the former names still resolve."""

from __future__ import annotations

import pytest

from taskaffinity.errors import InputError
from taskaffinity.grouping import available_searches, get_search, search_info
from taskaffinity.testing import check_deterministic, check_partition, check_select, random_table

SEEDS = range(25)


@pytest.mark.parametrize("name", available_searches("select"))
@pytest.mark.parametrize("seed", SEEDS)
def test_select_contract(name: str, seed: int) -> None:
    check_select(name, seed)


@pytest.mark.parametrize("name", available_searches("partition"))
@pytest.mark.parametrize("seed", SEEDS)
def test_partition_contract(name: str, seed: int) -> None:
    check_partition(name, seed)


@pytest.mark.parametrize("name", available_searches())
def test_deterministic_and_permutation_invariant(name: str) -> None:
    check_deterministic(name)


def test_registry_rejects_duplicates_and_unknown() -> None:
    from taskaffinity.grouping import register_search

    with pytest.raises(ValueError):
        register_search("milp_select", kind="select", exact=True)(type("X", (), {}))
    with pytest.raises(InputError):
        get_search("no-such-search")


@pytest.mark.parametrize("name", available_searches())
def test_method_is_the_registered_name(name: str) -> None:
    assert get_search(name).search(random_table(3, n=4), 3.0).method == name


def test_former_names_warn_and_resolve() -> None:
    with pytest.deprecated_call(match="'milp-select' is deprecated; use 'milp_select'"):
        assert search_info("milp-select") is search_info("milp_select")
    with pytest.deprecated_call(match="'dp-partition' is deprecated; use 'dp_partition'"):
        assert get_search("dp-partition", n_groups=2) == get_search("dp_partition", n_groups=2)
    assert "milp-select" not in available_searches()
