"""Ray on a real two-node cluster on loopback (``ray start --head`` and a second
``ray start --address`` node, both started and stopped here): a Ray worker killed while it
trains a run is retried by Ray within the same call, and nothing is lost."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from _procs import ENV, cmdline, until

from taskaffinity.config import load_config
from taskaffinity.study import ResultStore, open_study, run_study
from taskaffinity.testing import ToyBackend, toy_suite, write_toy_config

pytestmark = pytest.mark.slow

RAY = Path(sys.executable).with_name("ray")
RAY_ENV = {"RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "disabled"}  # a private cluster


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ray_node(temp: Path, *args: str) -> subprocess.Popen:
    """``ray start --block ARGS`` on loopback with ports of its own, in a session of its
    own (so that everything it starts can be stopped with it)."""
    cmd = [
        str(RAY), "start", "--block", "--node-ip-address=127.0.0.1", "--num-cpus=1",
        f"--temp-dir={temp}", "--object-store-memory=100000000", "--disable-usage-stats",
        f"--dashboard-agent-listen-port={free_port()}", f"--metrics-export-port={free_port()}",
        f"--runtime-env-agent-port={free_port()}", f"--dashboard-agent-grpc-port={free_port()}",
        *args,
    ]  # fmt: skip
    env = {**ENV, **RAY_ENV}
    return subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )


def stop(node: subprocess.Popen) -> None:
    """SIGTERM (``ray start --block`` stops what it started), then SIGKILL its session."""
    if node.poll() is None:
        node.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            node.wait(timeout=15)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(node.pid, signal.SIGKILL)
    node.wait()


def session_pids(session: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getsid(int(entry.name)) == session:
                    out.append(int(entry.name))
            except OSError:
                continue
    return out


@pytest.fixture
def cluster(monkeypatch):
    """Address of a two-node Ray cluster on loopback, and the two nodes' processes."""
    ray = pytest.importorskip("ray")
    for name, value in RAY_ENV.items():
        monkeypatch.setenv(name, value)
    if not RAY.exists():
        pytest.skip("the ray command is not installed beside this interpreter")
    temp = Path(tempfile.mkdtemp(prefix="tar", dir="/tmp"))  # short: unix socket paths
    port = free_port()
    address = f"127.0.0.1:{port}"
    head = ray_node(temp, "--head", f"--port={port}", "--include-dashboard=false")
    nodes = [head]
    try:
        ray.init(address=address, include_dashboard=False, log_to_driver=False)
        nodes.append(ray_node(temp, f"--address={address}"))
        alive = lambda: sum(n["Alive"] for n in ray.nodes()) == 2  # noqa: E731
        assert until(alive, 60, step=0.5), "the second node never joined"
        yield address, nodes
    finally:
        ray.shutdown()
        for node in reversed(nodes):
            stop(node)
        shutil.rmtree(temp, ignore_errors=True)


def test_ray_worker_killed_mid_run_is_retried_in_the_same_call(tmp_path, cluster):
    address, nodes = cluster
    sessions = {n.pid for n in nodes}
    executor = f"{{kind: ray, workers: 2, cpus_per_run: 1, address: '{address}'}}"
    backend = "{name: 'taskaffinity.testing:ToyBackend', sleep: 2.0}"
    plan = "{singles: true, pairs: true, all: false}"  # 6 runs
    cfg = write_toy_config(
        tmp_path / "toy.yaml", executor=executor, backend=backend, plan=plan, seeds="[0]"
    )
    killed: list[tuple[int, int]] = []

    def kill_one_busy_worker() -> None:
        def busy() -> list[tuple[int, int]]:
            return [
                (pid, session)
                for session in sessions
                for pid in session_pids(session)
                if cmdline(pid).startswith("ray::_ray_run")
            ]

        found = until(busy, 60, step=0.05)
        if found:
            time.sleep(0.5)  # inside the run
            pid, session = found[0]
            os.kill(pid, signal.SIGKILL)
            killed.append((pid, session))

    killer = threading.Thread(target=kill_one_busy_worker, daemon=True)
    killer.start()
    start = time.monotonic()
    summary = run_study(load_config(cfg), tmp_path / "out", progress=False)
    seconds = time.monotonic() - start
    killer.join(5)
    assert killed, "no Ray worker was seen training a run"
    assert summary.ok and (summary.total, summary.complete, summary.trained) == (6, 6, 6)
    with ResultStore(tmp_path / "out" / "study.sqlite") as store:
        rows = store.rows()
        history = store.attempts()
    assert all(r["status"] == "complete" and r["attempts"] == 1 for r in rows)
    assert sorted(a["key"] for a in history) == sorted(r["key"] for r in rows)
    suite, toy = toy_suite(), ToyBackend()
    for r in open_study(tmp_path / "out").results:
        assert r.scores == toy.run(toy.spec(r.tasks, r.seed, suite), suite).scores
    assert seconds < 40, f"{seconds:.0f} s for six 2-second runs on two nodes"
