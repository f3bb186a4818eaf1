"""Resume: a study killed with SIGKILL mid-study trains only the missing runs when started
again, stores no run twice, and ends with exactly the numbers of an uninterrupted study."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from taskaffinity.config import load_config
from taskaffinity.study import ResultStore, open_study, run_study
from taskaffinity.testing import ToyBackend, write_toy_config

SLOW = "{name: 'taskaffinity.testing:ToyBackend', sleep: 0.4}"  # sleep is not part of a run's key


def complete_count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=5) as con:
            return con.execute("SELECT COUNT(*) FROM runs WHERE status='complete'").fetchone()[0]
    except sqlite3.OperationalError:  # tables not created yet
        return 0


def workers_gone(group: int, timeout: float = 6.0) -> bool:
    """Whether every process of session ``group`` has exited (kills leftovers either way)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.2)
    os.killpg(group, signal.SIGKILL)
    return False


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_kill_9_then_resume(tmp_path, workers):
    cfg = write_toy_config(tmp_path / "toy.yaml", backend=SLOW)  # 14 runs
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    cmd = [sys.executable, "-c", "from taskaffinity.cli import main; main()"]
    cmd += ["run", str(cfg), "--out", str(out), "--quiet", "--workers", str(workers)]
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 25
    while complete_count(out / "study.sqlite") < 3 and time.monotonic() < deadline:
        assert proc.poll() is None, "the study ended before it could be killed"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)  # the driver only: its pool workers must exit by themselves
    proc.wait()
    assert workers_gone(proc.pid), "pool workers outlived the killed driver"
    with ResultStore(out / "study.sqlite") as store:
        before = {r["key"] for r in store.rows() if r["status"] == "complete"}
    assert 3 <= len(before) < 14

    fast = ToyBackend()  # same run keys, no sleep
    summary = run_study(load_config(cfg), out, workers=workers, progress=False, backend=fast)
    assert summary.ok and summary.trained == 14 - len(before) and summary.skipped == len(before)
    with ResultStore(out / "study.sqlite") as store:
        rows = store.rows()
        completions = [a["key"] for a in store.attempts() if a["status"] == "complete"]
    assert len(rows) == 14 and sorted(completions) == sorted(r["key"] for r in rows)
    assert all(r["attempts"] == 1 for r in rows if r["key"] in before)

    run_study(load_config(cfg), tmp_path / "clean", progress=False, backend=fast)
    resumed, clean = open_study(out).score_table(), open_study(tmp_path / "clean").score_table()
    assert resumed.groups == clean.groups
    assert np.array_equal(resumed.seed_scores, clean.seed_scores, equal_nan=True)
