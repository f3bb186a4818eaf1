"""migrate_keys on a store written through ResultStore: former keys renamed with their
results, attempts and predictions; a current key already stored complete wins; a store
that needs nothing is not written."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

from taskaffinity.study import ResultStore, migrate_keys
from taskaffinity.testing import ToyBackend, toy_suite
from taskaffinity.types import RunResult


def _former(backend, suite, tasks, seed=0):
    spec = backend.spec(tasks, seed, suite)
    (old,) = backend.previous_specs(spec, suite)
    return spec, old


def _result(key: str, tasks, status="complete") -> RunResult:
    scores = {t: 0.5 for t in tasks}
    preds = {t: ("x", "y") for t in tasks}
    return RunResult(key, tuple(sorted(tasks)), 0, scores, {t: {"accuracy": 0.5} for t in tasks},
                     status=status, error="" if status == "complete" else "boom",
                     predictions=preds)  # fmt: skip


def test_former_keys_are_renamed_and_a_complete_current_key_wins(tmp_path) -> None:
    suite, backend = toy_suite(), ToyBackend()
    (a, a_old), (b, b_old), (c, c_old) = (
        _former(backend, suite, t) for t in (["more_a"], ["has_c"], ["first"])
    )
    path = tmp_path / "study.sqlite"
    with ResultStore(path) as store:
        store.sync_plan([a_old, b_old, c_old, b, c])
        for spec in (a_old, b_old, c_old):
            store.mark_started(spec.key)
            store.record(_result(spec.key, spec.tasks))
        store.record(_result(b.key, b.tasks, status="failed"))  # current key: failed
        store.record(replace(_result(c.key, c.tasks), scores={"first": 0.9}))  # complete
    assert migrate_keys(path, backend, suite) == 2
    with ResultStore(path) as store:
        runs = {r["key"]: r for r in store.rows(plan_only=False)}
        assert set(runs) == {a.key, b.key, c.key, c_old.key}
        assert store.predictions(a.key) == {"more_a": ("x", "y")}
        assert runs[b.key]["status"] == "complete" and store.predictions(b.key)
        assert runs[c.key]["status"] == "complete" and runs[c_old.key]["status"] == "complete"
        assert [x["status"] for x in store.attempts(a.key)] == ["complete"]
        assert sorted(x["status"] for x in store.attempts(b.key)) == ["complete", "failed"]
    with sqlite3.connect(path) as db:
        (result,) = db.execute("SELECT result FROM runs WHERE key = ?", (a.key,)).fetchone()
        assert a.key in result and a_old.key not in result
    assert migrate_keys(path, backend, suite) == 0  # nothing left to do


def test_a_store_needing_nothing_is_left_untouched(tmp_path) -> None:
    suite, backend = toy_suite(), ToyBackend()
    spec = backend.spec(["more_a"], 0, suite)
    path = tmp_path / "study.sqlite"
    with ResultStore(path) as store:
        store.sync_plan([spec])
        store.record(_result(spec.key, spec.tasks))
    before = path.read_bytes()
    assert migrate_keys(path, backend, suite) == 0
    assert path.read_bytes() == before
    assert migrate_keys(tmp_path / "absent.sqlite", backend, suite) == 0
