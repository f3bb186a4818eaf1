"""The ``replay`` backend: a published table's measurements served as runs.

``backend: {name: replay, format: mtgnet|standley|long, table: PATH, members: PATH}``
"trains" a combination by reading its row of the table (no model, no data), so any plan,
predictor or estimator that needs only scores can be run, benchmarked and tested offline
on published data in seconds. What it serves:

* the tasks are the table's columns (:meth:`ReplayBackend.task_suite`: placeholder tasks
  with empty splits whose main metric is ``table_gain`` or ``table_loss``, the table's
  direction); a config that names no suite and no tasks studies them;
* a run of combination ``g`` with seed ``s`` scores each task of ``g`` with the table's
  value: seed ``s``'s value when the table has seeds (a long CSV with a ``seed`` column;
  a seed the table lacks cannot be trained), else the one value for every seed. The
  value is stored as both the test score and the ``dev_`` score (a table has one split;
  the recommendation then chooses on the values it is judged on);
* a combination the table does not hold cannot be trained: :meth:`ReplayBackend.spec`
  refuses it, and :meth:`ReplayBackend.candidates` declares the combinations it holds
  (what an active plan may propose); a combination listed twice (Standley's half- and
  full-size single-task networks) is served from its first row.

A run's key holds the table's options (paths as written) and a hash of the files' bytes,
so an edited table never reuses stored runs.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from taskaffinity.backends._base import register_backend
from taskaffinity.backends.replay._config import ReplayConfig
from taskaffinity.errors import InputError
from taskaffinity.types import Cost, RunResult, RunSpec, ScoreTable

if TYPE_CHECKING:
    from taskaffinity.tasks import TaskSuite

__all__ = ["ReplayBackend"]


@register_backend("replay")
class ReplayBackend:
    """Serves the table of :class:`ReplayConfig` as runs (module docstring). Holds only its
    config (the table is read on first use and not pickled), so it travels to a pool
    worker or a Ray task like any backend."""

    name = "replay"

    def __init__(self, config: Mapping[str, Any] | ReplayConfig | None = None) -> None:
        if isinstance(config, ReplayConfig):
            self.config = config
        else:
            self.config = ReplayConfig.from_dict(config)

    # ---- the table ----------------------------------------------------------------
    @cached_property
    def _read(self) -> tuple[ScoreTable, tuple[float, ...]]:
        """The table and its seeds (empty when it has none per seed); InputError (file,
        line, field) for a missing or bad file."""
        from taskaffinity.tables import read_mtgnet, read_seeded_csv, read_standley

        cfg = self.config
        table_path = cfg.path("table")
        for which in ("table", "members"):
            if getattr(cfg, which) is not None and not cfg.path(which).is_file():
                raise InputError("file not found", file=cfg.path(which), field=which)
        names = list(cfg.names) if cfg.names is not None else None
        if cfg.format == "mtgnet":
            return read_mtgnet(cfg.path("members"), table_path, names=names), ()
        if cfg.format == "standley":
            return read_standley(table_path, names=names), ()
        table, seeds = read_seeded_csv(
            table_path, higher_is_better=cfg.direction == "higher", tasks=names
        )
        return table, (tuple(float(s) for s in seeds) if table.seed_scores is not None else ())

    @property
    def table(self) -> ScoreTable:
        """The served :class:`ScoreTable` (its rows are the combinations that can be run)."""
        return self._read[0]

    @cached_property
    def _rows(self) -> dict[tuple[str, ...], int]:
        out: dict[tuple[str, ...], int] = {}
        for g, group in enumerate(self.table.groups):
            out.setdefault(tuple(sorted(group)), g)
        return out

    @cached_property
    def _fingerprint(self) -> str:
        h = hashlib.sha256()
        for which in ("table", "members"):
            if getattr(self.config, which) is not None:
                h.update(self.config.path(which).read_bytes())
                h.update(b"|")
        return h.hexdigest()[:12]

    def __getstate__(self) -> dict[str, Any]:
        return {"config": self.config}  # the table is read again where the run is

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.config = state["config"]

    # ---- what a study reads ---------------------------------------------------------
    def task_suite(self) -> TaskSuite:
        """The table's columns as a :class:`~taskaffinity.tasks.TaskSuite` of placeholder
        tasks (kind ``generation``, empty splits, category ``replay``, main metric
        ``table_gain`` or ``table_loss`` by the table's direction), in column order."""
        from taskaffinity.tasks import Task, TaskSuite

        metric = "table_gain" if self.table.higher_is_better else "table_loss"
        where = self.config.table
        tasks = tuple(
            Task(
                name=t,
                kind="generation",
                category="replay",
                metric=metric,
                train=(),
                dev=(),
                test=(),
                description=f"column {j + 1} of the replayed table {where}",
            )
            for j, t in enumerate(self.table.tasks)
        )
        return TaskSuite("replay", tasks)

    def candidates(self, suite: TaskSuite) -> tuple[tuple[str, ...], ...]:
        """Every combination of ``suite``'s tasks the table holds (sorted tuples, table
        order): all this backend can train, so all an active plan may propose."""
        names = set(suite.names)
        return tuple(g for g in self._rows if set(g) <= names)

    def check_resources(self) -> None:
        """Read the table (InputError naming file, line and field when it is bad)."""
        _ = self.table

    def check_tasks(self, names: Sequence[str], suite: TaskSuite) -> None:
        """Raise InputError (field ``tasks``) for a task that is not a column of the table."""
        unknown = [n for n in names if n not in self.table.tasks]
        if unknown:
            raise InputError(
                f"task {unknown[0]!r} is not a column of the replayed table "
                f"{self.config.table} (its columns: {list(self.table.tasks)})",
                field="tasks",
            )

    def suite_fingerprint(self, tasks: Sequence[str], suite: TaskSuite) -> str:
        """A hash of the served files' bytes (what every run reads)."""
        return self._fingerprint

    # ---- runs -------------------------------------------------------------------------
    def _value_row(self, group: tuple[str, ...], seed: int) -> np.ndarray:
        table, seeds = self._read
        row = self._rows.get(group)
        if row is None:
            raise InputError(
                f"combination {'+'.join(group)} is not in the replayed table "
                f"{self.config.table}: it cannot be trained",
                field="tasks",
            )
        if not seeds:
            return table.scores[row]
        if float(seed) not in seeds:
            shown = ", ".join(f"{s:g}" for s in seeds)
            raise InputError(
                f"seed {seed} is not in the replayed table {self.config.table} (its seeds: "
                f"{shown})",
                field="seeds",
            )
        assert table.seed_scores is not None
        return np.asarray(table.seed_scores)[seeds.index(float(seed)), row]

    def spec(self, tasks: Sequence[str], seed: int, suite: TaskSuite) -> RunSpec:
        """The RunSpec of combination ``tasks`` under ``seed``; InputError when the table
        does not hold the combination (or, for a table with seeds, that seed's values)."""
        suite.check(tasks)
        group = tuple(sorted(tasks))
        row = self._value_row(group, int(seed))
        idx = [self.table.index(t) for t in group]
        if not all(math.isfinite(v) for v in row[idx]):
            raise InputError(
                f"combination {'+'.join(group)} has no value for seed {seed} in the "
                f"replayed table {self.config.table}",
                field="seeds",
            )
        return RunSpec(group, self.name, self.config.to_dict(), int(seed), self._fingerprint)

    def run(self, spec: RunSpec, suite: TaskSuite) -> RunResult:
        """The table's values of ``spec``'s combination and seed as a complete run (cost:
        the time it took to read them and ``sleep``, 0 steps)."""
        start = time.perf_counter()
        if spec.backend != self.name:
            raise InputError(f"{spec!r} is for backend {spec.backend!r}", field="backend")
        if spec.suite and spec.suite != self._fingerprint:
            raise InputError(
                f"{spec!r} was made for another version of the table {self.config.table} "
                "(its file changed)",
                field="table",
            )
        row = self._value_row(tuple(spec.tasks), spec.seed)
        if self.config.sleep:
            time.sleep(self.config.sleep)
        metric = "table_gain" if self.table.higher_is_better else "table_loss"
        scores = {t: float(row[self.table.index(t)]) for t in spec.tasks}
        metrics = {t: {metric: v, f"dev_{metric}": v} for t, v in scores.items()}
        cost = Cost(time.perf_counter() - start, 0, 0)
        return RunResult(spec.key, spec.tasks, spec.seed, scores, metrics, cost)

    def __repr__(self) -> str:
        return f"ReplayBackend({self.config.format}, {self.config.table})"
