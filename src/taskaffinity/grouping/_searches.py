"""The registered searches (see :mod:`taskaffinity.grouping._registry`)."""

from __future__ import annotations

from dataclasses import dataclass

from taskaffinity.grouping._brute import brute_force_partition, brute_force_select
from taskaffinity.grouping._greedy import greedy_select
from taskaffinity.grouping._partition import partition
from taskaffinity.grouping._registry import register_search
from taskaffinity.grouping._select import select_networks
from taskaffinity.types import Grouping, ScoreTable

__all__ = [
    "BeamPartition",
    "BruteForcePartition",
    "BruteForceSelect",
    "DPPartition",
    "GreedySelect",
    "MilpPartition",
    "MilpSelect",
]


def _need(budget: float | None) -> float:
    if budget is None:
        raise ValueError("network selection needs a budget")
    return budget


@register_search("milp-select", kind="select", exact=True)
@dataclass(frozen=True)
class MilpSelect:
    """Exact selection: dominance pruning, easy cases, then the MILP (HiGHS)."""

    prune: bool = True
    time_limit: float | None = None

    def search(self, table: ScoreTable, budget: float | None) -> Grouping:
        return select_networks(table, _need(budget), prune=self.prune, time_limit=self.time_limit)


@register_search("brute-select", kind="select", exact=True)
@dataclass(frozen=True)
class BruteForceSelect:
    """Exhaustive selection over all subsets of networks (small tables only)."""

    max_nodes: int = 5_000_000

    def search(self, table: ScoreTable, budget: float | None) -> Grouping:
        return brute_force_select(table, _need(budget), max_nodes=self.max_nodes)


@register_search("greedy-select", kind="select", exact=False)
@dataclass(frozen=True)
class GreedySelect:
    """Heuristic: cheapest cover, then best gain per cost (not exact)."""

    def search(self, table: ScoreTable, budget: float | None) -> Grouping:
        return greedy_select(table, _need(budget))


@dataclass(frozen=True)
class _Partition:
    n_groups: int | None = None
    max_groups: int | None = None
    time_limit: float | None = None
    method = "auto"

    def search(self, table: ScoreTable, budget: float | None) -> Grouping:
        return partition(
            table,
            budget=budget,
            n_groups=self.n_groups,
            max_groups=self.max_groups,
            method=self.method,
            time_limit=self.time_limit,
        )


@register_search("dp-partition", kind="partition", exact=True)
@dataclass(frozen=True)
class DPPartition(_Partition):
    """Exact partition by dynamic programming over subsets (MILP when a budget binds)."""

    method = "dp"


@register_search("milp-partition", kind="partition", exact=True)
@dataclass(frozen=True)
class MilpPartition(_Partition):
    """Exact partition by a set-partitioning MILP (HiGHS)."""

    method = "milp"


@register_search("beam-partition", kind="partition", exact=False)
@dataclass(frozen=True)
class BeamPartition:
    """Heuristic partition by beam search of ``width`` partial partitions (not exact)."""

    width: int = 16
    n_groups: int | None = None
    max_groups: int | None = None

    def search(self, table: ScoreTable, budget: float | None) -> Grouping:
        return partition(
            table,
            budget=budget,
            n_groups=self.n_groups,
            max_groups=self.max_groups,
            method="beam",
            width=self.width,
        )


@register_search("brute-partition", kind="partition", exact=True)
@dataclass(frozen=True)
class BruteForcePartition:
    """Exhaustive partition over all sets of disjoint networks (small tables only)."""

    n_groups: int | None = None
    max_groups: int | None = None

    def search(self, table: ScoreTable, budget: float | None) -> Grouping:
        return brute_force_partition(
            table, budget=budget, n_groups=self.n_groups, max_groups=self.max_groups
        )
