"""The report section of the few-shot baseline: each task's few-shot test score (its 95%
interval over test examples) beside its fine-tuned single-task score (the mean over seeds,
its Student-t 95% interval when there are several seeds)."""

from __future__ import annotations

import html

import numpy as np

from taskaffinity.analysis import Analysis
from taskaffinity.report._section import ReportSection
from taskaffinity.report._tables import html_table
from taskaffinity.study import FewShotResult

__all__ = ["fewshot_section"]


def _interval(low: float, high: float) -> str:
    return f"[{low:.3f}, {high:.3f}]"


def fewshot_section(a: Analysis, fewshot: FewShotResult) -> ReportSection:
    """Rows: the analysis' tasks that the baseline scored (row order of ``a.tasks``)."""
    singles = a.gain.singles
    rows = []
    for i, task in enumerate(a.tasks):
        if task not in fewshot.score:
            continue
        single = float(singles[i])
        if a.seeds is not None and a.seeds.n_seeds > 1:
            tuned_ci = _interval(float(a.seeds.low[i, i]), float(a.seeds.high[i, i]))
        else:
            tuned_ci = "one seed: no interval"
        lo, hi = fewshot.ci[task]
        diff = single - fewshot.score[task] if np.isfinite(single) else float("nan")
        rows.append(
            (
                task,
                fewshot.metric[task],
                fewshot.shots[task],
                fewshot.score[task],
                _interval(lo, hi),
                single,
                tuned_ci,
                diff,
            )
        )
    table = html_table(
        (
            "task",
            "metric",
            "shots",
            "few-shot",
            "few-shot 95% CI (test examples)",
            "fine-tuned single",
            "fine-tuned 95% CI (seeds)",
            "fine-tuned - few-shot",
        ),
        rows,
        signed=("fine-tuned - few-shot",),
        formats=(None, None, None, ".3f", None, ".3f", None, "+.3f"),
    )
    text = (
        '<p class="explain">The study\'s model prompted with the shown number of '
        "demonstrations from each task's training split and no training "
        f"(backend {html.escape(fewshot.backend)}, demonstrations drawn with seed "
        f"{fewshot.seed}), scored on the same test split with the same metric as the "
        "fine-tuned runs.</p>"
    )
    return ReportSection("Few-shot baseline", text + f'<div class="tablewrap">{table}</div>')
