"""Processes for the fault tests: the CLI as a subprocess, the workers it spawned (read from
``/proc``), and waiting with a deadline."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from taskaffinity.tasks import TaskSuite
from taskaffinity.testing import toy_suite

ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
CLI = [sys.executable, "-c", "from taskaffinity.cli import main; main()"]


def start_cli(*args: str, **popen) -> subprocess.Popen:
    """``taskaffinity ARGS`` in a new session (its workers in the same process group),
    stdout and stderr captured as text."""
    return subprocess.Popen(
        [*CLI, *args],
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        **popen,
    )


def run_cli(
    *args: str, timeout: float = 60, prefix: tuple[str, ...] = ()
) -> subprocess.CompletedProcess:
    """``taskaffinity ARGS`` to its end (``prefix`` runs before the interpreter)."""
    cmd = [*prefix, *CLI, *args]
    return subprocess.run(
        cmd, env=ENV, capture_output=True, text=True, timeout=timeout, check=False
    )


def children(pid: int) -> list[int]:
    """Process ids whose parent is ``pid``, oldest first."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == pid:
            out.append((int(fields[19]), int(entry.name)))  # start time, pid
    return [p for _, p in sorted(out)]


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def spawned_workers(pid: int) -> list[int]:
    """The multiprocessing workers ``pid`` spawned (not its resource tracker), oldest first."""
    return [c for c in children(pid) if "spawn_main" in cmdline(c)]


def until(check: Callable[[], object], timeout: float, step: float = 0.01) -> object:
    """Poll ``check`` until it returns something true; that value, or None at the deadline."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(step)
    return None


def kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL what is left of ``proc``'s session."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


def padded_toy_suite() -> TaskSuite:
    """:func:`toy_suite` with a 300 KB description on each task: the same run keys and
    scores (a description is not part of a task's fingerprint), but a suite far larger than
    a pipe's buffer when it is sent to a worker."""
    suite = toy_suite()
    return TaskSuite(suite.name, tuple(replace(t, description="x" * 300_000) for t in suite.tasks))
