"""Warnings where a study's result cannot mean what it seems: training changed nothing,
a task trained alone scores at or below its trivial baseline, a gain rate is undefined
because the single-task score is 0, or a task's test set is too small for the effects
measured on it.

:func:`result_warnings` works on an :class:`~taskaffinity.analysis.Analysis` (and the test
set sizes); :func:`study_warnings` gathers both from a stored study. The report shows them
above the heatmap; ``taskaffinity run`` may print them at its end.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from taskaffinity.analysis import Analysis
    from taskaffinity.study import StudyData

__all__ = [
    "Z_95",
    "ResultWarning",
    "count_test_examples",
    "paired_test_noise",
    "result_warnings",
    "study_warnings",
]

#: Two-sided 95% normal quantile of the resolution check.
Z_95 = 1.959963984540054


@dataclass(frozen=True)
class ResultWarning:
    """One warning: ``kind`` (``unchanged``, ``below_baseline``, ``zero_single`` or
    ``few_test_examples``), the ``task`` it concerns (None for the whole study) and the
    ``message`` in plain words."""

    kind: str
    task: str | None
    message: str

    def to_dict(self) -> dict[str, str | None]:
        return {"kind": self.kind, "task": self.task, "message": self.message}


def _unchanged(a: Analysis) -> list[ResultWarning]:
    """Tasks every measured pair of which scored exactly their single run."""
    vals = a.gain.values
    hits = []
    for i, task in enumerate(a.tasks):
        row = [vals[i, j] for j in range(len(a.sources)) if j != i and np.isfinite(vals[i, j])]
        if row and np.isfinite(vals[i, i]) and all(abs(v - vals[i, i]) <= 1e-12 for v in row):
            hits.append(task)
    if not hits:
        return []
    if len(hits) == len(a.tasks) and len(a.tasks) > 1:
        return [
            ResultWarning(
                "unchanged",
                None,
                "Every pair scored exactly its single run: training with another task "
                "changed nothing, which usually means the model did not learn (a learning "
                "rate or step count too small, or a metric stuck at one value). The gain "
                "rates below are all 0 for that reason.",
            )
        ]
    return [
        ResultWarning(
            "unchanged",
            t,
            f"{t}: every pair scored exactly its single run "
            f"({vals[a.tasks.index(t), a.tasks.index(t)]:.3f}); training with another task "
            "changed nothing for it.",
        )
        for t in hits
    ]


def _below_baseline(a: Analysis) -> list[ResultWarning]:
    if not a.baselines:
        return []
    out = []
    for i, task in enumerate(a.tasks):
        base, single = a.baselines.get(task), a.gain.values[i, i]
        if base is None or not np.isfinite(single):
            continue
        worse = single <= base if a.higher_is_better else single >= base
        if worse:
            out.append(
                ResultWarning(
                    "below_baseline",
                    task,
                    f"{task}: trained alone it scores {single:.3f}, at or "
                    f"{'below' if a.higher_is_better else 'above'} its trivial baseline "
                    f"{base:.3f} (majority class or chance): the single run learned "
                    "nothing, so its gain rates compare against noise.",
                )
            )
    return out


def _zero_single(a: Analysis) -> list[ResultWarning]:
    out = []
    for i, task in enumerate(a.tasks):
        if a.gain.values[i, i] == 0:
            out.append(
                ResultWarning(
                    "zero_single",
                    task,
                    f"{task}: its single-task score is 0, so its gain rates (pair - single) "
                    "/ single are undefined; compare its raw scores in the Scores table.",
                )
            )
    return out


def _few_examples(
    a: Analysis, sizes: Mapping[str, int], noise: Mapping[str, float] | None = None
) -> list[ResultWarning]:
    """Tasks whose median |pair - single| is below what their test set resolves.

    With ``noise`` (task -> standard error of a pair-minus-single difference from test-set
    sampling alone, paired: both runs scored on the same resampled examples, see
    :func:`paired_test_noise`) the resolution is ``1.96`` times it. Without it, for a score
    ``p`` in [0, 1] on ``n`` examples, a difference of two scores on independent samples
    has a standard error of about ``sqrt(2 p (1 - p) / n)``, an upper bound (the runs share
    their test examples, which cancels much of that noise). Effects below the resolution
    are hard to tell from test-set noise; ``(1.96 se / effect)^2 n`` examples would resolve
    the median effect. A task at least half of whose measured cells have a settled sign is
    left out: its data resolve its effects."""
    vals = a.gain.values
    out = []
    for i, task in enumerate(a.tasks):
        n, p = sizes.get(task), vals[i, i]
        if not n or not np.isfinite(p):
            continue
        row = vals[i][np.isfinite(vals[i])]
        paired = noise is not None and task in noise and np.isfinite(noise[task])
        if not paired and not (np.all(row >= 0) and np.all(row <= 1)):
            continue  # not a share: the binomial bound does not apply
        effects = np.abs(np.array([vals[i, j] - p for j in range(len(a.sources))
                                   if j != i and np.isfinite(vals[i, j])]))  # fmt: skip
        effects = effects[effects > 0]
        if not len(effects) or (not paired and p in (0.0, 1.0)):
            continue
        if a.settled is not None and a.ci_kind is not None:
            signs = [a.settled[i, j] for j in range(len(a.sources))
                     if j != i and np.isfinite(a.settled[i, j])]  # fmt: skip
            if signs and 2 * sum(v != 0 for v in signs) >= len(signs):
                continue
        effect = float(np.median(effects))
        se = float(noise[task]) if paired else float(np.sqrt(2 * p * (1 - p) / n))
        resolution = Z_95 * se
        if effect < resolution:
            need = int(np.ceil(n * (resolution / effect) ** 2))
            how = (
                "paired bootstrap over its test examples"
                if paired
                else "an upper bound for independent samples"
            )
            out.append(
                ResultWarning(
                    "few_test_examples",
                    task,
                    f"{task}: its {n} test examples resolve differences of about "
                    f"±{resolution:.3f} ({how}), but its typical effect (median |pair - "
                    f"single|) is {effect:.3f} and most of its cells are not settled; about "
                    f"{need} test examples would be needed to tell such effects from "
                    "test-set noise.",
                )
            )
    return out


def paired_test_noise(study: StudyData, n_resamples: int = 200) -> dict[str, float]:
    """Task -> the median over its measured pairs of the standard deviation, over bootstrap
    resamples of its test examples, of (pair score - single score) under the study's first
    seed, both runs scored on the same resampled examples
    (:meth:`~taskaffinity.study.StudyData.bootstrap_scores`): the test-set noise of a gain.
    Empty when the runs of that seed have no stored test predictions."""
    seeds = study.seeds
    if not seeds or not study.has_predictions:
        return {}
    table = study.score_table()
    boot = study.bootstrap_scores(seeds[0], n_resamples=n_resamples)  # (B, groups, tasks)
    single = {g[0]: k for k, g in enumerate(table.groups) if len(g) == 1}
    out: dict[str, float] = {}
    for t, task in enumerate(table.tasks):
        if task not in single:
            continue
        sds = [
            float(np.nanstd(boot[:, k, t] - boot[:, single[task], t]))
            for k, g in enumerate(table.groups)
            if len(g) == 2 and task in g and np.isfinite(boot[:, k, t]).all()
        ]
        if sds:
            out[task] = float(np.median(sds))
    return out


def result_warnings(
    analysis: Analysis,
    *,
    test_sizes: Mapping[str, int] | None = None,
    test_noise: Mapping[str, float] | None = None,
) -> tuple[ResultWarning, ...]:
    """Every warning of ``analysis`` (module docstring), study-wide ones first;
    ``test_sizes``: task -> number of test examples (the resolution check is skipped for a
    task without one); ``test_noise``: task -> paired test-set standard error of a gain
    (:func:`paired_test_noise`; without it the check uses an upper bound)."""
    out = _unchanged(analysis) + _below_baseline(analysis) + _zero_single(analysis)
    if test_sizes:
        out += _few_examples(analysis, test_sizes, test_noise)
    return tuple(out)


def count_test_examples(study: StudyData) -> dict[str, int]:
    """Task -> number of test examples: from the stored test predictions of its runs (one
    per example), else from the suite's data when it can be read; tasks with neither are
    left out."""
    sizes: dict[str, int] = {}
    for r in study.complete:
        for t, pred in r.predictions.items():
            if pred:
                sizes.setdefault(t, len(pred))
    try:
        suite = study.suite
        for task in suite.tasks:
            sizes.setdefault(task.name, len(task.split("test")))
    except Exception:  # a folder moved without its data: use what is stored
        pass
    return sizes


def study_warnings(study: StudyData, analysis: Analysis | None = None) -> tuple[ResultWarning, ...]:
    """:func:`result_warnings` of a stored study (``analysis``: its analysis, computed when
    not given), with the test set sizes of :func:`count_test_examples`."""
    if analysis is None:
        from taskaffinity.analysis import analyze

        analysis = analyze(study.score_table(), baselines=study.baselines(), seeds=study.seeds)
    return result_warnings(
        analysis, test_sizes=count_test_examples(study), test_noise=paired_test_noise(study)
    )
