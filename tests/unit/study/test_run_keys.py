"""A run's key depends on what changes its result, not on cosmetics; stored runs keyed by
the former scheme are migrated to the current keys with their results and predictions."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from taskaffinity.backends import get_backend
from taskaffinity.config import load_config
from taskaffinity.errors import InputError
from taskaffinity.study import ResultStore, run_study
from taskaffinity.tasks import Example, Task, TaskSuite
from taskaffinity.testing import TINY_SCRATCH

V1 = Path(__file__).parent / "data" / "keys_v1"


def _stored(path: Path) -> dict[str, tuple]:
    """key -> (tasks, scores, predictions) of the complete runs in the store ``path``."""
    with ResultStore(path) as store:
        return {
            r.key: (r.tasks, dict(r.scores), dict(r.predictions)) for r in store.results() if r.ok
        }


@pytest.fixture
def v1(tmp_path: Path) -> Path:
    """A copy of a study trained and stored under the former key scheme."""
    shutil.copytree(V1, tmp_path / "v1", ignore=shutil.ignore_patterns("make.py"))
    return tmp_path / "v1"


def _config(folder: Path, text: str) -> Path:
    path = folder / "edited.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_stored_runs_of_the_former_keys_are_migrated(v1) -> None:
    before = {v[0]: v[1:] for v in _stored(v1 / "out" / "study.sqlite").values()}
    summary = run_study(v1 / "study.yaml", v1 / "out", progress=False)
    assert (summary.trained, summary.skipped, summary.complete) == (0, 7, 7)
    after = _stored(v1 / "out" / "study.sqlite")
    assert {v[0]: v[1:] for v in after.values()} == before
    assert all(len(p) == len(tasks) for tasks, _, p in after.values())
    cfg = load_config(v1 / "study.yaml")
    suite, backend = cfg.load_suite(), get_backend("scratch", cfg.backend.params)
    assert set(after) == {backend.spec(tasks, 0, suite).key for tasks, _, _ in after.values()}
    with sqlite3.connect(v1 / "out" / "study.sqlite") as db:
        keys = {r[0] for r in db.execute("SELECT key FROM runs")}
        assert keys == set(after)  # nothing left under a former key
        assert {r[0] for r in db.execute("SELECT key FROM attempts")} == keys
        assert {r[0] for r in db.execute("SELECT key FROM predictions")} == keys


def test_renaming_the_study_or_reordering_its_tasks_trains_nothing(v1) -> None:
    run_study(v1 / "study.yaml", v1 / "out", progress=False)
    text = (v1 / "study.yaml").read_text("utf-8")
    lines = text.splitlines(keepends=True)
    reordered = lines[0].replace("keys-v1", "renamed") + lines[1] + lines[4] + lines[2] + lines[3]
    edited = _config(v1, reordered + "".join(lines[5:]))
    assert load_config(edited).load_suite().names == ("last", "first", "count")
    summary = run_study(edited, v1 / "out", progress=False)
    assert (summary.trained, summary.skipped) == (0, 7)


def _plan_keys(folder: Path) -> dict[tuple[str, ...], str]:
    with ResultStore(folder / "out" / "study.sqlite") as store:
        return {tuple(r["tasks"]): r["key"] for r in store.rows()}


def test_changing_one_metric_retrains_only_the_runs_of_that_task(v1) -> None:
    run_study(v1 / "study.yaml", v1 / "out", progress=False)
    before = _plan_keys(v1)
    text = (v1 / "study.yaml").read_text("utf-8")
    edited = _config(v1, text.replace("metric: macro_f1", "metric: accuracy"))
    with pytest.raises(InputError, match=r"tasks: "):  # another study: refused as it is
        run_study(edited, v1 / "out", progress=False)
    summary = run_study(edited, v1 / "out", progress=False, replace_config=True)
    assert (summary.trained, summary.skipped) == (4, 3)
    after = _plan_keys(v1)
    assert sorted(t for t in after if after[t] != before[t]) == [
        ("count",), ("count", "first"), ("count", "first", "last"), ("count", "last")
    ]  # fmt: skip


def _task(name: str, texts: str, labels: str = "xy", metric: str = "accuracy") -> Task:
    def split(tag: str, n: int) -> tuple[Example, ...]:
        return tuple(
            Example(text=f"{texts}{tag}{i}", label=labels[i % len(labels)]) for i in range(n)
        )

    return Task(name, "classification", "c", metric, split("t", 8), split("d", 4), split("s", 4))


@pytest.mark.parametrize("backend_name", ["scratch", "encoder", "lora"])
def test_keys_ignore_the_suite_name_and_task_order(backend_name) -> None:
    a, b, c = _task("a", "ab"), _task("b", "ba"), _task("c", "cd")
    backend = get_backend(backend_name, TINY_SCRATCH if backend_name == "scratch" else None)
    one, two = TaskSuite("one", (a, b, c)), TaskSuite("two", (c, a, b))
    for tasks in (["a"], ["a", "b"], ["c", "a", "b"]):
        assert backend.spec(tasks, 0, one).key == backend.spec(tasks, 0, two).key


def test_scratch_keys_follow_what_a_run_reads() -> None:
    """Its own tasks whole; of the others only what the shared vocabulary is built from."""
    backend = get_backend("scratch", TINY_SCRATCH)

    def key(c: Task, tasks: list[str]) -> str:
        return backend.spec(tasks, 0, TaskSuite("s", (_task("a", "ab"), _task("b", "ba"), c))).key

    base = _task("c", "cd")
    for other in (_task("c", "cd", metric="macro_f1"), _task("c", "cd", labels="uv")):
        assert key(other, ["a"]) == key(base, ["a"])
        assert key(other, ["b", "c"]) != key(base, ["b", "c"])
    assert key(_task("c", "cz"), ["a"]) != key(base, ["a"])  # a new character in the vocabulary
