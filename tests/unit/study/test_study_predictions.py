"""Test predictions in the result store: compact rows that read back equal, old stores
without them, and writes that a kill -9 never leaves half done."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from taskaffinity.backends import get_backend
from taskaffinity.study import ResultStore, decode_predictions, encode_predictions, open_study
from taskaffinity.tasks import Example, Task, TaskSuite
from taskaffinity.testing import TINY_SCRATCH, ToyBackend, synthetic_suite, toy_suite
from taskaffinity.types import Cost, RunResult


def mark_task(sizes: tuple[int, int, int] = (96, 32, 32)) -> Task:
    """Tagging: ``P`` on every ``x`` or ``q`` of a 6-10 letter string, else ``O``."""
    rng = random.Random("mark")
    splits = []
    for n in sizes:
        exs = []
        for _ in range(n):
            text = "".join(rng.choice("abqx") for _ in range(rng.randint(6, 10)))
            exs.append(
                Example(tokens=tuple(text), tags=tuple("P" if c in "qx" else "O" for c in text))
            )
        splits.append(tuple(exs))
    return Task("mark", "tagging", "synthetic", "tag_f1", *splits)


def mixed_suite() -> TaskSuite:
    return TaskSuite("mixed", (*synthetic_suite(("first", "count")).tasks, mark_task()))


def result(spec, predictions, score: float = 0.5) -> RunResult:
    scores = {t: score for t in spec.tasks}
    return RunResult(
        spec.key, spec.tasks, spec.seed, scores, cost=Cost(1.0, 2, 3), predictions=predictions
    )


@pytest.mark.parametrize(
    "values",
    [
        (),
        ("yes", "no", "no", "yes"),
        ("春", "夏", "秋", "冬", "春"),
        tuple(f"label {i % 300}" for i in range(1000)),  # over 256 labels: 2-byte codes
        (("O", "P"), (), ("P",), ("O", "O", "O")),
        ((),),
        ("a generated text", "another one", ""),
    ],
)
def test_encoding_round_trip(values) -> None:
    labels, codes, lengths = encode_predictions(values)
    assert isinstance(labels, bytes) and isinstance(codes, bytes)
    assert (lengths is not None) == bool(values and isinstance(values[0], tuple))
    assert decode_predictions(labels, codes, lengths) == values


def test_scratch_predictions_stored_and_read_back_equal(tmp_path) -> None:
    suite = mixed_suite()
    backend = get_backend("scratch", dict(TINY_SCRATCH))
    specs = [backend.spec(g, 0, suite) for g in (("mark",), ("count", "first", "mark"))]
    results = [backend.run(s, suite) for s in specs]
    for r in results:
        assert set(r.predictions) == set(r.tasks)
        assert all(len(r.predictions[t]) == len(suite.task(t).test) for t in r.tasks)
    with ResultStore(tmp_path / "s.sqlite") as store:
        store.sync_plan(specs)
        for r in results:
            store.record(r)
    with ResultStore(tmp_path / "s.sqlite") as store:
        loaded = store.results()
        assert store.predictions(specs[1].key) == dict(results[1].predictions)
    assert loaded == results
    for got, want in zip(loaded, results, strict=True):
        assert got.predictions == want.predictions
        assert isinstance(got.predictions["mark"][0], tuple)
    with sqlite3.connect(tmp_path / "s.sqlite") as db:
        (result_json,) = db.execute(
            "SELECT result FROM runs WHERE key = ?", (specs[1].key,)
        ).fetchone()
        assert "predictions" not in json.loads(result_json)
        rows = db.execute("SELECT key, task FROM predictions ORDER BY key, task").fetchall()
    assert sorted(rows) == sorted((s.key, t) for s in specs for t in s.tasks)


def test_complete_run_keeps_its_first_predictions(tmp_path) -> None:
    spec = ToyBackend().spec(("more_a",), 0, toy_suite())
    with ResultStore(tmp_path / "s.sqlite") as store:
        store.sync_plan([spec])
        store.record(result(spec, {"more_a": ("yes", "no")}, 0.7))
        store.record(result(spec, {"more_a": ("no", "no")}, 0.1))
        (stored,) = store.results()
    assert stored.scores == {"more_a": 0.7} and stored.predictions == {"more_a": ("yes", "no")}


def test_predictions_of_unplanned_runs_are_not_stored(tmp_path) -> None:
    spec = ToyBackend().spec(("more_a",), 0, toy_suite())
    with ResultStore(tmp_path / "s.sqlite") as store:
        store.record(result(spec, {"more_a": ("yes",)}))
        assert store.predictions(spec.key) == {}


OLD_SCHEMA = """
CREATE TABLE runs (
    key TEXT PRIMARY KEY, tasks TEXT NOT NULL, seed INTEGER NOT NULL, spec TEXT NOT NULL,
    position INTEGER, status TEXT NOT NULL DEFAULT 'pending', result TEXT,
    error TEXT NOT NULL DEFAULT '', attempts INTEGER NOT NULL DEFAULT 0, created REAL NOT NULL,
    started REAL, finished REAL
);
CREATE TABLE attempts (
    key TEXT NOT NULL, attempt INTEGER NOT NULL, status TEXT NOT NULL, error TEXT NOT NULL,
    started REAL, finished REAL NOT NULL
);
"""


def test_store_made_before_predictions_opens_and_loads_empty_predictions(tmp_path) -> None:
    suite = toy_suite()
    specs = [ToyBackend().spec(g, 0, suite) for g in (("more_a",), ("has_c",))]
    old = {
        "key": specs[0].key,
        "tasks": ["more_a"],
        "seed": 0,
        "scores": {"more_a": 0.75},
        "metrics": {"more_a": {"accuracy": 0.75}},
        "cost": {"seconds": 1.0, "steps": 2, "examples": 3},
        "status": "complete",
        "error": "",
    }
    path = tmp_path / "s.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript(OLD_SCHEMA)
        for i, s in enumerate(specs):
            spec_json = json.dumps({"tasks": list(s.tasks), "backend": s.backend,
                                    "backend_config": dict(s.backend_config), "seed": s.seed,
                                    "suite": s.suite})  # fmt: skip
            done = (json.dumps(old), "complete") if i == 0 else (None, "pending")
            db.execute(
                "INSERT INTO runs (key, tasks, seed, spec, position, result, status, created) "
                "VALUES (?, ?, 0, ?, ?, ?, ?, 0)",
                (s.key, json.dumps(list(s.tasks)), spec_json, i, *done),
            )
    with ResultStore(path) as store:
        (loaded,) = store.results()
        assert loaded.scores == {"more_a": 0.75} and loaded.predictions == {}
        store.record(result(specs[1], {"has_c": ("yes", "no")}))
    with ResultStore(path) as store:
        assert [r.predictions for r in store.results()] == [{}, {"has_c": ("yes", "no")}]


CHILD = """
import sqlite3, sys, time
from taskaffinity.study import ResultStore
from taskaffinity.testing import ToyBackend, toy_suite
from taskaffinity.types import RunResult

connect = sqlite3.connect

def traced(*args, **kwargs):
    db = connect(*args, **kwargs)

    def stall(sql):  # the run's row is next: its predictions are written, not committed
        if sql.startswith("UPDATE runs SET status"):
            print("inside", flush=True)
            time.sleep(60)

    db.set_trace_callback(stall)
    return db

sqlite3.connect = traced
spec = ToyBackend().spec(("more_a",), 0, toy_suite())
result = RunResult(spec.key, spec.tasks, 0, {"more_a": 0.5}, predictions={"more_a": ("yes",)})
ResultStore(sys.argv[1]).record(result)
"""


def test_killed_write_leaves_neither_predictions_nor_result(tmp_path) -> None:
    spec = ToyBackend().spec(("more_a",), 0, toy_suite())
    path = tmp_path / "s.sqlite"
    with ResultStore(path) as store:
        store.sync_plan([spec])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(CHILD), str(path)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "inside"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    with ResultStore(path) as store:
        (row,) = store.rows()
        assert row["status"] == "pending" and row["result"] is None
        assert store.predictions(spec.key) == {} and store.attempts() == []
        store.record(result(spec, {"more_a": ("yes",)}))
        assert store.results()[0].predictions == {"more_a": ("yes",)}


def test_study_of_scratch_runs_opens_with_predictions(tmp_path) -> None:
    from taskaffinity.config import load_config
    from taskaffinity.study import run_study

    backend = json.dumps({"name": "scratch", **TINY_SCRATCH})
    cfg = tmp_path / "c.yaml"
    cfg.write_text(
        "suite: 'taskaffinity.testing:synthetic_suite'\n"
        f"backend: {backend}\n"
        "plan: {singles: true, pairs: false, all: true}\n"
        "seeds: [0]\n"
    )
    assert run_study(load_config(cfg), tmp_path / "out", progress=False).ok
    study = open_study(tmp_path / "out")
    assert len(study.complete) == 4 and study.has_predictions
    for r in study.complete:
        assert {t: len(p) for t, p in r.predictions.items()} == {t: 32 for t in r.tasks}
