"""The report's tables of the runs themselves: their costs and the failed runs."""

from __future__ import annotations

from collections.abc import Sequence

from taskaffinity.report._tables import Table
from taskaffinity.types import RunResult

__all__ = ["run_tables"]


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
