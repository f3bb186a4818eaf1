"""Predictors of combination gains and the active choice of what to train next.

A predictor (registered by name, keyword hyperparameters in its constructor) learns from
measured combinations, a gain :class:`~taskaffinity.types.ScoreTable` (task set -> each
task's gain relative to training it alone; per seed when the table has seeds), and
predicts each task's gain in any combination with an interval (:class:`Prediction`).
Registered: ``hoa`` (Standley et al. 2020; ``pairs_from="all"`` is the pairwise-mean
model), ``pairwise`` (Bayesian surrogate of Li, Nguyen & Zhang 2023), ``kernel`` (GP with
all-order interactions), ``affinity_prior`` (any estimator's affinity matrix calibrated by
measured runs, after ETAP). ``get_predictor(name, **params)`` builds one.

Active choice: :func:`choose_next` draws gain tables from a predictor's posterior, solves
the exact network selection on each (Thompson sampling) and returns the unmeasured
combinations those solutions use; :func:`settled` is the stopping rule and
:func:`recommend` the final choice; :func:`replay_active` replays the whole plan on a
table of measured combinations (offline benchmarks). :func:`gain_table` turns a score
table into gains.
"""

from taskaffinity.prediction._active import (
    RULES,
    ActiveChoice,
    choose_next,
    recommend,
    settled,
    stable_rounds,
)
from taskaffinity.prediction._affinity_prior import AffinityPrior, aligned_affinity
from taskaffinity.prediction._base import (
    MAX_ALL_SUBSETS,
    PREDICTORS,
    Observations,
    Predictor,
    available_predictors,
    get_predictor,
    observations,
    register_predictor,
)
from taskaffinity.prediction._gains import gain_table
from taskaffinity.prediction._hoa import HOAPredictor
from taskaffinity.prediction._kernel import KernelGP
from taskaffinity.prediction._pairwise import PairwiseBayes
from taskaffinity.prediction._prediction import Prediction
from taskaffinity.prediction._replay import ReplayRun, replay_active, start_rows

__all__ = [
    "MAX_ALL_SUBSETS",
    "PREDICTORS",
    "RULES",
    "ActiveChoice",
    "AffinityPrior",
    "HOAPredictor",
    "KernelGP",
    "Observations",
    "PairwiseBayes",
    "Prediction",
    "Predictor",
    "ReplayRun",
    "aligned_affinity",
    "available_predictors",
    "choose_next",
    "gain_table",
    "get_predictor",
    "observations",
    "recommend",
    "register_predictor",
    "replay_active",
    "settled",
    "stable_rounds",
    "start_rows",
]
