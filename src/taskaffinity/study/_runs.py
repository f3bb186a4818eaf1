"""The runs of a study in its store: the plan, each run's status and result, the history
of its attempts, its predictions and gold log-probabilities (tables ``runs``,
``attempts``, ``predictions``, ``gold_log_probs`` of :mod:`taskaffinity.study._schema`).

Every write is one transaction, so a process killed at any moment (``kill -9``) leaves each
run either fully stored, predictions included, or not stored at all. A run stored
``complete`` is never overwritten, nor what is stored with it; ``failed`` runs are tried
again by the next invocation. Runs of an earlier plan are kept (``position`` NULL), never
deleted.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable
from typing import Any

from taskaffinity.study._records import (
    decode_predictions,
    encode_predictions,
    pack_floats,
    result_from_dict,
    result_to_dict,
    spec_from_dict,
    spec_to_dict,
    unpack_floats,
)
from taskaffinity.study._sqlite import write
from taskaffinity.types import RunResult, RunSpec

__all__ = ["RunsTable"]

_OPEN = "(SELECT 1 FROM runs WHERE key = ? AND status != 'complete')"


class RunsTable:
    """The runs stored in database ``db``, whose tables are ``tables`` (a store opened
    read-only at an older version may lack ``predictions`` and ``gold_log_probs``: read
    as empty)."""

    def __init__(self, db: sqlite3.Connection, tables: set[str]) -> None:
        self._db, self._tables = db, tables

    def sync_plan(self, specs: list[RunSpec]) -> None:
        """Make ``specs`` the current plan, in this order; unknown runs become pending."""
        now = time.time()
        stmts: list[tuple[str, tuple[Any, ...]]] = [("UPDATE runs SET position = NULL", ())]
        for i, s in enumerate(specs):
            stmts.append(
                (
                    "INSERT INTO runs (key, tasks, seed, spec, position, created) "
                    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET position = ?",
                    (
                        s.key,
                        json.dumps(list(s.tasks)),
                        s.seed,
                        json.dumps(spec_to_dict(s)),
                        i,
                        now,
                        i,
                    ),
                )
            )
        write(self._db, stmts)

    def mark_started(self, key: str) -> None:
        """Count one more attempt of run ``key`` (a complete run is left untouched)."""
        sql = (
            "UPDATE runs SET attempts = attempts + 1, started = ? "
            "WHERE key = ? AND status != 'complete'"
        )
        write(self._db, [(sql, (time.time(), key))])

    def _attempt(self, key: str) -> tuple[int, float | None]:
        row = self._db.execute("SELECT attempts, started FROM runs WHERE key = ?", (key,))
        found = row.fetchone()
        return (found["attempts"], found["started"]) if found else (0, None)

    def record(self, result: RunResult) -> None:
        """Store a finished run, its predictions, gold log-probabilities and attempt, in one
        transaction. Never overwrites a complete run or what is stored with it (so a run is
        stored complete at most once)."""
        now = time.time()
        attempt, started = self._attempt(result.key)
        # before the run's row turns complete: only predictions of a run still open are kept
        stmts = [
            (
                "INSERT OR REPLACE INTO predictions (key, task, labels, codes, lengths) "
                f"SELECT ?, ?, ?, ?, ? WHERE EXISTS {_OPEN}",
                (result.key, task, *encode_predictions(values), result.key),
            )
            for task, values in result.predictions.items()
        ]
        stmts += [
            (
                f"INSERT OR REPLACE INTO gold_log_probs (key, task, logp) "
                f"SELECT ?, ?, ? WHERE EXISTS {_OPEN}",
                (result.key, task, pack_floats(values), result.key),
            )
            for task, values in result.gold_log_probs.items()
        ]
        write(
            self._db,
            [
                *stmts,
                (
                    "UPDATE runs SET status = ?, result = ?, error = ?, finished = ? "
                    "WHERE key = ? AND status != 'complete'",
                    (
                        result.status,
                        json.dumps(result_to_dict(result)),
                        result.error,
                        now,
                        result.key,
                    ),
                ),
                (
                    "INSERT INTO attempts VALUES (?, ?, ?, ?, ?, ?)",
                    (result.key, attempt, result.status, result.error, started, now),
                ),
            ],
        )

    def record_lost(self, key: str, error: str) -> None:
        """Store the history of an attempt of run ``key`` whose worker died (``failed``
        with ``error``) while the executor tries the run again: one more attempt counted,
        the run left open."""
        now = time.time()
        attempt, started = self._attempt(key)
        write(
            self._db,
            [
                ("INSERT INTO attempts VALUES (?, ?, ?, ?, ?, ?)",
                 (key, attempt, "failed", error, started, now)),
                ("UPDATE runs SET attempts = attempts + 1, started = ? "
                 "WHERE key = ? AND status != 'complete'", (now, key)),
            ],
        )  # fmt: skip

    def rows(self, *, plan_only: bool = True) -> list[dict[str, Any]]:
        """Run rows as dicts (``tasks`` decoded), in plan order (``plan_only=False``: every
        stored run, oldest first)."""
        where = (
            "WHERE position IS NOT NULL ORDER BY position" if plan_only else "ORDER BY created, key"
        )
        out = []
        for r in self._db.execute(f"SELECT * FROM runs {where}"):
            d = dict(r)
            d["tasks"] = json.loads(d["tasks"])
            out.append(d)
        return out

    def status_of(self, keys: Iterable[str]) -> dict[str, str]:
        """``key -> status`` for the given keys that are stored."""
        keys = list(keys)
        out: dict[str, str] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for r in self._db.execute(
                f"SELECT key, status FROM runs WHERE key IN ({marks})", chunk
            ):
                out[r["key"]] = r["status"]
        return out

    def specs(self) -> list[RunSpec]:
        """RunSpecs of the current plan, in order."""
        return [spec_from_dict(json.loads(r["spec"])) for r in self.rows()]

    def results(self) -> list[RunResult]:
        """Finished (complete or failed) runs of the current plan, in plan order, with their
        stored predictions and gold log-probabilities (empty for runs stored without)."""
        return [
            result_from_dict(
                json.loads(r["result"]), self.predictions(r["key"]), self.gold_log_probs(r["key"])
            )
            for r in self.rows()
            if r["result"]
        ]

    def predictions(self, key: str) -> dict[str, tuple[Any, ...]]:
        """Task -> stored test predictions of run ``key`` (one per test example, in test
        order; tagging: a tuple of tags each), tasks sorted; empty when none are stored."""
        if "predictions" not in self._tables:
            return {}
        rows = self._db.execute(
            "SELECT task, labels, codes, lengths FROM predictions WHERE key = ? ORDER BY task",
            (key,),
        )
        return {r["task"]: decode_predictions(r["labels"], r["codes"], r["lengths"]) for r in rows}

    def gold_log_probs(self, key: str) -> dict[str, tuple[float, ...]]:
        """Task -> stored test gold log-probabilities of run ``key`` (one per test example,
        in test order), tasks sorted; empty when none are stored."""
        if "gold_log_probs" not in self._tables:
            return {}
        rows = self._db.execute(
            "SELECT task, logp FROM gold_log_probs WHERE key = ? ORDER BY task", (key,)
        )
        return {r["task"]: unpack_floats(r["logp"]) for r in rows}

    def attempts(self, key: str | None = None) -> list[dict[str, Any]]:
        """History of finished attempts (all runs, or run ``key``), oldest first."""
        if key is None:
            rows = self._db.execute("SELECT * FROM attempts ORDER BY finished")
        else:
            rows = self._db.execute(
                "SELECT * FROM attempts WHERE key = ? ORDER BY finished", (key,)
            )
        return [dict(r) for r in rows]
