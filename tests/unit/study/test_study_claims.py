"""Run claims with leases: a driver claims a run before training it and renews the claim
while it trains; other drivers skip it; a claim whose holder died is taken over. Several
drivers on one study train each run once and all finish with the full result."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

from _procs import kill_group, run_cli, start_cli, until

from taskaffinity.study import Lease, ResultStore, failed_result
from taskaffinity.testing import ToyBackend, toy_suite, write_toy_config
from taskaffinity.types import RunResult

HOST = socket.gethostname()


def specs():
    suite = toy_suite()
    return [ToyBackend().spec((t,), 0, suite) for t in suite.names]


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_claim_is_exclusive_until_its_lease_expires(tmp_path):
    s = specs()
    with ResultStore(tmp_path / "s.sqlite") as store:
        store.sync_plan(s)
        a = Lease(store, seconds=0.5, holder="node-a:11")
        b = Lease(store, seconds=0.5, holder="node-b:22")
        assert a.claim(s[0].key) == "claimed"
        assert b.claim(s[0].key) == "held"
        assert a.claim(s[0].key) == "claimed"  # its own claim, renewed
        claim = store.claims()[s[0].key]
        assert claim["holder"] == "node-a:11" and 0 < claim["expires"] - time.time() <= 0.5
        time.sleep(0.6)  # node-a stopped renewing: its lease ran out
        assert b.claim(s[0].key) == "claimed"
        assert store.claims()[s[0].key]["holder"] == "node-b:22"
        assert a.claim(s[0].key) == "held"
        b.release(s[0].key)
        assert s[0].key not in store.claims() and a.claim(s[0].key) == "claimed"


def test_heartbeat_keeps_a_claim_while_its_run_trains(tmp_path):
    s = specs()
    with ResultStore(tmp_path / "s.sqlite") as store:
        store.sync_plan(s)
        other = Lease(store, seconds=0.4, holder="node-b:22")
        with Lease(store, seconds=0.4, holder="node-a:11") as lease:
            assert lease.claim(s[1].key) == "claimed"
            time.sleep(1.2)  # three leases long
            assert other.claim(s[1].key) == "held"
        # leaving the lease releases what it still holds
        assert store.claims() == {} and other.claim(s[1].key) == "claimed"


def test_finished_runs_are_done_and_dead_local_holders_lose_their_claims(tmp_path):
    s = specs()
    with ResultStore(tmp_path / "s.sqlite") as store:
        store.sync_plan(s)
        mine = Lease(store, seconds=60, holder="node-a:11")
        start = time.time()
        store.record(RunResult(s[0].key, s[0].tasks, 0, {"more_a": 0.5}))
        assert mine.claim(s[0].key, since=start) == "done"
        store.record(failed_result(s[1], "boom"))  # failed while this driver ran: not retried
        assert mine.claim(s[1].key, since=start) == "done"
        assert mine.claim(s[1].key, since=time.time()) == "claimed"  # failed before: retried
        # a holder on this host whose process is gone is not waited for
        gone = Lease(store, seconds=60, holder=f"{HOST}:{dead_pid()}")
        assert gone.claim(s[2].key) == "claimed"
        assert mine.claim(s[2].key) == "claimed"
        alive = Lease(store, seconds=60, holder=f"{HOST}:{os.getpid()}")
        assert alive.claim(s[2].key) == "held"  # node-a:11 is on another host: its lease counts


SLOW = "{name: 'taskaffinity.testing:ToyBackend', sleep: 0.5}"  # sleep is not part of a run's key


def trained(stdout: str) -> int:
    line = next(x for x in stdout.splitlines() if "runs complete" in x)
    return int(line.split("(")[1].split(" trained")[0])


def check_each_run_trained_once(db) -> None:
    with ResultStore(db) as store:
        rows = store.rows()
        history = store.attempts()
        assert store.claims() == {}
    assert len(rows) == 14 and all(r["status"] == "complete" for r in rows)
    assert all(r["attempts"] == 1 for r in rows)
    assert sorted(a["key"] for a in history) == sorted(r["key"] for r in rows)


def test_drivers_on_one_study_train_each_run_once(tmp_path):
    cfg = write_toy_config(tmp_path / "toy.yaml", backend=SLOW)  # 14 runs, 7 s in all
    out = tmp_path / "out"
    args = ("run", str(cfg), "--out", str(out), "--quiet")
    procs = [start_cli(*args), start_cli(*args)]  # together, as a job array starts them
    time.sleep(1.0)  # and one more while they train, with a pool of two workers
    procs.append(start_cli(*args, "--workers", "2"))
    try:
        done = [p.communicate(timeout=60) for p in procs]
    finally:
        for p in procs:
            kill_group(p)
    for p, (stdout, stderr) in zip(procs, done, strict=True):
        assert p.returncode == 0, stderr
        assert "14/14 runs complete" in stdout
    counts = [trained(stdout) for stdout, _ in done]
    assert sum(counts) == 14 and sum(c > 0 for c in counts) >= 2, counts
    check_each_run_trained_once(out / "study.sqlite")


def test_claims_of_a_killed_driver_are_taken_over(tmp_path):
    cfg = write_toy_config(tmp_path / "toy.yaml", backend=SLOW)
    out = tmp_path / "out"
    first = start_cli("run", str(cfg), "--out", str(out), "--quiet", "--workers", "2")
    try:
        status = lambda: json.loads(run_cli("status", str(out), "--json").stdout or "{}")  # noqa: E731
        seen = until(
            lambda: [r for r in status().get("runs", []) if r["holder"]] if out.exists() else [],
            30,
            step=0.1,
        )
        assert seen, "the first driver never claimed a run"
        assert {r["holder"] for r in seen} == {f"{HOST}:{first.pid}"}
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
    finally:
        kill_group(first)
    second = run_cli("run", str(cfg), "--out", str(out), "--quiet", "--workers", "2")
    assert second.returncode == 0, second.stderr
    assert "14/14 runs complete" in second.stdout
    with ResultStore(out / "study.sqlite") as store:
        completions = [a["key"] for a in store.attempts() if a["status"] == "complete"]
        assert len(completions) == len(set(completions)) == 14


def test_status_lists_claimed_runs_and_their_holders(tmp_path):
    # runs of 2 s: a study still in flight across two `status` calls on a loaded machine
    slower = "{name: 'taskaffinity.testing:ToyBackend', sleep: 2.0}"
    cfg = write_toy_config(tmp_path / "toy.yaml", backend=slower, seeds="[0]")
    out = tmp_path / "out"
    proc = start_cli("run", str(cfg), "--out", str(out), "--quiet")
    try:
        text = until(
            lambda: (
                (r := run_cli("status", str(out))).returncode == 0
                and "running" in r.stdout
                and r.stdout
            ),
            30,
            step=0.1,
        )
        assert text, "status never showed a run being trained"
        status = json.loads(run_cli("status", str(out), "--json").stdout)
        holders = [r["holder"] for r in status["runs"] if r["holder"]]
        assert status["claimed"] >= 1 and set(holders) <= {f"{HOST}:{proc.pid}"}
        _, stderr = proc.communicate(timeout=60)
    finally:
        kill_group(proc)
    assert proc.returncode == 0, stderr
    status = json.loads(run_cli("status", str(out), "--json").stdout)
    assert status["claimed"] == 0 and all(r["holder"] is None for r in status["runs"])
