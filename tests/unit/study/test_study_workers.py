"""Worker supervision: a pool worker killed during start-up or mid-run is noticed at once,
its run is tried again within the same call (up to ``executor.retries``), and the other
workers' runs go on untouched."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest
from _procs import kill_group, spawned_workers, start_cli, until

from taskaffinity.config import load_config
from taskaffinity.errors import InputError
from taskaffinity.study import LostAttempt, PoolExecutor, ResultStore
from taskaffinity.testing import ToyBackend, toy_suite, write_toy_config


def collect(ex: PoolExecutor, n: int, timeout: float = 60.0) -> list:
    """Everything ``ex.wait`` returns until ``n`` runs are finished (lost attempts kept)."""
    out: list = []
    deadline = time.monotonic() + timeout
    while sum(not isinstance(o, LostAttempt) for _, o in out) < n:
        assert time.monotonic() < deadline, f"executor still busy after {timeout} s: {out}"
        out += ex.wait(timeout=1.0)
    return out


def started(ex: PoolExecutor, n: int, timeout: float = 60.0) -> dict[str, int]:
    """``ex.running()`` once ``n`` runs are being trained (the driver's side of the pool
    only moves while someone waits on it)."""
    deadline = time.monotonic() + timeout
    while len(ex.running()) < n:
        assert time.monotonic() < deadline, f"{n} runs never started"
        assert ex.wait(timeout=0.05) == []
    return ex.running()


def test_worker_killed_at_start_up_is_replaced_and_its_run_retried(tmp_path):
    # the suite is far larger than a pipe buffer: a worker that dies before reading it
    # must not leave the driver writing to it forever
    cfg = write_toy_config(
        tmp_path / "toy.yaml", suite="'_procs:padded_toy_suite'", seeds="[0]"
    )  # 7 runs
    out = tmp_path / "out"
    proc = start_cli("run", str(cfg), "--out", str(out), "--quiet", "--workers", "2")
    try:
        first = until(lambda: spawned_workers(proc.pid), 30, step=0.002)
        assert first, "no worker was started"
        os.kill(first[0], signal.SIGKILL)  # within milliseconds of its start
        try:
            stdout, stderr = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            pytest.fail("the driver hangs after a worker died during start-up")
    finally:
        kill_group(proc)
    assert proc.returncode == 0, stderr
    assert "7/7 runs complete" in stdout
    with ResultStore(out / "study.sqlite") as store:
        rows = store.rows()
        history = store.attempts()
    assert all(r["status"] == "complete" for r in rows)
    lost = [a for a in history if a["status"] == "failed"]
    assert len(lost) == 1 and "SIGKILL" in lost[0]["error"]
    assert "while starting" in lost[0]["error"]
    (retried,) = [r for r in rows if r["key"] == lost[0]["key"]]
    assert retried["attempts"] == 2
    assert sorted(a["key"] for a in history if a["status"] == "complete") == sorted(
        r["key"] for r in rows
    )


def test_worker_killed_mid_run_is_retried_and_the_other_run_goes_on():
    suite, backend = toy_suite(), ToyBackend(sleep=1.5)
    a, b = (backend.spec((t,), 0, suite) for t in ("more_a", "has_c"))
    ex = PoolExecutor(backend, suite, 2, retries=1)
    try:
        ex.submit(a)
        ex.submit(b)
        running = started(ex, 2)
        time.sleep(0.3)  # both inside backend.run
        other = running[b.key]
        os.kill(running[a.key], signal.SIGKILL)
        events = collect(ex, 2)
        os.kill(other, 0)  # the healthy worker was left alone: still alive
    finally:
        ex.close()
    lost = [o for _, o in events if isinstance(o, LostAttempt)]
    results = {s.key: o for s, o in events if not isinstance(o, LostAttempt)}
    assert [(x.spec.key, x.attempt) for x in lost] == [(a.key, 1)]
    assert "SIGKILL" in lost[0].error and "while training" in lost[0].error
    assert results[a.key].ok and results[b.key].ok
    assert results[a.key].scores == ToyBackend().run(a, suite).scores
    assert results[b.key].scores == ToyBackend().run(b, suite).scores


def test_retries_used_up_fail_the_run_with_the_cause():
    suite, backend = toy_suite(), ToyBackend(sleep=30.0)
    spec = backend.spec(("first",), 0, suite)
    ex = PoolExecutor(backend, suite, 1, retries=0)
    try:
        ex.submit(spec)
        running = started(ex, 1)
        os.kill(running[spec.key], signal.SIGKILL)
        start = time.monotonic()
        ((_, result),) = collect(ex, 1, timeout=20)
        noticed = time.monotonic() - start
    finally:
        ex.close()
    assert result.status == "failed" and "SIGKILL" in result.error
    assert "1 attempt" in result.error
    assert noticed < 5.0


def test_retries_option(tmp_path):
    assert load_config(write_toy_config(tmp_path / "a.yaml")).executor.retries == 2
    cfg = write_toy_config(tmp_path / "b.yaml", executor="{retries: 0}")
    assert load_config(cfg).executor.retries == 0
    with pytest.raises(InputError) as info:
        load_config(write_toy_config(tmp_path / "c.yaml", executor="{retries: -1}"))
    assert info.value.field == "executor.retries" and info.value.line == 5
