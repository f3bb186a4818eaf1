"""Registry of grouping searches: one decorator, looked up by name.

A search is a class whose constructor takes keyword hyperparameters only (stored
unchanged) and whose ``search(table, budget) -> Grouping`` returns the chosen networks.
``kind`` is ``"select"`` (networks may overlap; every task covered; total cost <= budget)
or ``"partition"`` (disjoint networks covering every task; ``budget`` None = unlimited);
``exact`` says whether the search proves optimality (the contract tests compare exact
searches with brute force, heuristic ones must never beat it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, Protocol

from taskaffinity._registry import Registry
from taskaffinity.types import Grouping, ScoreTable

__all__ = ["Search", "available_searches", "get_search", "register_search", "search_info"]

Kind = Literal["select", "partition"]


class Search(Protocol):
    name: str
    kind: Kind
    exact: bool

    def search(self, table: ScoreTable, budget: float | None) -> Grouping: ...


SEARCHES: Registry = Registry("search", field="search")


def register_search(name: str, *, kind: Kind, exact: bool) -> Callable[[type], type]:
    """Class decorator registering a search under ``name``."""
    if kind not in ("select", "partition"):
        raise ValueError(f"kind must be 'select' or 'partition', not {kind!r}")
    return SEARCHES.register(name, kind=kind, exact=exact)


def available_searches(kind: Kind | None = None) -> list[str]:
    """Registered search names (of ``kind`` when given), sorted."""
    return SEARCHES.names() if kind is None else SEARCHES.names(kind=kind)


def search_info(name: str) -> type:
    """The registered class of ``name``."""
    return SEARCHES.lookup(name)


def get_search(name: str, **params: Any) -> Search:
    """An instance of the search ``name`` with hyperparameters ``params``."""
    return search_info(name)(**params)
