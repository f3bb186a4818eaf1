"""Run time limits and liveness (``executor.run_timeout``): a run past its limit, and a
real pool worker stopped with SIGSTOP (it never answers), are noticed within the limit
plus a few seconds, stopped, retried up to ``executor.retries``, then stored failed with
``timed out after N s``; the study goes on; ``status`` shows it; the next ``run`` retries
it; no run is stored twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from _procs import kill_group, run_cli, start_cli, until
from test_study_workers import collect, started

from taskaffinity.config import load_config
from taskaffinity.errors import InputError
from taskaffinity.study import (
    Executor,
    LostAttempt,
    PoolExecutor,
    ResultStore,
    RunTimeLimit,
    SequentialExecutor,
    run_study,
    study_status,
)
from taskaffinity.testing import ProbeBackend, ToyBackend, read_probes, toy_suite, write_toy_config
from taskaffinity.types import Cost, RunResult

SINGLES = "{singles: true, pairs: false, all: false}"


def hanging_config(tmp_path: Path, executor: str, hang: float = 60.0) -> Path:
    """Three single-task runs; the run of ``has_c`` sleeps ``hang`` seconds."""
    backend = f"{{name: 'taskaffinity.testing:ProbeBackend', hang_on: [has_c], hang: {hang}}}"
    return write_toy_config(
        tmp_path / "toy.yaml", backend=backend, plan=SINGLES, seeds="[0]", executor=executor
    )


def stored_once(out: Path) -> tuple[list[dict], list[dict]]:
    """The study's run rows and attempts; asserts no run was stored complete twice."""
    with ResultStore(out / "study.sqlite") as store:
        rows, attempts = store.rows(), store.attempts()
    assert len(rows) == len({r["key"] for r in rows})
    complete = Counter(a["key"] for a in attempts if a["status"] == "complete")
    assert all(n == 1 for n in complete.values()), complete
    return rows, attempts


@pytest.mark.parametrize("workers", [1, 2])
def test_run_past_its_limit_is_retried_then_stored_failed(tmp_path, workers):
    cfg = hanging_config(tmp_path, f"{{workers: {workers}, run_timeout: 2, retries: 1}}")
    out = tmp_path / "out"
    start = time.monotonic()
    summary = run_study(load_config(cfg), out, progress=False)
    took = time.monotonic() - start
    # two attempts of 2 s each, plus starting workers and ending the stopped one
    assert took < 2 * 2 + 15, f"the study took {took:.1f} s"
    assert (summary.complete, summary.failed) == (2, 1)
    (failure,) = summary.failures
    assert failure.tasks == ("has_c",)
    assert "timed out after 2 s" in failure.error and "gave up after 2 attempts" in failure.error
    rows, attempts = stored_once(out)
    lost = [a for a in attempts if a["key"] == failure.key]
    assert [a["status"] for a in lost] == ["failed", "failed"]
    assert all("timed out after 2 s" in a["error"] for a in lost)

    status = study_status(out)
    (shown,) = status.failures
    assert shown.key == failure.key and "timed out after 2 s" in shown.last_error
    res = run_cli("status", str(out))
    assert res.returncode == 0 and "timed out after 2 s" in res.stdout

    again = run_study(load_config(cfg), out, progress=False)  # the next run retries it
    assert (again.trained, again.skipped, again.failed) == (1, 2, 1)
    rows, attempts = stored_once(out)
    assert len(rows) == 3
    assert sum(a["key"] == failure.key for a in attempts) == 4


def test_sequential_limit_keeps_the_next_run_going():
    suite = toy_suite()
    backend = ProbeBackend(hang_on=("first",), hang=30)
    slow, fast = (backend.spec((t,), 0, suite) for t in ("first", "more_a"))
    ex = SequentialExecutor(backend, suite, retries=0)
    assert isinstance(ex, Executor)
    ex.submit(slow, 0.5)
    ex.submit(fast, 0.5)
    start = time.monotonic()
    ((_, first),) = ex.wait()
    assert time.monotonic() - start < 3
    assert first.status == "failed" and "timed out after 0.5 s" in first.error
    ((_, second),) = ex.wait()
    assert second.ok and second.scores == ToyBackend().run(fast, suite).scores


def test_stopped_pool_worker_is_noticed_at_the_limit_and_its_run_retried(tmp_path):
    suite = toy_suite()
    backend = ProbeBackend(sleep=1.0)
    a, b = (backend.spec((t,), 0, suite) for t in ("more_a", "has_c"))
    ex = PoolExecutor(backend, suite, 2, retries=1, grace=1.0)
    assert isinstance(ex, Executor)
    try:
        ex.submit(a, 3.0)
        ex.submit(b, 3.0)
        running = started(ex, 2)
        stopped = running[a.key]
        os.kill(stopped, signal.SIGSTOP)
        start = time.monotonic()
        events = collect(ex, 2, timeout=30)
        noticed = time.monotonic() - start
    finally:
        ex.close()
    lost = [o for _, o in events if isinstance(o, LostAttempt)]
    results = {s.key: o for s, o in events if not isinstance(o, LostAttempt)}
    assert [(x.spec.key, x.attempt) for x in lost] == [(a.key, 1)]
    assert "timed out after 3 s" in lost[0].error
    assert results[a.key].ok and results[b.key].ok  # a again, in a fresh worker
    assert results[a.key].scores == ToyBackend().run(a, suite).scores
    assert noticed < 3 + 1 + 3 + 5  # limit, grace, the retry's own second, start-up
    with pytest.raises(ProcessLookupError):
        os.kill(stopped, 0)  # ended, not left stopped


def test_silent_worker_is_noticed_without_a_time_limit():
    """No limit (``auto`` before a run of that size is stored): the worker's heartbeat
    stops when it is stopped, and its silence gives it away."""
    suite = toy_suite()
    backend = ToyBackend(sleep=1.0)
    spec = backend.spec(("first",), 0, suite)
    ex = PoolExecutor(backend, suite, 1, retries=0, grace=1.0, silence=2.0)
    try:
        ex.submit(spec, None)
        stopped = started(ex, 1)[spec.key]
        os.kill(stopped, signal.SIGSTOP)
        start = time.monotonic()
        ((_, result),) = collect(ex, 1, timeout=30)
        noticed = time.monotonic() - start
    finally:
        ex.close()
    assert result.status == "failed" and "stopped answering" in result.error
    assert "gave up after 1 attempt" in result.error
    assert noticed < 2 + 1 + 3
    with pytest.raises(ProcessLookupError):
        os.kill(stopped, 0)


def test_stopped_worker_in_a_study_is_stored_failed_then_retried_by_the_next_run(tmp_path):
    probes = tmp_path / "probes"
    probes.mkdir()
    backend = (
        "{name: 'taskaffinity.testing:ProbeBackend', hang_on: [has_c], hang: 2.5, "
        f"record_dir: '{probes}'}}"
    )
    cfg = write_toy_config(
        tmp_path / "toy.yaml", backend=backend, plan=SINGLES, seeds="[0]",
        executor="{workers: 2, run_timeout: 5, retries: 0}",
    )  # fmt: skip
    out = tmp_path / "out"
    proc = start_cli("run", str(cfg), "--out", str(out), "--quiet")
    try:
        record = until(
            lambda: next((r for r in read_probes(probes) if r["tasks"] == ["has_c"]), None), 60
        )
        assert record, "the run of has_c never started"
        os.kill(record["pid"], signal.SIGSTOP)  # inside its 2.5 s sleep: never answers
        start = time.monotonic()
        try:
            stdout, stderr = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            pytest.fail("the driver waits for a stopped worker")
        noticed = time.monotonic() - start
    finally:
        kill_group(proc)
    assert proc.returncode == 1, stderr
    assert "2/3 runs complete" in stdout
    assert "timed out after 5 s" in stderr
    assert noticed < 5 + 5 + 5
    status = json.loads(run_cli("status", str(out), "--json").stdout)
    assert (status["complete"], status["failed"]) == (2, 1)
    again = run_cli("run", str(cfg), "--out", str(out), "--quiet")  # nothing stopped now
    assert again.returncode == 0, again.stderr
    assert "3/3 runs complete" in again.stdout and "1 trained now" in again.stdout
    rows, _ = stored_once(out)
    assert len(rows) == 3 and all(r["status"] == "complete" for r in rows)


def test_auto_limit_is_learned_from_complete_runs_of_the_same_size():
    suite = toy_suite()
    spec1 = ToyBackend().spec(("first",), 0, suite)
    spec2 = ToyBackend().spec(("first", "has_c"), 0, suite)

    def done(tasks: tuple[str, ...], seconds: float, status: str = "complete") -> RunResult:
        return RunResult("k", tasks, 0, {}, {}, Cost(seconds=seconds), status=status)

    limits = RunTimeLimit("auto")
    assert limits.of(spec1) is None  # none before a run of that size is complete
    limits.seen(done(("a",), 30.0))
    limits.seen(done(("a",), 90.0))
    limits.seen(done(("a",), 5000.0, status="failed"))  # failed runs do not count
    assert limits.of(spec1) == 900.0 and limits.of(spec2) is None
    limits.seen(done(("a", "b"), 1.0))
    assert limits.of(spec2) == 600.0  # the floor
    assert RunTimeLimit(12.5).of(spec2) == 12.5
    assert RunTimeLimit("off", [done(("a",), 1.0)]).of(spec1) is None


def test_run_timeout_option(tmp_path):
    assert load_config(write_toy_config(tmp_path / "a.yaml")).executor.run_timeout == "auto"
    cfg = write_toy_config(tmp_path / "b.yaml", executor="{run_timeout: 90}")
    assert load_config(cfg).executor.run_timeout == 90
    for bad in ("-1", "soon", "true"):
        path = write_toy_config(tmp_path / "c.yaml", executor=f"{{run_timeout: {bad}}}")
        with pytest.raises(InputError) as info:
            load_config(path)
        assert info.value.field == "executor.run_timeout" and info.value.line == 5
        assert "auto or off" in info.value.message
