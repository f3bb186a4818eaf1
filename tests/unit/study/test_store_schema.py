"""The store's schema version: stores of every earlier version (``tests/data/stores``, made
by the release before versions) upgrade once and keep every run; a store from the future is
refused and left as it is; the previous release's study folder opens, reports and resumes
without training anything."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from taskaffinity.cli import app
from taskaffinity.study import (
    SCHEMA_VERSION,
    ResultStore,
    RunKeys,
    StoreError,
    open_study,
    run_study,
)
from taskaffinity.testing import ToyBackend, toy_suite
from taskaffinity.types import RunResult

STORES = Path(__file__).resolve().parents[2] / "data" / "stores"
LAYOUTS = {  # earlier store -> its tables besides runs and attempts (all version 0)
    "v0-runs.sqlite": set(),
    "v0-predictions.sqlite": {"predictions"},
    "v0-gold.sqlite": {"predictions", "gold_log_probs"},
    "previous/study.sqlite": {"predictions", "gold_log_probs", "claims"},
}
ALL_TABLES = {"runs", "attempts", "predictions", "gold_log_probs", "claims"}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _query(path: Path, sql: str) -> list[tuple]:
    """Rows of ``sql`` on the store ``path``, read as a file that no one has open (writes
    nothing, not even ``-wal``/``-shm`` files)."""
    db = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def _version(path: Path) -> int:
    return _query(path, "PRAGMA user_version")[0][0]


def _count(path: Path, table: str) -> int:
    return _query(path, f"SELECT COUNT(*) FROM {table}")[0][0]


def _folder(tmp_path: Path, store: str) -> Path:
    """A copy of the previous release's study folder holding the store ``store``."""
    folder = tmp_path / "study"
    shutil.copytree(STORES / "previous", folder, ignore=shutil.ignore_patterns("*-wal", "*-shm"))
    shutil.copy2(STORES / store, folder / "study.sqlite")
    return folder


def _contents(path: Path) -> dict[tuple, tuple]:
    """(tasks, seed) -> (status, scores, metrics, predictions, gold) of every stored run,
    read without writing."""
    with ResultStore(path, readonly=True) as store:
        return {
            (tuple(r.tasks), r.seed): (
                r.status, r.scores, r.metrics, r.predictions, r.gold_log_probs
            )
            for r in store.results()
        }  # fmt: skip


@pytest.mark.parametrize("store", sorted(LAYOUTS))
def test_each_earlier_store_upgrades_once_and_trains_nothing(tmp_path, store, caplog) -> None:
    folder = _folder(tmp_path, store)
    db = folder / "study.sqlite"
    assert _version(db) == 0
    before = _contents(db)  # read-only: an old layout reads, its missing tables as empty
    assert len(before) == 14 and _version(db) == 0
    assert all(bool(v[3]) == ("predictions" in LAYOUTS[store]) for v in before.values())
    assert sum(bool(v[4]) for v in before.values()) == (
        6 if "gold_log_probs" in LAYOUTS[store] else 0
    )  # single-task runs of seeds 0 and 1
    attempts = _count(db, "attempts")

    with caplog.at_level(logging.INFO, logger="taskaffinity.study._schema"):
        summary = run_study(folder / "config.yaml", folder, progress=False)
    assert (summary.trained, summary.skipped, summary.complete) == (0, 14, 14)
    assert _version(db) == SCHEMA_VERSION
    upgrades = [r.message for r in caplog.records if "upgraded the store" in r.message]
    assert len(upgrades) == 1 and f"from schema version 0 to {SCHEMA_VERSION}" in upgrades[0]
    assert _contents(db) == before  # every run kept as it was, under its current key
    assert _count(db, "runs") == 14 and _count(db, "attempts") == attempts  # nothing trained

    suite, backend = toy_suite(), ToyBackend()
    assert {r[0] for r in _query(db, "SELECT name FROM sqlite_master")} >= ALL_TABLES
    rows = _query(db, "SELECT key, tasks, seed, spec, result FROM runs")
    for key, tasks, seed, spec, result in rows:
        current = backend.spec(json.loads(tasks), seed, suite)
        assert key == current.key and json.loads(result)["key"] == key
        assert json.loads(spec)["suite"] == current.suite
    keys = {r[0] for r in rows}
    for table in ("attempts", "predictions", "gold_log_probs"):
        assert {r[0] for r in _query(db, f"SELECT key FROM {table}")} <= keys

    caplog.clear()
    with caplog.at_level(logging.INFO, logger="taskaffinity.study._schema"):
        again = run_study(folder / "config.yaml", folder, progress=False)
    assert (again.trained, again.skipped) == (0, 14)
    assert not [r for r in caplog.records if "upgraded" in r.message]  # not upgraded again
    digest = _digest(db)
    with ResultStore(db, keys=RunKeys(backend, suite)) as store:
        assert store.version == SCHEMA_VERSION
    assert _digest(db) == digest  # an upgraded store opens without writing


def test_a_store_opened_without_the_study_stops_before_the_key_step(tmp_path) -> None:
    folder = _folder(tmp_path, "v0-gold.sqlite")
    db = folder / "study.sqlite"
    old_keys = {r[0] for r in _query(db, "SELECT key FROM runs")}
    with ResultStore(db) as store:  # no backend and suite: tables only
        assert store.version == 1
        assert store.claims() == {}
    assert _version(db) == 1
    assert {r[0] for r in _query(db, "SELECT name FROM sqlite_master")} >= ALL_TABLES
    assert {r[0] for r in _query(db, "SELECT key FROM runs")} == old_keys
    summary = run_study(folder / "config.yaml", folder, progress=False)
    assert (summary.trained, summary.skipped) == (0, 14) and _version(db) == SCHEMA_VERSION


def test_the_previous_release_folder_opens_reports_and_resumes(tmp_path) -> None:
    folder = _folder(tmp_path, "previous/study.sqlite")
    db = folder / "study.sqlite"
    runner = CliRunner()
    res = runner.invoke(app, ["report", str(folder), "--out", str(tmp_path / "before")])
    assert res.exit_code == 0, res.output
    assert _version(db) == 0  # reading writes nothing
    study = open_study(folder)
    assert len(study.results) == 14 and all(r.ok for r in study.results)

    res = runner.invoke(app, ["run", str(folder / "config.yaml"), "--out", str(folder)])
    assert res.exit_code == 0, res.output
    assert _count(db, "runs") == 14 and _count(db, "attempts") == 14  # zero retraining
    assert _version(db) == SCHEMA_VERSION
    res = runner.invoke(app, ["report", str(folder), "--out", str(tmp_path / "after")])
    assert res.exit_code == 0, res.output
    before = (tmp_path / "before" / "analysis.json").read_bytes()
    assert (tmp_path / "after" / "analysis.json").read_bytes() == before


def test_a_store_from_the_future_is_refused_and_left_untouched(tmp_path) -> None:
    folder = _folder(tmp_path, "previous/study.sqlite")
    db = folder / "study.sqlite"
    with sqlite3.connect(db) as con:
        con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.close()
    digest = _digest(db)
    for open_it in (
        lambda: ResultStore(db),
        lambda: ResultStore(db, readonly=True),
        lambda: ResultStore(db, keys=RunKeys(ToyBackend(), toy_suite())),
        lambda: open_study(folder),
        lambda: run_study(folder / "config.yaml", folder, progress=False),
    ):
        with pytest.raises(StoreError) as err:
            open_it()
        message = str(err.value)
        assert message.startswith(f"{db}: ") and f"schema version {SCHEMA_VERSION + 1}" in message
        assert f"version {SCHEMA_VERSION} " in message and "left as it is" in message
    assert _digest(db) == digest and _version(db) == SCHEMA_VERSION + 1
    assert sorted(p.name for p in folder.iterdir()) == ["config.yaml", "study.sqlite"]
    res = CliRunner().invoke(app, ["status", str(folder)])
    assert res.exit_code != 0 and f"schema version {SCHEMA_VERSION + 1}" in res.output


def test_a_new_store_starts_at_the_current_version(tmp_path) -> None:
    with ResultStore(tmp_path / "s.sqlite") as store:
        assert store.version == SCHEMA_VERSION
    assert _version(tmp_path / "s.sqlite") == SCHEMA_VERSION


def _result(key: str, tasks, status="complete") -> RunResult:
    scores = {t: 0.5 for t in tasks}
    preds = {t: ("x", "y") for t in tasks}
    return RunResult(key, tuple(sorted(tasks)), 0, scores, {t: {"accuracy": 0.5} for t in tasks},
                     status=status, error="" if status == "complete" else "boom",
                     predictions=preds)  # fmt: skip


def test_the_key_step_renames_former_keys_and_a_complete_current_key_wins(tmp_path) -> None:
    """Runs stored under a key of taskaffinity 0.1 (the whole suite's fingerprint, as it
    keyed toy and scratch runs) take their current keys with everything stored with them;
    when the current key is stored too, the complete one of the two is kept."""
    suite, backend = toy_suite(), ToyBackend()

    def former(tasks):
        spec = backend.spec(tasks, 0, suite)
        return spec, dataclasses.replace(spec, suite=suite.fingerprint)

    (a, a_old), (b, b_old), (c, c_old) = (former(t) for t in (["more_a"], ["has_c"], ["first"]))
    path = tmp_path / "study.sqlite"
    with ResultStore(path) as store:
        store.sync_plan([a_old, b_old, c_old, b, c])
        for spec in (a_old, b_old, c_old):
            store.mark_started(spec.key)
            store.record(_result(spec.key, spec.tasks))
        store.record(_result(b.key, b.tasks, status="failed"))  # current key: failed
        store.record(dataclasses.replace(_result(c.key, c.tasks), scores={"first": 0.9}))
    with sqlite3.connect(path) as con:
        con.execute("PRAGMA user_version = 1")  # as a store not yet through the key step
    con.close()
    with ResultStore(path, keys=RunKeys(backend, suite)) as store:
        assert store.version == SCHEMA_VERSION
        runs = {r["key"]: r for r in store.rows(plan_only=False)}
        assert set(runs) == {a.key, b.key, c.key, c_old.key}
        assert store.predictions(a.key) == {"more_a": ("x", "y")}
        assert runs[b.key]["status"] == "complete" and store.predictions(b.key)
        assert runs[c.key]["status"] == "complete" and runs[c_old.key]["status"] == "complete"
        scores = {r.key: r.scores for r in store.results()}
        assert scores[c.key] == {"first": 0.9}  # the current complete run is kept as it is
        assert [x["status"] for x in store.attempts(a.key)] == ["complete"]
        assert sorted(x["status"] for x in store.attempts(b.key)) == ["complete", "failed"]
    (result,) = _query(path, f"SELECT result FROM runs WHERE key = '{a.key}'")[0]
    assert a.key in result and a_old.key not in result


# keys that taskaffinity 0.1 gave runs on the toy suite (seed 0, each backend's default
# config; scratch with TINY_SCRATCH), as the release before versions computed them
# (``Backend.previous_specs``), which the key step replaced
FORMER_KEYS = {
    ("scratch", ("more_a",)): "47e64a1ff151067e",
    ("scratch", ("has_c", "more_a")): "4814a046ab4e1032",
    ("encoder", ("has_c", "more_a")): "d879d03421c730c5",
    ("lora", ("more_a",)): "dcc979c8b61ec5d1",
    ("lora", ("more_a", "has_c", "first")): "427089bd7cc7d0af",
}


@pytest.mark.parametrize(("backend_name", "tasks"), sorted(FORMER_KEYS))
def test_the_key_step_finds_the_keys_each_backend_had(tmp_path, backend_name, tasks) -> None:
    from taskaffinity.backends import get_backend
    from taskaffinity.testing import TINY_SCRATCH

    suite = toy_suite()
    backend = get_backend(backend_name, TINY_SCRATCH if backend_name == "scratch" else None)
    current = backend.spec(tasks, 0, suite)
    old_key = FORMER_KEYS[(backend_name, tasks)]
    path = tmp_path / "study.sqlite"
    with ResultStore(path) as store:
        store.sync_plan([current])
        store.record(_result(current.key, current.tasks))
    with sqlite3.connect(path) as con:  # the run as 0.1 stored it, in a store of version 1
        con.execute("UPDATE runs SET key = ? WHERE key = ?", (old_key, current.key))
        con.execute("UPDATE attempts SET key = ? WHERE key = ?", (old_key, current.key))
        con.execute("PRAGMA user_version = 1")
    con.close()
    with ResultStore(path, keys=RunKeys(backend, suite)) as store:
        assert [r["key"] for r in store.rows(plan_only=False)] == [current.key]
        assert [a["key"] for a in store.attempts()] == [current.key]


def test_drivers_opening_an_old_store_at_once_upgrade_it_once(tmp_path, caplog) -> None:
    import threading

    folder = _folder(tmp_path, "v0-gold.sqlite")
    db = folder / "study.sqlite"
    keys = RunKeys(ToyBackend(), toy_suite())
    versions: list[int] = []
    start = threading.Barrier(4)

    def open_it() -> None:
        start.wait()
        with ResultStore(db, keys=keys) as store:
            versions.append(store.version)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    with caplog.at_level(logging.INFO, logger="taskaffinity.study._schema"):
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert versions == [SCHEMA_VERSION] * 4
    assert len([r for r in caplog.records if "upgraded the store" in r.message]) == 1
    assert _count(db, "runs") == 14 and _count(db, "attempts") == 14
