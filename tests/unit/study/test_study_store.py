"""SQLite result store: transactional writes, complete runs never overwritten, history."""

from __future__ import annotations

import sqlite3

from taskaffinity.study import ResultStore, failed_result
from taskaffinity.testing import ToyBackend, toy_suite
from taskaffinity.types import Cost, RunResult


def specs():
    suite = toy_suite()
    return [ToyBackend().spec(g, 0, suite) for g in (("more_a",), ("has_c",), ("has_c", "more_a"))]


def ok(spec, score=0.5) -> RunResult:
    return RunResult(
        spec.key, spec.tasks, spec.seed, {t: score for t in spec.tasks}, cost=Cost(1.0, 2, 3)
    )


def test_plan_sync_record_and_reload(tmp_path):
    s = specs()
    with ResultStore(tmp_path / "s.sqlite") as store:
        store.sync_plan(s)
        assert [r["status"] for r in store.rows()] == ["pending"] * 3
        store.mark_started(s[0].key)
        store.record(ok(s[0]))
        store.mark_started(s[1].key)
        store.record(failed_result(s[1], "Traceback: boom"))
    with ResultStore(tmp_path / "s.sqlite") as store:
        assert store.specs() == s
        rows = {r["key"]: r for r in store.rows()}
        assert rows[s[0].key]["status"] == "complete" and rows[s[0].key]["attempts"] == 1
        assert rows[s[1].key]["error"] == "Traceback: boom"
        results = store.results()
        assert [r.status for r in results] == ["complete", "failed"]
        assert results[0] == ok(s[0])
    assert (
        sqlite3.connect(tmp_path / "s.sqlite").execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    )


def test_complete_run_never_overwritten_and_failures_kept(tmp_path):
    s = specs()
    with ResultStore(tmp_path / "s.sqlite") as store:
        store.sync_plan(s)
        store.record(failed_result(s[0], "first error"))
        store.mark_started(s[0].key)
        store.record(ok(s[0], 0.7))
        store.mark_started(s[0].key)  # a complete run is not started again
        store.record(ok(s[0], 0.1))
        (row,) = [r for r in store.rows() if r["key"] == s[0].key]
        assert row["status"] == "complete" and row["attempts"] == 1
        assert store.results()[0].scores == {"more_a": 0.7}
        history = [(a["status"], a["error"]) for a in store.attempts(s[0].key)]
        assert history[:2] == [("failed", "first error"), ("complete", "")]


def test_new_plan_keeps_old_runs_out_of_view(tmp_path):
    s = specs()
    with ResultStore(tmp_path / "s.sqlite") as store:
        store.sync_plan(s)
        store.record(ok(s[2]))
        store.sync_plan(s[:2])
        assert len(store.rows()) == 2 and store.results() == []
        assert len(store.rows(plan_only=False)) == 3
        store.sync_plan(s[::-1])
        assert [r["key"] for r in store.rows()] == [x.key for x in s[::-1]]
        assert store.results()[0] == ok(s[2])
