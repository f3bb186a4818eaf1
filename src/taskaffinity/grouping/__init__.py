"""Choosing groupings from a score table: exact network selection under a budget
(Standley et al., ICML 2020), selection from a pairwise affinity matrix with TAG's
group-scoring rule (Fifty et al., NeurIPS 2021; :func:`select_from_affinity`), partitions
into disjoint groups, heuristics beyond exact reach, and a registry of searches
(``search(table, budget) -> Grouping``, found by snake_case name: ``milp_select``,
``dp_partition``, ...).

Objectives are in the table's units: the sum over tasks of each task's best score among
the chosen networks (a sum of losses to minimise for lower-is-better tables); selection
from an affinity matrix reports TAG's mean over tasks instead.
"""

from taskaffinity.grouping._affinity_select import (
    MAX_AFFINITY_GROUPS,
    SINGLETON_SCORE,
    affinity_objective,
    affinity_table,
    select_from_affinity,
)
from taskaffinity.grouping._brute import brute_force_partition, brute_force_select
from taskaffinity.grouping._greedy import greedy_select
from taskaffinity.grouping._partition import DP_MAX_TASKS
from taskaffinity.grouping._problem import EPS, evaluate_grouping, problem, score_on
from taskaffinity.grouping._prune import tie_tolerance, undominated
from taskaffinity.grouping._searches import (
    SEARCHES,
    BeamPartition,
    BruteForcePartition,
    BruteForceSelect,
    DPPartition,
    GreedySelect,
    MilpPartition,
    MilpSelect,
    Search,
    available_searches,
    get_search,
    partition,
    register_search,
    search_info,
)
from taskaffinity.grouping._select import (
    select_networks,
    selection_milp,
    selection_model,
    tie_possible,
)

__all__ = [
    "DP_MAX_TASKS",
    "EPS",
    "MAX_AFFINITY_GROUPS",
    "SEARCHES",
    "SINGLETON_SCORE",
    "BeamPartition",
    "BruteForcePartition",
    "BruteForceSelect",
    "DPPartition",
    "GreedySelect",
    "MilpPartition",
    "MilpSelect",
    "Search",
    "affinity_objective",
    "affinity_table",
    "available_searches",
    "brute_force_partition",
    "brute_force_select",
    "evaluate_grouping",
    "get_search",
    "greedy_select",
    "partition",
    "problem",
    "register_search",
    "score_on",
    "search_info",
    "select_from_affinity",
    "select_networks",
    "selection_milp",
    "selection_model",
    "tie_possible",
    "tie_tolerance",
    "undominated",
]
