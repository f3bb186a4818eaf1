"""A backend for tests of executors: :class:`ProbeBackend` trains as :class:`ToyBackend`
does (same run keys, same scores) and can hang and report where each run ran.

* ``hang_on`` / ``hang``: a run whose tasks meet ``hang_on`` sleeps ``hang`` seconds
  before it trains (a run past its time limit; a worker stopped meanwhile never answers);
* ``record_dir``: each attempt writes ``<run key>.<pid>.json`` there as it starts:
  ``{"key", "tasks", "pid", "cuda_visible_devices"}`` (the ``CUDA_VISIBLE_DEVICES`` the
  worker process sees, None when unset), so a test sees which process (and which GPU)
  trained which run, without a GPU.

Like ``sleep`` and ``fail_on`` of :class:`ToyBackend`, these options only change how a run
executes: they are not part of the RunSpec.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from taskaffinity.tasks import TaskSuite
from taskaffinity.testing._toy import ToyBackend
from taskaffinity.types import RunResult, RunSpec

__all__ = ["ProbeBackend", "read_probes"]


@dataclass(frozen=True)
class ProbeBackend(ToyBackend):
    """:class:`ToyBackend` that may hang (``hang_on``, ``hang`` seconds) and records each
    attempt in ``record_dir`` (see the module docstring)."""

    hang_on: tuple[str, ...] = field(default=())
    hang: float = 3600.0
    record_dir: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "hang_on", tuple(self.hang_on))  # a YAML list
        object.__setattr__(self, "fail_on", tuple(self.fail_on))

    def run(self, spec: RunSpec, suite: TaskSuite) -> RunResult:
        """Record the attempt, hang when told to, then train as :class:`ToyBackend`."""
        if self.record_dir is not None:
            record = {
                "key": spec.key,
                "tasks": list(spec.tasks),
                "pid": os.getpid(),
                "cuda_visible_devices": os.environ.get("CUDA_VISIBLE_DEVICES"),
            }
            path = Path(self.record_dir) / f"{spec.key}.{os.getpid()}.json"
            part = path.with_suffix(".part")
            part.write_text(json.dumps(record))
            os.replace(part, path)  # readers never see half a record
        if set(spec.tasks) & set(self.hang_on):
            time.sleep(self.hang)
        return super().run(spec, suite)


def read_probes(record_dir: str | Path) -> list[dict]:
    """The records :class:`ProbeBackend` wrote to ``record_dir``, oldest first."""
    paths = sorted(Path(record_dir).glob("*.json"), key=lambda p: p.stat().st_mtime_ns)
    return [json.loads(p.read_text()) for p in paths]
