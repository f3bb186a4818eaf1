"""The report's tables: those computed from an :class:`Analysis` and those of the runs
themselves (their costs and the failed runs)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from taskaffinity.analysis import Analysis
from taskaffinity.report._tables import Table
from taskaffinity.types import RunResult

__all__ = ["analysis_tables", "run_tables"]

CORNER = "target \\ auxiliary"


def _num(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def _matrix(name: str, title: str, tasks: Sequence[str], m: np.ndarray, signed: bool) -> Table:
    rows = tuple((t, *(_num(v) for v in m[i])) for i, t in enumerate(tasks))
    cols = (CORNER, *tasks)
    return Table(name, title, cols, rows, signed=tuple(tasks) if signed else (), matrix=True)


def analysis_tables(a: Analysis) -> dict[str, Table]:
    """Tables keyed by file stem: scores, gain_rate, stability, partners, categories and,
    when available, all_tasks, baselines, seeds. Matrix tables use row = target."""
    t = a.tasks
    out = {
        "scores": _matrix("scores", "Scores (diagonal = single task)", t, a.gain.values, False),
        "gain_rate": _matrix("gain_rate", "Gain rate (%)", t, a.gain_rate, True),
        "stability": Table(
            "stability",
            "Stability",
            ("task", "single", "max", "max_source", "min", "min_source", "range", "std"),
            tuple(
                (s.task, s.single, s.max, s.max_source, s.min, s.min_source, s.range, s.std)
                for s in a.stability
            ),
        ),
        "partners": Table(
            "partners",
            "Best and worst partners",
            ("task", "best", "best_gain", "worst", "worst_gain"),
            tuple((p.task, p.best, p.best_gain, p.worst, p.worst_gain) for p in a.partners),
            signed=("best_gain", "worst_gain"),
        ),
        "categories": Table(
            "categories",
            "Category synergy",
            ("target_category", "source_category", "results", "positive", "share"),
            tuple(
                (c.target_category, c.source_category, c.results, c.positive, c.share)
                for c in a.categories
            ),
        ),
    }
    if a.all_tasks is not None:
        cols = ("task", "single", "all", "delta", "gain_rate")
        rows = [(d.task, d.single, d.all, d.delta, d.gain_rate) for d in a.all_tasks]
        if a.seeds is not None:
            cols += ("delta_low", "delta_high")
            rows = [(*r, d.low, d.high) for r, d in zip(rows, a.all_tasks, strict=True)]
        out["all_tasks"] = Table(
            "all_tasks",
            "All tasks trained together",
            cols,
            tuple(rows),
            signed=("delta", "gain_rate"),
        )
    if a.baselines is not None:
        single = a.gain.singles
        rows = []
        for i, task in enumerate(t):
            b = a.baselines.get(task)
            s = _num(single[i])
            diff = None if b is None or s is None else s - b
            rows.append((task, b, s, diff))
        out["baselines"] = Table(
            "baselines",
            "Single task against the baseline",
            ("task", "baseline", "single", "single - baseline"),
            tuple(rows),
            signed=("single - baseline",),
        )
    if a.seeds is not None:
        s = a.seeds
        rows = [
            (
                t[i],
                t[j],
                _num(a.gain.values[i, j]),
                _num(s.low[i, j]),
                _num(s.high[i, j]),
                None if i == j else _num(s.rate_mean[i, j]),
                None if i == j else _num(s.rate_low[i, j]),
                None if i == j else _num(s.rate_high[i, j]),
            )
            for i in range(len(t))
            for j in range(len(t))
            if np.isfinite(a.gain.values[i, j])
        ]
        out["seeds"] = Table(
            "seeds",
            f"Means and 95% intervals over {s.n_seeds} seeds",
            (
                "target",
                "auxiliary",
                "score",
                "score_low",
                "score_high",
                "gain_rate",
                "gain_low",
                "gain_high",
            ),
            tuple(rows),
            signed=("gain_rate",),
        )
    return out


def run_tables(runs: Sequence[RunResult]) -> dict[str, Table]:
    """``costs`` (one row per run, then the total) and ``failed`` (only when a run failed)."""
    rows = [
        ("+".join(r.tasks), r.seed, r.status, r.cost.seconds, r.cost.steps, r.cost.examples)
        for r in sorted(runs, key=lambda r: (len(r.tasks), r.tasks, r.seed))
    ]
    total = (
        f"total ({len(rows)} runs)",
        None,
        None,
        sum(r[3] for r in rows),
        sum(r[4] for r in rows),
        sum(r[5] for r in rows),
    )
    out = {
        "costs": Table(
            "costs",
            "Run costs",
            ("tasks", "seed", "status", "seconds", "steps", "examples"),
            (*rows, total),
        )
    }
    failed = [r for r in runs if not r.ok]
    if failed:
        out["failed"] = Table(
            "failed",
            "Failed runs",
            ("tasks", "seed", "error"),
            tuple(
                ("+".join(r.tasks), r.seed, (r.error.strip().splitlines() or [""])[-1][:300])
                for r in failed
            ),
        )
    return out
