"""The answer of a study: which tasks to train together, with its evidence, and the
warnings where a result cannot mean what it seems.

:func:`recommend_study` chooses networks (or a partition) for each budget on the **dev**
scores of a stored study's runs, judges the choice on **test** per seed (every value with
its 95% interval over seeds), lists the groupings the data cannot tell from it, compares
it with training every task alone and all together, and sets the groupings chosen from
stored estimates beside it (:class:`Recommendation`; its ``to_json()`` is what
``taskaffinity select STUDY_DIR --json`` writes). :func:`study_warnings` (and
:func:`result_warnings` on an analysis) find results that cannot mean what they seem.

:func:`recommend_predicted` chooses over every combination the study could train, measured
or predicted by a predictor with intervals (:class:`PredictedRecommendation`), for studies
that measured only some combinations (an active plan).
"""

from taskaffinity.recommendation._candidates import MAX_CANDIDATES, enumerate_candidates
from taskaffinity.recommendation._interval import Interval, over_seeds
from taskaffinity.recommendation._predicted import (
    PredictedBudget,
    PredictedNetwork,
    PredictedRecommendation,
    recommend_predicted,
    study_predictor,
)
from taskaffinity.recommendation._recommend import (
    SHOWN_ALTERNATIVES,
    BudgetRecommendation,
    Choice,
    EstimateChoice,
    Recommendation,
    TaskEvidence,
    default_budgets,
    recommend,
    recommend_study,
    stored_estimates,
    stored_pvi_grouping,
)
from taskaffinity.recommendation._scores import SplitScores, split_scores
from taskaffinity.recommendation._warnings import (
    ResultWarning,
    count_test_examples,
    result_warnings,
    study_warnings,
)

__all__ = [
    "MAX_CANDIDATES",
    "SHOWN_ALTERNATIVES",
    "BudgetRecommendation",
    "Choice",
    "EstimateChoice",
    "Interval",
    "PredictedBudget",
    "PredictedNetwork",
    "PredictedRecommendation",
    "Recommendation",
    "ResultWarning",
    "SplitScores",
    "TaskEvidence",
    "count_test_examples",
    "default_budgets",
    "enumerate_candidates",
    "over_seeds",
    "recommend",
    "recommend_predicted",
    "recommend_study",
    "result_warnings",
    "split_scores",
    "stored_estimates",
    "stored_pvi_grouping",
    "study_predictor",
    "study_warnings",
]
