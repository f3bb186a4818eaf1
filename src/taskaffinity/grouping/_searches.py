"""Grouping searches by name: the registry (:data:`SEARCHES`, a
:class:`taskaffinity._registry.Registry`), the built-in searches, and :func:`partition`,
which runs a registered partition search by name.

A search is a class whose constructor takes keyword hyperparameters only (stored
unchanged) and whose ``search(table, budget) -> Grouping`` returns the chosen networks,
with ``Grouping.method`` equal to its registered name. ``kind`` is ``"select"`` (networks
may overlap; every task covered; total cost <= budget) or ``"partition"`` (disjoint
networks covering every task; ``budget`` None = unlimited); ``exact`` says whether the
search proves optimality (the contract tests compare exact searches with brute force,
heuristic ones must never beat it).

Built-in searches: ``milp_select``, ``brute_select``, ``greedy_select``; ``dp_partition``,
``milp_partition``, ``beam_partition``, ``brute_partition``. Their former names
(``milp-select``, ..., and ``partition``'s ``dp``, ``milp``, ``beam``) still resolve, with a
``DeprecationWarning``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol

from taskaffinity._registry import Registry
from taskaffinity.errors import InputError
from taskaffinity.grouping._brute import brute_force_partition, brute_force_select
from taskaffinity.grouping._greedy import greedy_select
from taskaffinity.grouping._partition import DP_MAX_TASKS, solve_partition
from taskaffinity.grouping._problem import score_on
from taskaffinity.grouping._select import select_networks

if TYPE_CHECKING:
    from taskaffinity.types import Grouping, ScoreTable

__all__ = [
    "SEARCHES",
    "BeamPartition",
    "BruteForcePartition",
    "BruteForceSelect",
    "DPPartition",
    "GreedySelect",
    "MilpPartition",
    "MilpSelect",
    "Search",
    "available_searches",
    "get_search",
    "partition",
    "register_search",
    "search_info",
]

Kind = Literal["select", "partition"]


class Search(Protocol):
    name: str
    kind: Kind
    exact: bool

    def search(self, table: ScoreTable, budget: float | None) -> Grouping: ...


SEARCHES: Registry[type] = Registry("search", field="search")


def register_search(name: str, *, kind: Kind, exact: bool) -> Callable[[type], type]:
    """Class decorator registering a search under ``name`` (snake_case)."""
    if kind not in ("select", "partition"):
        raise ValueError(f"kind must be 'select' or 'partition', not {kind!r}")
    return SEARCHES.register(name, kind=kind, exact=exact)


def available_searches(kind: Kind | None = None) -> list[str]:
    """Registered search names (of ``kind`` when given), sorted."""
    return SEARCHES.names() if kind is None else SEARCHES.names(kind=kind)


def search_info(name: str) -> type:
    """The registered class of ``name`` (a former name warns and gives the current class)."""
    return SEARCHES.lookup(name)


def get_search(name: str, **params: Any) -> Search:
    """An instance of the search ``name`` with hyperparameters ``params``."""
    return search_info(name)(**params)


# --- the built-in searches -------------------------------------------------------------


def _need(budget: float | None) -> float:
    if budget is None:
        raise ValueError("network selection needs a budget")
    return budget


@register_search("milp_select", kind="select", exact=True)
@dataclass(frozen=True)
class MilpSelect:
    """Exact selection: dominance pruning, easy cases, then the MILP (HiGHS)."""

    prune: bool = True
    time_limit: float | None = None

    def search(self, table: ScoreTable, budget: float | None) -> Grouping:
        return select_networks(table, _need(budget), prune=self.prune, time_limit=self.time_limit)


@register_search("brute_select", kind="select", exact=True)
@dataclass(frozen=True)
class BruteForceSelect:
    """Exhaustive selection over all subsets of networks (small tables only)."""

    max_nodes: int = 5_000_000

    def search(self, table: ScoreTable, budget: float | None) -> Grouping:
        return brute_force_select(table, _need(budget), max_nodes=self.max_nodes)


@register_search("greedy_select", kind="select", exact=False)
@dataclass(frozen=True)
class GreedySelect:
    """Heuristic: cheapest cover, then best gain per cost (not exact)."""

    def search(self, table: ScoreTable, budget: float | None) -> Grouping:
        return greedy_select(table, _need(budget))


@dataclass(frozen=True)
class _ExactPartition:
    name: ClassVar[str]
    algorithm: ClassVar[Literal["dp", "milp"]]

    n_groups: int | None = None
    max_groups: int | None = None
    time_limit: float | None = None

    def search(self, table: ScoreTable, budget: float | None) -> Grouping:
        return solve_partition(
            table,
            self.algorithm,
            method=self.name,
            budget=budget,
            n_groups=self.n_groups,
            max_groups=self.max_groups,
            time_limit=self.time_limit,
        )


@register_search("dp_partition", kind="partition", exact=True)
@dataclass(frozen=True)
class DPPartition(_ExactPartition):
    """Exact partition by dynamic programming over subsets (MILP when a budget binds)."""

    algorithm = "dp"


@register_search("milp_partition", kind="partition", exact=True)
@dataclass(frozen=True)
class MilpPartition(_ExactPartition):
    """Exact partition by a set-partitioning MILP (HiGHS)."""

    algorithm = "milp"


@register_search("beam_partition", kind="partition", exact=False)
@dataclass(frozen=True)
class BeamPartition:
    """Heuristic partition by beam search of ``width`` partial partitions (not exact)."""

    name: ClassVar[str]

    width: int = 16
    n_groups: int | None = None
    max_groups: int | None = None

    def search(self, table: ScoreTable, budget: float | None) -> Grouping:
        return solve_partition(
            table,
            "beam",
            method=self.name,
            budget=budget,
            n_groups=self.n_groups,
            max_groups=self.max_groups,
            width=self.width,
        )


@register_search("brute_partition", kind="partition", exact=True)
@dataclass(frozen=True)
class BruteForcePartition:
    """Exhaustive partition over all sets of disjoint networks (small tables only)."""

    n_groups: int | None = None
    max_groups: int | None = None

    def search(self, table: ScoreTable, budget: float | None) -> Grouping:
        return brute_force_partition(
            table, budget=budget, n_groups=self.n_groups, max_groups=self.max_groups
        )


# Former names, accepted with a DeprecationWarning.
for _old, _new in {
    "milp-select": "milp_select",
    "brute-select": "brute_select",
    "greedy-select": "greedy_select",
    "dp-partition": "dp_partition",
    "milp-partition": "milp_partition",
    "beam-partition": "beam_partition",
    "brute-partition": "brute_partition",
    "dp": "dp_partition",  # partition(method=...) values
    "milp": "milp_partition",
    "beam": "beam_partition",
}.items():
    SEARCHES.alias(_old, _new)


# --- partition by name -----------------------------------------------------------------


def partition(
    table: ScoreTable,
    *,
    budget: float | None = None,
    n_groups: int | None = None,
    max_groups: int | None = None,
    method: str = "auto",
    test: ScoreTable | None = None,
    time_limit: float | None = None,
    width: int = 64,
) -> Grouping:
    """Best partition of ``table``'s tasks into disjoint measured networks, by the
    registered partition search ``method``.

    ``method``: a name of :func:`available_searches` ``("partition")`` (``dp_partition``,
    ``milp_partition``, ``beam_partition`` (heuristic, ``exact=False``; ``width`` partial
    partitions kept), ``brute_partition``, or a plug-in), or ``auto``: ``dp_partition`` up to
    :data:`DP_MAX_TASKS` tasks, else ``milp_partition``. The search is built with those of
    ``n_groups``, ``max_groups``, ``time_limit`` and ``width`` its constructor takes.
    Returns a :class:`Grouping` whose ``predicted`` is the total on ``table`` (table units),
    ``method`` the search's name and, with ``test``, ``measured`` the same networks' total
    on ``test``. ``exact`` is False for heuristic searches and when the MILP hit
    ``time_limit``. Raises :class:`~taskaffinity.errors.InputError` (field ``method``) for
    an unknown or non-partition search, and when no partition satisfies the constraints.
    """
    if method == "auto":
        method = "dp_partition" if table.n_tasks <= DP_MAX_TASKS else "milp_partition"
    if method not in SEARCHES and method not in SEARCHES.aliases:
        choices = ["auto", *available_searches("partition")]
        raise InputError(
            f"unknown partition method {method!r}; choose one of {choices}", field="method"
        )
    cls = SEARCHES.lookup(method)
    if cls.kind != "partition":
        raise InputError(f"{method!r} is a {cls.kind} search, not a partition", field="method")
    offered = {
        "n_groups": n_groups,
        "max_groups": max_groups,
        "time_limit": time_limit,
        "width": width,
    }
    accepted = inspect.signature(cls).parameters
    search = cls(**{k: v for k, v in offered.items() if k in accepted})
    grouping = search.search(table, budget)
    return score_on(grouping, test) if test is not None else grouping
