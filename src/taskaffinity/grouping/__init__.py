"""Choosing groupings from a score table: exact network selection under a budget
(Standley et al., ICML 2020), partitions into disjoint groups, heuristics beyond exact
reach, and a registry of searches (``search(table, budget) -> Grouping``).

Objectives are in the table's units: the sum over tasks of each task's best score among
the chosen networks (a sum of losses to minimise for lower-is-better tables).
"""

from taskaffinity.grouping._brute import brute_force_partition, brute_force_select
from taskaffinity.grouping._greedy import greedy_select
from taskaffinity.grouping._partition import DP_MAX_TASKS, partition
from taskaffinity.grouping._problem import evaluate_grouping, score_on
from taskaffinity.grouping._prune import undominated
from taskaffinity.grouping._registry import (
    Search,
    available_searches,
    get_search,
    register_search,
    search_info,
)
from taskaffinity.grouping._searches import (
    BeamPartition,
    BruteForcePartition,
    BruteForceSelect,
    DPPartition,
    GreedySelect,
    MilpPartition,
    MilpSelect,
)
from taskaffinity.grouping._select import select_networks

__all__ = [
    "DP_MAX_TASKS",
    "BeamPartition",
    "BruteForcePartition",
    "BruteForceSelect",
    "DPPartition",
    "GreedySelect",
    "MilpPartition",
    "MilpSelect",
    "Search",
    "available_searches",
    "brute_force_partition",
    "brute_force_select",
    "evaluate_grouping",
    "get_search",
    "greedy_select",
    "partition",
    "register_search",
    "score_on",
    "search_info",
    "select_networks",
    "undominated",
]
