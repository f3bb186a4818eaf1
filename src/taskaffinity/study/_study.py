"""Run a study: plan its runs, skip the stored ones, train the rest, store every result."""

from __future__ import annotations

import copy
import dataclasses
import logging
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from taskaffinity.config import StudyConfig, dump_config, import_object, load_config
from taskaffinity.errors import InputError
from taskaffinity.study._claims import DEFAULT_LEASE, Lease
from taskaffinity.study._context import StudyContext
from taskaffinity.study._driver import Driven, drive
from taskaffinity.study._identity import check_same_study
from taskaffinity.study._layout import CONFIG_NAME, STORE_NAME
from taskaffinity.study._plan import plan_runs, submission_order
from taskaffinity.study._progress import StudyProgress
from taskaffinity.study._schema import RunKeys
from taskaffinity.study._snapshot import write_snapshot
from taskaffinity.study._sqlite import store_errors
from taskaffinity.study._store import ResultStore
from taskaffinity.study._validate import check_study
from taskaffinity.types import RunResult, RunSpec

if TYPE_CHECKING:
    from taskaffinity.backends import RunBackend

log = logging.getLogger(__name__)

__all__ = ["StudySummary", "make_backend", "run_study"]


@dataclass(frozen=True)
class StudySummary:
    """What one invocation of :func:`run_study` did.

    ``total``/``complete``/``failed``: runs of the plan and their state after this call;
    ``trained``: runs attempted by this call; ``skipped``: runs already stored complete;
    ``failures``: the failed results (with their error text); ``seconds``: wall time;
    ``elsewhere``: runs other drivers on the same study stored while this call ran.
    """

    out_dir: Path
    total: int
    complete: int
    failed: int
    trained: int
    skipped: int
    seconds: float
    failures: tuple[RunResult, ...] = field(default=(), repr=False)
    elsewhere: int = 0

    @property
    def ok(self) -> bool:
        """True when every run of the plan is stored complete."""
        return self.complete == self.total


def make_backend(config: StudyConfig) -> Any:
    """The configured backend: ``taskaffinity.backends.get_backend(name, params)``, or for a
    name ``"package.module:Factory"`` the plug-in ``Factory(**params)``. Errors in the
    hyperparameters name the YAML file, line and ``backend.<field>``."""
    name, params = config.backend.name, config.backend_params()
    try:
        if ":" in name:
            return import_object(name)(**params)
        from taskaffinity.backends import get_backend

        return get_backend(name, params)
    except InputError as err:
        if err.file is not None:
            raise
        raise config.error(err.message, f"backend.{err.field}" if err.field else "backend") from err
    except TypeError as err:
        raise config.error(str(err), "backend") from err


def _writing_into(backend: Any, out: Path) -> Any:
    """``backend``, or a copy of it whose config's ``artifacts_dir`` (an execution field of
    :class:`~taskaffinity.backends.TrainConfig`, not part of a run's key) is the study
    folder ``out`` when the backend has such a config with none set: the files its runs
    keep (e.g. the ``lora`` backend's adapters) go under the study."""
    from taskaffinity.backends import TrainConfig

    cfg = getattr(backend, "config", None)
    if not isinstance(cfg, TrainConfig) or cfg.artifacts_dir is not None:
        return backend
    moved = copy.copy(backend)
    moved.config = dataclasses.replace(cfg, artifacts_dir=str(out.resolve()))
    return moved


def run_study(
    config: StudyConfig | str | Path,
    out_dir: str | Path,
    *,
    workers: int | None = None,
    progress: bool = True,
    backend: RunBackend = None,
    lease: float = DEFAULT_LEASE,
    replace_config: bool = False,
) -> StudySummary:
    """Train every run of ``config``'s plan not yet stored complete in ``out_dir``.

    A folder holds one study: when ``out_dir`` already holds a config that ``config`` does
    not merely extend (other tasks or backend settings; other seeds, plan or name extend
    it), InputError names the differences before anything is written, unless
    ``replace_config`` (then ``config`` becomes the folder's; every stored run is kept).

    Writes ``out_dir/config.yaml`` and ``out_dir/study.sqlite``. Runs stored complete are
    never trained again; failed runs are tried again. A run that raises is stored failed
    with its traceback and the study goes on. ``workers`` overrides
    ``config.executor.workers``; ``backend`` overrides the configured one (any object with
    ``name``, ``spec(tasks, seed, suite)`` and ``run(spec, suite)``).

    Several calls may drive one study at once (other processes, other machines sharing
    the folder): each claims a run before training it, under a lease of ``lease`` seconds
    renewed while it trains, and skips runs claimed by the others; each returns once every
    run is stored (see :mod:`taskaffinity.study._claims`). Raises :class:`StoreError`
    (one line naming the file) when the store is not an SQLite file, is corrupt, the
    disk is full, the folder is read-only, or the store is deleted or replaced meanwhile.
    Returns a :class:`StudySummary` (``ok`` is False when any run failed).
    """
    start, since = time.perf_counter(), time.time()
    if not isinstance(config, StudyConfig):
        config = load_config(config)
    out = Path(out_dir)
    suite = config.load_suite()
    given = backend
    backend = _writing_into(backend if backend is not None else make_backend(config), out)
    active = None
    if config.plan.active is not None:  # the start of an active plan instead of the grid
        from taskaffinity.study._active_plan import ActivePlan

        active = ActivePlan(config, suite, backend)
        specs = active.specs(active.start)
    else:
        specs = plan_runs(config, suite, backend)
    check_study(config, suite, backend, specs, workers=workers)  # before anything is written
    check_same_study(  # a folder holds one study (a backend given in code stands for both)
        config,
        out,
        suite=suite,
        backend=backend,
        make_backend=make_backend if given is None else (lambda _config: given),
        replace=replace_config,
    )
    n_workers = max(1, workers or config.executor.workers)
    db = out / STORE_NAME
    # an older store is upgraded (runs keyed the former way keep their runs), a newer refused
    keys = RunKeys(backend, suite)
    with store_errors(db), ResultStore(db, keys=keys) as store, Lease(store, lease) as claims:
        dump_config(config, out / CONFIG_NAME)
        write_snapshot(suite, out)  # what report/select read when the data is not here
        store.sync_plan(specs)
        status = store.status_of(s.key for s in specs)
        todo = deque(submission_order([s for s in specs if status.get(s.key) != "complete"], suite))
        skipped = len(specs) - len(todo)
        done = Driven()
        adaptive = config.plan.adaptive is not None or active is not None
        # One executor, made when there is a first run to train, serves the planned seeds
        # and every adaptive round: its workers (and what they loaded) live until the
        # study ends. Closed once, killing runs in flight when anything raised (Ctrl-C).
        ctx = StudyContext(
            config, suite, backend, store, claims,
            workers=n_workers if adaptive else min(n_workers, len(todo)),
            progress=progress, since=since,
        )  # fmt: skip
        aborted = True
        try:
            with StudyProgress(len(specs), skipped, enabled=progress) as bar:
                if skipped:
                    bar.log(
                        f"{skipped} of {len(specs)} runs already stored in {out}; skipping them"
                    )
                if todo:
                    done = drive(ctx, bar, todo)
            if active is not None:
                from taskaffinity.study._active_plan import active_rounds

                specs, more, more_skipped = active_rounds(ctx, active, specs)
                done = done + more
                skipped += more_skipped
            elif adaptive:
                specs, more, more_skipped = _adaptive_rounds(ctx, specs)
                done = done + more
                skipped += more_skipped
            aborted = False
        finally:
            ctx.close(abort=aborted)
        store.check_file()
        final = store.status_of(s.key for s in specs)
        failures = tuple(r for r in store.results() if r.status == "failed")
    return StudySummary(
        out_dir=out,
        total=len(specs),
        complete=sum(v == "complete" for v in final.values()),
        failed=sum(v == "failed" for v in final.values()),
        trained=done.trained,
        skipped=skipped,
        seconds=time.perf_counter() - start,
        failures=failures,
        elsewhere=done.elsewhere,
    )


def _adaptive_rounds(ctx: StudyContext, specs: list[RunSpec]) -> tuple[list[RunSpec], Driven, int]:
    """Run ``plan.adaptive``'s rounds (:mod:`taskaffinity.study._adaptive`) after the
    planned runs ``specs`` on the study's executor (``ctx.executor()`` makes it on first
    need; the caller closes it); returns the extended plan, what was driven and runs found
    stored."""
    from taskaffinity.study._adaptive import next_round

    config, store = ctx.config, ctx.store
    done, skipped = Driven(), 0
    max_seeds = int(config.plan.adaptive["max_seeds"])  # type: ignore[index]
    for _ in range(max_seeds):
        rnd = next_round(config, ctx.suite, ctx.backend, store.results())
        if not rnd.specs:
            log.info("adaptive seeds: stop (%s)", rnd.reason)
            break
        planned = {s.key for s in specs}
        specs = [*specs, *(s for s in rnd.specs if s.key not in planned)]
        store.sync_plan(specs)
        status = store.status_of(s.key for s in rnd.specs)
        todo = deque(s for s in rnd.specs if status.get(s.key) != "complete")
        skipped += len(rnd.specs) - len(todo)
        with StudyProgress(len(rnd.specs), len(rnd.specs) - len(todo), enabled=ctx.progress) as bar:
            bar.log(
                f"adaptive seeds: {rnd.reason}; seed {rnd.seed}: {len(rnd.specs)} runs "
                f"({len(todo)} to train)"
            )
            if todo:
                done = done + drive(ctx, bar, todo)
    return specs, done, skipped
