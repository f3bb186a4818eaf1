"""Run time limits on a local Ray (``ray.init(num_cpus=2)``): a task past its limit, and a
Ray worker stopped with SIGSTOP, are cancelled (``ray.cancel(force=True)``) within the
limit plus a few seconds, retried up to ``executor.retries``, then stored failed; the study
goes on; the next ``run`` retries them; no run is stored twice."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections import Counter

import pytest
from _procs import until

from taskaffinity.config import load_config
from taskaffinity.study import Executor, LostAttempt, ResultStore, run_study
from taskaffinity.study._ray import RayExecutor
from taskaffinity.testing import ProbeBackend, ToyBackend, read_probes, toy_suite, write_toy_config

ray = pytest.importorskip("ray")


@pytest.fixture(scope="module")
def local_ray():
    """A private two-CPU Ray for this module (the executors find it initialised and
    leave it running), without token auth: otherwise ``ray.init`` sets
    ``RAY_AUTH_MODE=token`` in this process for good, and a later test's loopback cluster
    refuses its driver."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("RAY_USAGE_STATS_ENABLED", "0")
        env.setenv("RAY_AUTH_MODE", "disabled")
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
        try:
            yield
        finally:
            ray.shutdown()


def drain(ex: RayExecutor, n: int, timeout: float = 60.0) -> list:
    out: list = []
    deadline = time.monotonic() + timeout
    while sum(not isinstance(o, LostAttempt) for _, o in out) < n:
        assert time.monotonic() < deadline, f"still waiting after {timeout} s: {out}"
        out += ex.wait(timeout=1.0)
    return out


def test_ray_run_past_its_limit_is_retried_then_stored_failed(tmp_path, local_ray):
    backend = "{name: 'taskaffinity.testing:ProbeBackend', hang_on: [has_c], hang: 60}"
    cfg = write_toy_config(
        tmp_path / "toy.yaml", backend=backend, seeds="[0]",
        plan="{singles: true, pairs: false, all: false}",
        executor="{kind: ray, workers: 2, run_timeout: 3, retries: 1}",
    )  # fmt: skip
    out = tmp_path / "out"
    start = time.monotonic()
    summary = run_study(load_config(cfg), out, progress=False)
    assert time.monotonic() - start < 2 * 3 + 20
    assert (summary.complete, summary.failed) == (2, 1)
    (failure,) = summary.failures
    assert failure.tasks == ("has_c",) and "timed out after 3 s" in failure.error
    assert "gave up after 2 attempts" in failure.error
    again = run_study(load_config(cfg), out, progress=False)
    assert (again.trained, again.skipped, again.failed) == (1, 2, 1)
    with ResultStore(out / "study.sqlite") as store:
        rows, attempts = store.rows(), store.attempts()
    assert len(rows) == 3
    assert sum(a["key"] == failure.key for a in attempts) == 4
    assert all(
        n == 1 for n in Counter(a["key"] for a in attempts if a["status"] == "complete").values()
    )


def test_stopped_ray_worker_is_cancelled_at_the_limit(tmp_path, local_ray):
    suite = toy_suite()
    backend = ProbeBackend(hang_on=("has_c",), hang=2.5, record_dir=str(tmp_path))
    a, b = (backend.spec((t,), 0, suite) for t in ("has_c", "more_a"))
    ex = RayExecutor(backend, suite, 2, retries=0)
    assert isinstance(ex, Executor)
    stopped = None
    try:
        ex.submit(a, 6.0)
        ex.submit(b, 6.0)
        record = until(
            lambda: next((r for r in read_probes(tmp_path) if r["key"] == a.key), None), 30
        )
        assert record, "the hanging run never started"
        stopped = record["pid"]
        os.kill(stopped, signal.SIGSTOP)
        events = drain(ex, 2, timeout=40)
    finally:
        ex.close()
        if stopped is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(stopped, signal.SIGCONT)
    results = {s.key: o for s, o in events}
    assert results[b.key].ok and results[b.key].scores == ToyBackend().run(b, suite).scores
    assert results[a.key].status == "failed"
    assert "timed out after 6 s" in results[a.key].error
    assert "ray task cancelled" in results[a.key].error
