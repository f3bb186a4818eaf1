"""Cheap estimators of task affinity: predict the gain matrix without training every pair.

Every estimator is a registered class with keyword hyperparameters and
``estimate(suite, backend, budget=None) -> AffinityMatrix`` (row = target task, column =
source task, diagonal NaN, cost recorded). Registered: ``pvi`` (Ethayarajh et al. 2022;
Li et al.), ``tag`` (lookahead affinity, Fifty et al. 2021), ``gradient_cosine`` (Yu et
al. 2020), ``grad_tag`` (linearised multitask model, Li et al. 2024), ``taskemb``
(Fisher task embeddings, Vu et al. 2020).
``get_estimator(name, **params)`` builds one; ``available()`` lists them.
:class:`Budget` caps what an estimation may spend (seed, steps, seconds) and carries the
brute-force grid's cost for ``cost_fraction``; ``run_estimator`` caches an estimate and
``load_affinity`` reads one back; ``open_target`` resolves a study folder or config
to what an estimator runs on and ``step_cap`` turns a grid fraction into a step cap.
Scoring estimates against measured transfer is in :mod:`taskaffinity.evaluation`. PVI
extras: ``compute_pvi`` (per-instance PVI, CSV export)
and ``group_by_pvi`` (t-tests / ANOVA candidate groups, proposed grouping). TAG extras:
``lookahead_step`` (one probed step's matrix) and ``lookahead_displacements`` (one source
task's lookahead step per shared tensor, for each option of ``LOOKAHEAD_STEPS``).
"""

from taskaffinity.affinity._base import (
    ESTIMATORS,
    Estimator,
    available,
    get_estimator,
    register_estimator,
)
from taskaffinity.affinity._budget import (
    Budget,
    BudgetExceeded,
    cost_fraction,
    seconds_fraction,
    step_cap,
)
from taskaffinity.affinity._estimate_cache import load_affinity, run_estimator
from taskaffinity.affinity._grad_tag import (
    GradientSketch,
    GradTAG,
    fit_linearised,
    linearised_losses,
)
from taskaffinity.affinity._gradient import GradientCosine, gradient_cosines
from taskaffinity.affinity._lookahead import (
    LOOKAHEAD_STEPS,
    LookaheadAffinity,
    lookahead_displacements,
    lookahead_step,
)
from taskaffinity.affinity._probe import with_max_steps
from taskaffinity.affinity._pvi import PVIEstimator, PVIResult, compute_pvi
from taskaffinity.affinity._pvi_significance import (
    PVI_RULES,
    PVI_TESTS,
    CandidateGroup,
    PVIGrouping,
    group_by_pvi,
    two_sample,
)
from taskaffinity.affinity._target import EstimationTarget, open_target
from taskaffinity.affinity._taskemb import TaskEmb, fisher_embedding

__all__ = [
    "ESTIMATORS",
    "LOOKAHEAD_STEPS",
    "PVI_RULES",
    "PVI_TESTS",
    "Budget",
    "BudgetExceeded",
    "CandidateGroup",
    "EstimationTarget",
    "Estimator",
    "GradTAG",
    "GradientCosine",
    "GradientSketch",
    "LookaheadAffinity",
    "PVIEstimator",
    "PVIGrouping",
    "PVIResult",
    "TaskEmb",
    "available",
    "compute_pvi",
    "cost_fraction",
    "fisher_embedding",
    "fit_linearised",
    "get_estimator",
    "gradient_cosines",
    "group_by_pvi",
    "linearised_losses",
    "load_affinity",
    "lookahead_displacements",
    "lookahead_step",
    "open_target",
    "register_estimator",
    "run_estimator",
    "seconds_fraction",
    "step_cap",
    "two_sample",
    "with_max_steps",
]
