"""Where a stored study stands: :func:`study_status` returns a :class:`StudyStatus`, a
value object the CLI only prints (``taskaffinity status``) and ``--json`` writes out
(:meth:`StudyStatus.to_dict`).

Read from the store without writing anything (a read-only folder will do).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from taskaffinity.errors import InputError
from taskaffinity.study._claims import holder_is_dead
from taskaffinity.study._layout import STORE_NAME, store_path
from taskaffinity.study._sqlite import store_errors
from taskaffinity.study._store import ResultStore

__all__ = ["RunStatus", "StudyStatus", "study_status"]


@dataclass(frozen=True)
class RunStatus:
    """One run of the plan. ``status``: ``pending``, ``complete`` or ``failed``;
    ``holder``: the driver (``host:pid``) holding a claim on a run not stored complete,
    with ``lease_left`` seconds left on its lease (negative: expired, the run will be taken
    over), both None when unclaimed; ``holder_gone``: the holder is a process of this host
    that has ended; ``metrics``: ``{task: {metric: value}}`` of a complete run (else
    empty); ``error``: the stored error text of a failed run (a traceback, or e.g. ``timed
    out after 600 s ...; gave up after 3 attempts``); ``attempts``: attempts started."""

    key: str
    tasks: tuple[str, ...]
    seed: int
    status: str
    holder: str | None = None
    lease_left: float | None = None
    holder_gone: bool = False
    metrics: dict[str, dict[str, float]] = field(default_factory=dict)
    error: str = ""
    attempts: int = 0

    @property
    def live(self) -> bool:
        """Claimed under a live lease by a holder not known to be gone: being trained."""
        return self.lease_left is not None and self.lease_left > 0 and not self.holder_gone

    @property
    def state(self) -> str:
        """``running`` for a live claim, else :attr:`status`."""
        return "running" if self.live else self.status

    @property
    def last_error(self) -> str:
        """The last line of :attr:`error` (``""`` when there is none)."""
        lines = self.error.strip().splitlines()
        return lines[-1] if lines else ""

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` record: ``key, tasks, seed, status, holder, lease_left,
        metrics``, in this order."""
        return {
            "key": self.key,
            "tasks": list(self.tasks),
            "seed": self.seed,
            "status": self.status,
            "holder": self.holder,
            "lease_left": self.lease_left,
            "metrics": self.metrics,
        }


@dataclass(frozen=True)
class StudyStatus:
    """The runs of a study's current plan (``runs``, in plan order) in ``out_dir``, with
    counts: ``total``, ``complete``, ``failed``, ``claimed`` (runs being trained: a live
    claim whose holder is not known to be gone)."""

    out_dir: Path
    runs: tuple[RunStatus, ...]
    outside: int = 0
    """Runs stored complete that are not in the current plan (trained under another
    config of the folder, e.g. before ``--replace-config``, or seeds no longer planned)."""

    @property
    def total(self) -> int:
        return len(self.runs)

    @property
    def complete(self) -> int:
        return sum(r.status == "complete" for r in self.runs)

    @property
    def failed(self) -> int:
        return sum(r.status == "failed" for r in self.runs)

    @property
    def claimed(self) -> int:
        return sum(r.live for r in self.runs)

    @property
    def failures(self) -> tuple[RunStatus, ...]:
        """The failed runs."""
        return tuple(r for r in self.runs if r.status == "failed")

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` document: ``{"total", "complete", "failed", "runs", "claimed",
        "outside"}``
        (each run as :meth:`RunStatus.to_dict`)."""
        return {
            "total": self.total,
            "complete": self.complete,
            "failed": self.failed,
            "runs": [r.to_dict() for r in self.runs],
            "claimed": self.claimed,
            "outside": self.outside,
        }


def _metrics(result: str | None) -> dict[str, dict[str, float]]:
    """``metrics`` of a stored result record (JSON), empty without one."""
    return dict(json.loads(result).get("metrics", {})) if result else {}


def study_status(out_dir: str | Path) -> StudyStatus:
    """The :class:`StudyStatus` of the study in ``out_dir`` (its current plan). Opens the
    store read-only (nothing is written); raises :class:`InputError` when there is no
    store and :class:`StoreError` for a store that is not SQLite or is corrupt."""
    path = store_path(out_dir)
    if not path.is_file():
        raise InputError(f"no study here ({STORE_NAME} is missing)", file=path)
    with store_errors(path), ResultStore(path, readonly=True) as store:
        rows = store.rows()
        claims = store.claims()
        planned = {r["key"] for r in rows}
        outside = sum(
            r["status"] == "complete" and r["key"] not in planned
            for r in store.rows(plan_only=False)
        )
    now = time.time()
    runs = []
    for r in rows:
        claim = claims.get(r["key"])
        holder = None if claim is None else claim["holder"]
        complete = r["status"] == "complete"
        runs.append(
            RunStatus(
                key=r["key"],
                tasks=tuple(r["tasks"]),
                seed=r["seed"],
                status=r["status"],
                holder=holder,
                lease_left=None if claim is None else round(claim["expires"] - now, 1),
                holder_gone=holder is not None and holder_is_dead(holder),
                metrics=_metrics(r["result"]) if complete else {},
                error=r["error"] or "",
                attempts=int(r["attempts"] or 0),
            )
        )
    return StudyStatus(Path(out_dir), tuple(runs), outside)
