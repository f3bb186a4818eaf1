"""What ``taskaffinity run CONFIG --dry-run`` shows: the runs a config would train, those
already stored, and how long the rest may take, without training or writing anything.

The estimate comes from the study's own stored runs: the mean wall seconds of its complete
runs with the same number of tasks (a run of another size is scaled by its number of
tasks from the nearest size stored), summed over the runs to train and divided by the
workers that train at once. A study with no complete run yet has no estimate unless a
probe is asked for: one single-task run trained in a temporary folder and timed (the study
folder is not touched).
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from taskaffinity.config import StudyConfig
from taskaffinity.types import RunResult, RunSpec

if TYPE_CHECKING:
    from taskaffinity.backends import RunBackend
    from taskaffinity.tasks import TaskSuite

__all__ = ["DryRun", "dry_run", "estimate_seconds"]


@dataclass(frozen=True)
class DryRun:
    """A study's plan against its store. ``to_train``: planned runs not stored complete (in
    the order they would be submitted); ``stored``: planned runs stored complete;
    ``failed``: runs among ``to_train`` stored failed (they would be retried);
    ``seconds``: the estimated wall time of ``to_train`` with ``workers`` at once (None
    when nothing tells); ``basis``: one sentence on where the estimate comes from;
    ``differences``: what makes the config another study than the folder's (empty when it
    is the same study or the folder holds none)."""

    to_train: tuple[RunSpec, ...]
    stored: tuple[RunSpec, ...]
    failed: int
    workers: int
    seconds: float | None
    basis: str
    differences: tuple[str, ...] = ()


def estimate_seconds(done: list[RunResult], todo: list[RunSpec], workers: int) -> float | None:
    """Estimated wall seconds to train ``todo`` on ``workers`` at once from the complete runs
    ``done`` of the same study: each run costs the mean seconds of the stored runs with as
    many tasks, or (no such run stored) the nearest stored size's mean scaled by the ratio
    of task counts. None when ``done`` holds no complete run."""
    by_size: dict[int, list[float]] = {}
    for r in done:
        if r.ok and r.cost.seconds > 0:
            by_size.setdefault(len(r.tasks), []).append(r.cost.seconds)
    if not by_size:
        return None
    means = {k: sum(v) / len(v) for k, v in by_size.items()}
    total = 0.0
    for spec in todo:
        n = len(spec.tasks)
        if n in means:
            total += means[n]
        else:
            near = min(means, key=lambda k: (abs(k - n), k))
            total += means[near] * n / near
    return total / max(1, min(workers, len(todo)))


def _probe(suite: TaskSuite, backend: RunBackend, specs: list[RunSpec]) -> float:
    """Seconds of one single-task run (the plan's first single) trained in a temporary
    folder that is deleted afterwards."""
    from taskaffinity.study._study import _writing_into

    single = min(specs, key=lambda s: (len(s.tasks), s.tasks, s.seed))
    with tempfile.TemporaryDirectory(prefix="taskaffinity-probe-") as tmp:
        probe_backend = _writing_into(backend, Path(tmp))
        start = time.perf_counter()
        result = probe_backend.run(single, suite)
        seconds = time.perf_counter() - start
    if not result.ok:
        raise RuntimeError(f"the probe run {'+'.join(single.tasks)} failed: {result.error}")
    return seconds


def dry_run(
    config: StudyConfig,
    out_dir: str | Path,
    *,
    workers: int | None = None,
    probe: bool = False,
) -> DryRun:
    """The runs ``config`` would train in ``out_dir`` and an estimate of their time, read
    without writing anything (the store is opened read-only, or not at all when the folder
    has none). Raises InputError as ``run`` would for a bad config or missing data.
    With ``probe`` and no stored run to learn from, one single-task run is trained in a
    temporary folder and timed; each run is then estimated as that time times its number of
    tasks."""
    from taskaffinity.study._identity import config_differences
    from taskaffinity.study._layout import config_path, store_path
    from taskaffinity.study._plan import plan_runs, submission_order
    from taskaffinity.study._sqlite import store_errors
    from taskaffinity.study._store import ResultStore
    from taskaffinity.study._study import make_backend
    from taskaffinity.study._validate import check_study

    suite = config.load_suite()
    backend = make_backend(config)
    if config.plan.active is not None:  # an active plan: its start (later rounds depend
        from taskaffinity.study._active_plan import ActivePlan  # on what the start measures)

        start = ActivePlan(config, suite, backend)
        specs = start.specs(start.start)
    else:
        specs = plan_runs(config, suite, backend)
    check_study(config, suite, backend, specs, workers=workers)
    n_workers = max(1, workers or config.executor.workers)
    differences: list[str] = []
    if config_path(out_dir).is_file():
        from taskaffinity.config import load_config

        stored = load_config(config_path(out_dir))
        differences = config_differences(
            stored, config, suite=suite, backends=(make_backend(stored), backend)
        )
    status: dict[str, str] = {}
    done: list[RunResult] = []
    db = store_path(out_dir)
    if db.is_file():
        with store_errors(db), ResultStore(db, readonly=True) as store:
            status = store.status_of(s.key for s in specs)
            done = [r for r in store.results() if r.ok]
    todo = submission_order([s for s in specs if status.get(s.key) != "complete"], suite)
    stored = tuple(s for s in specs if status.get(s.key) == "complete")
    seconds = estimate_seconds(done, todo, n_workers)
    if seconds is not None:
        basis = f"from the {len(done)} complete runs stored in this folder"
    elif not todo:
        seconds, basis = 0.0, "nothing left to train"
    elif probe:
        single = _probe(suite, backend, specs)
        seconds = sum(single * len(s.tasks) for s in todo) / min(n_workers, len(todo))
        basis = f"from one single-task run timed now ({single:.1f} s), times each run's tasks"
    else:
        basis = (
            "no estimate: no run of this study is stored yet (pass --probe to time one "
            "single-task run in a temporary folder)"
        )
    return DryRun(
        to_train=tuple(todo),
        stored=stored,
        failed=sum(status.get(s.key) == "failed" for s in todo),
        workers=n_workers,
        seconds=seconds,
        basis=basis,
        differences=tuple(differences),
    )
