"""The report's tables: those computed from an :class:`Analysis` and those of the runs
themselves (their costs and the failed runs)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np

from taskaffinity.analysis import Analysis
from taskaffinity.report._tables import Table
from taskaffinity.types import RunResult

__all__ = ["analysis_tables", "gain_interval_table", "run_tables"]

CORNER = "target \\ auxiliary"


def _num(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def _matrix(
    name: str,
    title: str,
    targets: Sequence[str],
    sources: Sequence[str],
    m: np.ndarray,
    signed: bool,
    **cells: tuple[tuple[str, ...], ...] | None,
) -> Table:
    """Matrix ``m`` of shape ``(len(targets), len(sources))`` (row = target)."""
    rows = tuple((t, *(_num(v) for v in m[i])) for i, t in enumerate(targets))
    cols = (CORNER, *sources)
    signs = tuple(sources) if signed else ()
    return Table(name, title, cols, rows, signed=signs, matrix=True, **cells)


def _gain_cells(a: Analysis) -> dict[str, tuple[tuple[str, ...], ...] | None]:
    """Per-cell CSS class (``unsettled`` where the interval includes 0) and tooltip (the
    95% interval) of the gain-rate table; the first column is the row header."""
    if a.settled is None or a.gain_rate_ci is None:
        return {"classes": None, "notes": None}
    kind = "over seeds" if a.ci_kind == "seeds" else "over test examples"
    classes, notes = [], []
    for i in range(len(a.tasks)):
        row_c, row_n = [""], [""]
        for j in range(len(a.sources)):
            low, high = a.gain_rate_ci[i, j]
            sign = a.settled[i, j]
            measured = np.isfinite(a.gain_rate[i, j])
            row_c.append("unsettled" if measured and sign == 0 else "")
            if measured and np.isfinite(low):
                row_n.append(f"95% interval {kind}: [{low:+.1f}, {high:+.1f}]")
            elif measured:
                row_n.append("no interval: one measurement")
            else:
                row_n.append("")
        classes.append(tuple(row_c))
        notes.append(tuple(row_n))
    return {"classes": tuple(classes), "notes": tuple(notes)}


def gain_interval_table(a: Analysis) -> Table:
    """One row per measured (target, source) cell: gain rate, its 95% interval (of kind
    ``a.ci_kind``), the settled sign and the number of seeds paired."""
    rows = []
    for i, target in enumerate(a.tasks):
        for j, source in enumerate(a.sources):
            if target == source or not np.isfinite(a.gain_rate[i, j]):
                continue
            low, high = (np.nan, np.nan) if a.gain_rate_ci is None else a.gain_rate_ci[i, j]
            sign = None if a.settled is None else a.settled[i, j]
            seeds = None if a.paired_seeds is None else int(a.paired_seeds[i, j])
            rows.append(
                (target, source, _num(a.gain_rate[i, j]), _num(low), _num(high),
                 None if sign is None or not np.isfinite(sign) else int(sign), seeds)
            )  # fmt: skip
    return Table(
        "gain_rate_ci",
        "Gain rates with 95% intervals",
        ("target", "source", "gain_rate", "low", "high", "settled", "seeds"),
        tuple(rows),
        signed=("gain_rate", "settled"),
    )


#: Number formats shown (HTML, Markdown) by column name: gain rates to one decimal,
#: scores to three; matrix tables by table name.
RATE, SCORE, DELTA = "+.1f", ".3f", "+.3f"
COLUMN_FORMATS = {
    **dict.fromkeys(("gain_rate", "low", "high", "best_gain", "worst_gain", "gain_low",
                     "gain_high"), RATE),
    **dict.fromkeys(("single", "max", "min", "range", "std", "all", "baseline", "score",
                     "score_low", "score_high"), SCORE),
    **dict.fromkeys(("delta", "delta_low", "delta_high", "single - baseline"), DELTA),
    "share": ".2f",
    "seconds": ".1f",
}  # fmt: skip
MATRIX_FORMATS = {"scores": SCORE, "gain_rate": RATE}
#: Tables whose rows are tasks: the task is shown with its metric.
TASK_ROWS = ("scores", "gain_rate", "stability", "all_tasks", "baselines")


def _shown(a: Analysis, table: Table, metrics: Mapping[str, str] | None) -> Table:
    """``table`` with its number formats and shown texts: ``task (metric)`` in the first
    column of task rows, and in the gain-rate matrix why a row is empty when the task's
    single score is 0. The raw values (and so the CSV) are unchanged."""
    if table.matrix:
        formats = {"*": MATRIX_FORMATS.get(table.name, SCORE)}
    else:
        formats = {c: COLUMN_FORMATS[c] for c in table.columns if c in COLUMN_FORMATS}
    texts = None
    if table.name in TASK_ROWS or table.name == "gain_rate":
        zero = {t for t, v in zip(a.tasks, a.gain.singles, strict=True) if v == 0}
        grid = []
        for row in table.rows:
            task = row[0]
            cells = [f"{task} ({metrics[task]})" if metrics and task in metrics else ""]
            for v in row[1:]:
                undefined = table.name == "gain_rate" and task in zero and v is None
                cells.append("undefined: single score is 0" if undefined else "")
            grid.append(tuple(cells))
        if any(any(c) for c in grid):
            texts = tuple(grid)
    return replace(table, formats=formats, texts=texts if texts else table.texts)


def analysis_tables(a: Analysis, metrics: Mapping[str, str] | None = None) -> dict[str, Table]:
    """Tables keyed by file stem: scores, gain_rate (HTML: unsettled cells marked, the
    interval as tooltip), gain_rate_ci, stability, partners, categories and, when
    available, all_tasks, baselines, seeds. Matrix tables use row = target, column =
    source (``a.sources``). ``metrics`` (task -> main metric) is shown beside each task in
    the HTML and Markdown of task rows; numbers are shown to :data:`COLUMN_FORMATS`."""
    return {k: _shown(a, v, metrics) for k, v in _analysis_tables(a).items()}


def _analysis_tables(a: Analysis) -> dict[str, Table]:
    t, src = a.tasks, a.sources
    out = {
        "scores": _matrix(
            "scores", "Scores (diagonal = single task)", t, src, a.gain.values, False
        ),
        "gain_rate": _matrix(
            "gain_rate", "Gain rate (%)", t, src, a.gain_rate, True, **_gain_cells(a)
        ),
        "gain_rate_ci": gain_interval_table(a),
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
        out["seeds"] = Table(  # its CSV: seed_intervals.csv (seeds.csv: the scores per seed)
            "seed_intervals",
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
            formats={"seconds": ".1f"},
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
