"""Cheap estimators of task affinity: predict the gain matrix without training every pair.

Every estimator is a registered class with keyword hyperparameters and
``estimate(suite, backend, budget=None) -> AffinityMatrix`` (row = target task, column =
source task, diagonal NaN, cost recorded). Registered: ``pvi`` (Ethayarajh et al. 2022;
Li et al.), ``tag`` (lookahead affinity, Fifty et al. 2021), ``gradient_cosine`` (Yu et
al. 2020). ``get_estimator(name, **params)`` builds one; ``available()`` lists them.
:class:`Budget` caps what an estimation may spend (seed, steps, seconds) and carries the
brute-force grid's cost for ``cost_fraction``. ``compare_estimators(study)`` scores every
estimator against a study's measured gain matrix; ``comparison_section`` puts the result
in the HTML report. PVI extras: ``compute_pvi`` (per-instance PVI, CSV export) and
``group_by_pvi`` (t-tests / ANOVA candidate groups, proposed grouping).
"""

from taskaffinity.affinity._base import (
    Budget,
    BudgetExceeded,
    Estimator,
    available,
    cost_fraction,
    get_estimator,
    register_estimator,
    seconds_fraction,
)
from taskaffinity.affinity._compare import (
    TARGET,
    compare_estimators,
    grid_cost,
    load_affinity,
    run_estimator,
)
from taskaffinity.affinity._gradient import GradientCosine, gradient_cosines
from taskaffinity.affinity._lookahead import LookaheadAffinity, lookahead_step
from taskaffinity.affinity._pvi import PVIEstimator, PVIResult, compute_pvi
from taskaffinity.affinity._pvi_grouping import (
    CandidateGroup,
    PVIGrouping,
    group_by_pvi,
    two_sample,
)
from taskaffinity.affinity._report import comparison_section, scatter_data

__all__ = [
    "TARGET",
    "Budget",
    "BudgetExceeded",
    "CandidateGroup",
    "Estimator",
    "GradientCosine",
    "LookaheadAffinity",
    "PVIEstimator",
    "PVIGrouping",
    "PVIResult",
    "available",
    "compare_estimators",
    "comparison_section",
    "compute_pvi",
    "cost_fraction",
    "get_estimator",
    "gradient_cosines",
    "grid_cost",
    "group_by_pvi",
    "load_affinity",
    "lookahead_step",
    "register_estimator",
    "run_estimator",
    "scatter_data",
    "seconds_fraction",
    "two_sample",
]
