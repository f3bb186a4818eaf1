"""Judge estimators against a study's measured gain matrix.

``compare_estimators(study)`` runs every registered estimator (or the named ones) on the
study's suite with the study's backend and first seed, and scores each estimate with
:func:`~taskaffinity.evaluation.evaluate_affinity` against the gain matrix of the measured
singles and pairs: Spearman (overall and per target), top-1 best-partner accuracy, regret
of the grouping chosen from the estimate, and cost as a fraction of the brute-force
singles+pairs grid of that seed (training-step equivalents; also wall seconds), next to
the truth's own reliability (:class:`~taskaffinity.evaluation.Ceiling`: its split-half
Spearman) and each estimator's share of it.
Estimates are cached in ``DIR/estimates/<method>[.max<steps>].json`` under a key of
everything they depend on (:func:`taskaffinity.affinity.run_estimator`), so a second call
only re-scores.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from taskaffinity.affinity import Budget, available, run_estimator, seconds_fraction
from taskaffinity.analysis import analyze, gain_matrix
from taskaffinity.errors import InputError
from taskaffinity.evaluation._ceiling import Ceiling
from taskaffinity.evaluation._estimates import evaluate_affinity
from taskaffinity.types import AffinityMatrix, GainMatrix

if TYPE_CHECKING:
    from taskaffinity.study import StudyData

__all__ = ["TARGET", "compare_estimators"]

#: The bar an estimator has to meet: Spearman >= 0.8 with the measured gain rates, zero
#: regret, at most 10% of the brute-force singles+pairs cost.
TARGET = {"spearman": 0.8, "regret": 0.0, "cost_fraction": 0.10}


def compare_estimators(
    study: StudyData,
    methods: list[str] | None = None,
    *,
    max_steps: int | None = None,
    force: bool = False,
    progress: Callable[[str], object] | None = None,
) -> tuple[list[dict[str, Any]], dict[str, AffinityMatrix], GainMatrix]:
    """Run and score estimators on a stored study whose singles and pairs are measured.

    Returns ``(rows, matrices, truth)``: one row per method with ``method, spearman, top1,
    regret, cost_fraction`` plus ``kendall, topk, per_target`` (Spearman per target),
    ``seconds, steps, seconds_fraction, chosen_groups, best_groups, meets_target``,
    ``share_of_ceiling`` (Spearman / the truth's split-half Spearman; None with one seed
    or a ceiling that is undefined or not positive) and ``ceiling``
    (:meth:`Ceiling.to_dict`, the same in every row); the AffinityMatrix per method; and
    the measured GainMatrix (``(n, n)``, row = target, column = source, tasks in the
    suite's order; the mean over every seed).
    """
    from taskaffinity.study import make_backend

    suite = study.suite
    table = study.score_table()
    ceiling = Ceiling.from_analysis(analyze(table, seeds=study.seeds))
    truth = gain_matrix(table)
    order = [truth.tasks.index(t) for t in suite.names]
    values = truth.values[np.ix_(order, order)]
    if np.isnan(values).any():
        raise InputError("the study has unmeasured singles or pairs; run its pairs plan first")
    truth = type(truth)(tuple(suite.names), values, truth.higher_is_better)
    seed = study.config.seeds[0]
    budget = Budget(seed=seed, max_steps=max_steps, reference=study.grid_cost(seed))
    backend = make_backend(study.config)
    rows, matrices = [], {}
    for method in methods or available():
        if progress:
            progress(method)
        aff, _ = run_estimator(
            method,
            suite,
            backend,
            budget,
            cache_dir=Path(study.path) / "estimates",
            force=force,
            runs=study.complete,
            cached_only=not study.has_task_data,
        )
        ev = evaluate_affinity(aff, truth)
        frac = aff.cost_fraction
        meets = bool(
            np.isfinite(ev["spearman"]) and ev["spearman"] >= TARGET["spearman"]
            and abs(ev["regret"]) <= 1e-12 and frac is not None
            and frac <= TARGET["cost_fraction"]
        )  # fmt: skip
        rows.append({
            "method": method, "spearman": ev["spearman"], "top1": ev["top1"],
            "regret": ev["regret"], "cost_fraction": frac, "kendall": ev["kendall"],
            "topk": ev["topk"], "k": ev["k"],
            "per_target": {t: v["spearman"] for t, v in ev["per_target"].items()},
            "seconds": aff.cost.seconds, "steps": aff.cost.steps,
            "seconds_fraction": seconds_fraction(aff.cost, budget.reference),
            "chosen_groups": ev.get("chosen_groups"), "best_groups": ev.get("best_groups"),
            "meets_target": meets, "share_of_ceiling": ceiling.share(ev["spearman"]),
            "ceiling": ceiling.to_dict(),
        })  # fmt: skip
        matrices[method] = aff
    return rows, matrices, truth
