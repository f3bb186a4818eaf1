"""The active plan on the replay backend with a tiny table made here: its start, R respected,
its stopping rule, a resume after kill -9 with nothing trained twice, its config errors."""

from __future__ import annotations

import itertools
import os
import signal
import sqlite3
import subprocess
from pathlib import Path

import numpy as np
import pytest
import yaml
from _procs import CLI, ENV, kill_group, start_cli, until

from taskaffinity.config import config_from_dict, load_config
from taskaffinity.errors import InputError
from taskaffinity.study import ResultStore, run_study
from taskaffinity.study._active_plan import ActivePlan, space_filling, stored_results
from taskaffinity.study._study import make_backend

TASKS = ("a", "b", "c", "d", "e")
GROUPS = ({"a", "b", "c"}, {"d", "e"})  # planted: tasks help their own group, hurt others


def _write_table(path: Path) -> Path:
    """Every combination of five tasks, two seeds; a task gains +0.03 per partner of its
    planted group and loses 0.02 per other partner (mean over partners), seed noise 0.004."""
    rng = np.random.default_rng(0)
    lines = ["group,task,score,seed"]
    for k in range(1, len(TASKS) + 1):
        for group in itertools.combinations(TASKS, k):
            for t in group:
                others = [o for o in group if o != t]
                same = [any({t, o} <= g for g in GROUPS) for o in others]
                effect = np.mean([0.03 if s else -0.02 for s in same]) if others else 0.0
                for seed in (0, 1):
                    value = 0.5 + 0.05 * TASKS.index(t) + effect + rng.normal(0, 0.004)
                    lines.append(f"{'+'.join(group)},{t},{value:.5f},{seed}")
    path.write_text("\n".join(lines) + "\n")
    return path


def _config(folder: Path, **active: object) -> Path:
    _write_table(folder / "t.csv")
    sleep = active.pop("sleep", 0.0)
    data = {
        "name": "active",
        "backend": {"name": "replay", "format": "long", "table": "t.csv", "sleep": sleep},
        "plan": {"active": {"seed": 3, "batch": 3, **active}},
        "seeds": [0, 1],
        "budgets": [2, 3],
    }
    path = folder / "active.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def _plan(path: Path) -> ActivePlan:
    config = load_config(path)
    suite = config.load_suite()
    return ActivePlan(config, suite, make_backend(config))


def _combinations(db: Path) -> set[tuple[str, ...]]:
    with ResultStore(db, readonly=True) as store:
        return {tuple(r["tasks"]) for r in store.rows(plan_only=False)}


def test_space_filling_spreads_the_start() -> None:
    cands = [c for k in range(1, 6) for c in itertools.combinations(TASKS, k)]
    fixed = [(t,) for t in TASKS] + [TASKS]
    picked = space_filling(cands, TASKS, fixed, 3, np.random.default_rng(0))
    assert len(picked) == 3 and not set(picked) & set(fixed)
    assert all(len(g) in (2, 3) for g in picked)  # as far from the singles as from all five
    pairs = {p for g in picked for p in itertools.combinations(g, 2)}
    assert len(pairs) >= 6  # spread: the picks share few pairs


def test_start_and_its_size(tmp_path: Path) -> None:
    plan = _plan(_config(tmp_path, max_runs=12))
    assert plan.start[:6] == (("a",), ("b",), ("c",), ("d",), ("e",), TASKS)
    assert len(plan.start) == 6 + 3  # half of what 12 leaves after the six
    assert plan.candidates == tuple(tuple(sorted(g)) for g in plan.candidates)


def test_respects_max_runs(tmp_path: Path) -> None:
    cfg = _config(tmp_path, max_runs=14, until="budget")
    summary = run_study(cfg, tmp_path / "out", progress=False)
    assert summary.ok
    combos = _combinations(tmp_path / "out" / "study.sqlite")
    assert len(combos) == 14 and summary.total == 28  # each combination with both seeds
    step = _plan(cfg).next_round(stored_results_of(tmp_path / "out"))
    assert step.groups == () and "max_runs (14) spent" in step.reason


def stored_results_of(out: Path):
    with ResultStore(out / "study.sqlite", readonly=True) as store:
        return stored_results(store)


def test_more_max_runs_with_a_named_start_goes_on(tmp_path: Path) -> None:
    first = run_study(_config(tmp_path, max_runs=14, start=4, until="budget"), tmp_path / "out",
                      progress=False)  # fmt: skip
    before = _combinations(tmp_path / "out" / "study.sqlite")
    cfg = _config(tmp_path, max_runs=20, start=4, until="budget")
    more = run_study(cfg, tmp_path / "out", progress=False)
    with ResultStore(tmp_path / "out" / "study.sqlite", readonly=True) as store:
        planned = {tuple(r["tasks"]) for r in store.rows()}
    assert len(before) == 14 and before <= planned and len(planned) == 20
    assert more.trained == 2 * 6 and more.total == first.total + 2 * 6


def test_stops_when_the_recommendation_is_settled(tmp_path: Path) -> None:
    cfg = _config(tmp_path, max_runs=31)
    summary = run_study(cfg, tmp_path / "out", progress=False)
    combos = _combinations(tmp_path / "out" / "study.sqlite")
    assert summary.ok and len(combos) < 31
    step = _plan(cfg).next_round(stored_results_of(tmp_path / "out"))
    assert step.groups == () and step.reason.startswith("the recommendation is settled")
    assert step.spent == len(combos)
    assert step.choice is not None
    rec = step.choice.recommendation
    assert set(rec[2.0].groups) == {("a", "b", "c"), ("d", "e")}
    for grouping in rec.values():  # never a network across the planted groups
        assert all(any(set(g) <= p for p in GROUPS) for g in grouping.groups)
    again = run_study(cfg, tmp_path / "out", progress=False)  # resumes with nothing to do
    assert again.trained == 0 and again.total == summary.total


def test_resumes_after_kill_9_and_trains_nothing_twice(tmp_path: Path) -> None:
    whole = tmp_path / "whole"
    whole.mkdir()
    reference = run_study(_config(whole, max_runs=20), whole / "out", progress=False)
    cfg = _config(tmp_path, max_runs=20, sleep=0.1)
    out = tmp_path / "out"
    db = out / "study.sqlite"

    def complete() -> int:
        if not db.is_file():
            return 0
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
                sql = "SELECT count(*) FROM runs WHERE status = 'complete'"
                return int(con.execute(sql).fetchone()[0])
        except sqlite3.OperationalError:  # the store is being created
            return 0

    proc = start_cli("run", str(cfg), "--out", str(out), "--quiet")
    try:
        assert until(lambda: complete() >= 22, 60, step=0.02), proc.stderr.read()  # round 1
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    finally:
        kill_group(proc)
    before = complete()
    assert 22 <= before < reference.total
    second = run_study(cfg, out, progress=False)
    assert second.ok and second.total == reference.total
    assert second.trained == reference.total - before
    assert _combinations(db) == _combinations(whole / "out" / "study.sqlite")
    with ResultStore(db) as store:
        completions = [a["key"] for a in store.attempts() if a["status"] == "complete"]
    assert len(completions) == len(set(completions)) == reference.total


def test_two_drivers_share_the_rounds_and_train_each_run_once(tmp_path: Path) -> None:
    whole = tmp_path / "whole"
    whole.mkdir()
    reference = run_study(_config(whole, max_runs=18), whole / "out", progress=False)
    cfg = _config(tmp_path, max_runs=18, sleep=0.05)
    out = tmp_path / "out"
    args = ("run", str(cfg), "--out", str(out), "--quiet")
    procs = [start_cli(*args), start_cli(*args)]
    try:
        done = [p.communicate(timeout=120) for p in procs]
    finally:
        for p in procs:
            kill_group(p)
    for p, (_, stderr) in zip(procs, done, strict=True):
        assert p.returncode == 0, stderr
    counts = [int(o.split(" trained now")[0].rsplit("(", 1)[1]) for o, _ in done]
    assert sum(counts) == reference.total and min(counts) > 0, counts  # both trained
    assert _combinations(out / "study.sqlite") == _combinations(whole / "out" / "study.sqlite")
    with ResultStore(out / "study.sqlite") as store:
        completions = [a["key"] for a in store.attempts() if a["status"] == "complete"]
        rows = store.rows()
    assert len(completions) == len(set(completions)) == reference.total == len(rows)


def test_a_pool_of_workers_makes_the_same_choices(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    run_study(_config(one, max_runs=16), one / "out", progress=False)
    run_study(_config(two, max_runs=16), two / "out", progress=False, workers=2)
    assert _combinations(one / "out" / "study.sqlite") == _combinations(
        two / "out" / "study.sqlite"
    )


def test_ray_makes_the_same_choices(tmp_path: Path) -> None:
    pytest.importorskip("ray")
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    run_study(_config(one, max_runs=16), one / "out", progress=False)
    cfg = _config(two, max_runs=16)
    data = yaml.safe_load(cfg.read_text())
    data["executor"] = {"kind": "ray", "workers": 2}
    cfg.write_text(yaml.safe_dump(data))
    env = {"RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "disabled"}
    args = [*CLI, "run", str(cfg), "--out", str(two / "out"), "--quiet"]
    done = subprocess.run(args, env={**ENV, **env}, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert _combinations(one / "out" / "study.sqlite") == _combinations(
        two / "out" / "study.sqlite"
    )


@pytest.mark.parametrize(
    ("active", "field"),
    [
        ({"max_runs": 10, "predictor": "pairwize"}, "plan.active.predictor"),
        ({"max_runs": 3}, "plan.active.max_runs"),
        ({"max_runs": 10, "params": {"no_such": 1}}, "plan.active.params"),
    ],
)
def test_bad_plans_are_refused_before_anything_is_written(
    tmp_path: Path, active: dict[str, object], field: str
) -> None:
    with pytest.raises(InputError) as err:
        run_study(_config(tmp_path, **active), tmp_path / "out", progress=False)
    assert err.value.field == field and err.value.line is not None
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("active", "field"),
    [
        ({"seed": 0}, "plan.active.max_runs"),
        ({"max_runs": 0}, "plan.active.max_runs"),
        ({"max_runs": 9, "untill": "budget"}, "plan.active.untill"),
        ({"max_runs": 9, "until": "forever"}, "plan.active.until"),
        ({"max_runs": 9, "batch": 0}, "plan.active.batch"),
        ({"max_runs": 9, "solver": "fast"}, "plan.active.solver"),
    ],
)
def test_bad_options(active: dict[str, object], field: str) -> None:
    data = {"backend": {"name": "replay", "table": "t.csv"}, "plan": {"active": active}}
    with pytest.raises(InputError) as err:
        config_from_dict(data)
    assert err.value.field == field


@pytest.mark.parametrize("suite_name", ["en_text", "en_many"])
def test_candidates_are_sorted_tuples_whatever_the_suite_order(suite_name: str) -> None:
    """Stored runs name their tasks sorted; candidates in the suite's order made the report
    count a measured combination twice (and refuse two all-task networks of one cost)."""
    from taskaffinity.study._active_plan import plan_candidates
    from taskaffinity.suites import load_suite

    suite = load_suite(suite_name)
    assert list(suite.names) != sorted(suite.names)  # the case this guards
    cands = plan_candidates(None, suite, np.random.default_rng(0))
    assert all(list(g) == sorted(g) for g in cands)
    assert len(set(cands)) == len(cands)
    assert tuple(sorted(suite.names)) in cands
