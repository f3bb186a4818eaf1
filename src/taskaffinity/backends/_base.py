"""Backend base class, the backend registry and the input checks run before any training.

A backend trains one run of hard parameter sharing (one shared body, one head per task):
``spec(tasks, seed, suite)`` names the run, ``run(spec, suite)`` trains and scores it.
``run`` is a pure function of (backend config, spec, suite): the backend object holds
only its config dataclass, so it pickles into a process-pool worker or a Ray task.

``register_backend(name)`` registers a :class:`Backend` subclass in :data:`BACKENDS` (a
:class:`taskaffinity._registry.Registry`); ``get_backend(name, config)`` builds one and
``available()`` lists the names. :func:`validated_tasks` checks a run's tasks (kinds,
splits, label sets): every problem raises :class:`~taskaffinity.errors.InputError` naming
the task, split, example (1-based ``line``) and field, so a bad suite fails before a run
starts.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

import numpy as np

from taskaffinity._registry import Registry
from taskaffinity.backends._train_config import TrainConfig
from taskaffinity.backends.training._memory import fit_in_memory
from taskaffinity.errors import InputError
from taskaffinity.metrics import check_metric
from taskaffinity.types import Cost, RunResult, RunSpec

if TYPE_CHECKING:
    from taskaffinity.backends.heads import Body
    from taskaffinity.backends.training import Probe
    from taskaffinity.tasks import Task, TaskSuite

__all__ = [
    "BACKENDS",
    "Backend",
    "FittedTrainer",
    "RunBackend",
    "available",
    "get_backend",
    "register_backend",
    "torch_threads",
    "validated_tasks",
]

BACKENDS: Registry = Registry("backend", field="name")


def register_backend(name: str) -> Callable[[type[Backend]], type[Backend]]:
    """Class decorator: register a :class:`Backend` subclass under ``name``."""
    return BACKENDS.register(name)


def available() -> list[str]:
    """Names of the registered backends, sorted."""
    return BACKENDS.names()


def get_backend(name: str, config: dict[str, Any] | TrainConfig | None = None) -> Backend:
    """The backend ``name`` with ``config`` (a dict of options or a config dataclass)."""
    return BACKENDS.lookup(name)(config)


def validated_tasks(
    names: Sequence[str],
    suite: TaskSuite,
    backend: str,
    kinds: tuple[str, ...] = ("classification", "tagging"),
) -> list[Task]:
    """The tasks ``names`` of ``suite`` (sorted by name), checked for backend ``backend``
    (which trains tasks of ``kinds``)."""
    if not names:
        raise InputError("no tasks to train", field="tasks")
    suite.check(names)
    tasks = [suite.task(n) for n in sorted(names)]
    for t in tasks:
        check_metric(t.metric, t.kind, t.name)
        if t.kind not in kinds:
            raise InputError(
                f"task {t.name!r} is a {t.kind} task; backend {backend!r} trains "
                f"{' and '.join(kinds)} tasks",
                field="kind",
            )
        for split in ("train", "dev", "test"):
            if not t.split(split):
                raise InputError(f"task {t.name!r} has an empty {split} split", field=split)
        if t.kind == "generation":
            continue  # free-text targets: no label set to check
        if len(t.labels) < 2:
            raise InputError(f"task {t.name!r} needs >= 2 labels", field="labels")
        known = set(t.labels)
        for split in ("train", "dev", "test"):
            for i, ex in enumerate(t.split(split)):
                bad = set(ex.tags) - known if t.kind == "tagging" else {ex.label} - known
                if bad or (t.kind == "tagging" and len(ex.tags) != len(ex.tokens)):
                    why = (
                        f"labels {sorted(bad)} not in the label set"
                        if bad
                        else (f"{len(ex.tokens)} tokens but {len(ex.tags)} tags")
                    )
                    raise InputError(
                        f"task {t.name!r} {split} example {i}: {why}",
                        line=i + 1,
                        field="tags" if t.kind == "tagging" else "label",
                    )
    return tasks


@contextmanager
def torch_threads(threads: int | None) -> Iterator[None]:
    """torch uses ``threads`` intra-op threads (None: leave them) inside the block, then
    the previous count again, so a run leaves no global state behind."""
    import torch

    previous = torch.get_num_threads()
    if threads:
        torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


class FittedTrainer(Protocol):
    """What a backend reads from a trained trainer: its cost counters, per-task scores
    from the best dev checkpoints with the test predictions behind them, and gold-label
    log-probabilities."""

    steps: int
    examples: int
    test_predictions: Mapping[str, tuple[Any, ...]]
    test_gold_log_probs: Mapping[str, tuple[float, ...]]

    def final_metrics(self) -> dict[str, dict[str, float]]:
        """Per task: test metrics and ``dev_`` metrics of its best dev checkpoint; fills
        ``test_predictions`` (task -> one prediction per test example, in test order) and,
        for a single-task run, ``test_gold_log_probs`` (task -> ``gold_log_probs`` of the
        test split, same checkpoint)."""
        ...

    def use_best(self, name: str) -> None:
        """Load task ``name``'s best dev checkpoint."""
        ...

    def gold_log_probs(self, name: str, split: str) -> np.ndarray:
        """``(N,)`` log-probability of each gold label of task ``name``'s ``split``."""
        ...


class RunBackend(Protocol):
    """What the study layer needs of a backend (a :class:`Backend` or any plug-in object,
    e.g. :class:`taskaffinity.testing.ToyBackend`): a ``name``, ``spec(tasks, seed,
    suite) -> RunSpec`` and ``run(spec, suite) -> RunResult``, picklable."""

    name: str

    def spec(self, tasks: Sequence[str], seed: int, suite: TaskSuite) -> RunSpec: ...

    def run(self, spec: RunSpec, suite: TaskSuite) -> RunResult: ...


class Backend:
    """Base class: subclasses set ``config_class`` and implement ``build_body`` (or, for a
    backend without task heads, override ``_fit``)."""

    name: ClassVar[str] = ""
    config_class: ClassVar[type[TrainConfig]] = TrainConfig
    kinds: ClassVar[tuple[str, ...]] = ("classification", "tagging")  # task kinds it trains

    def __init__(self, config: dict[str, Any] | TrainConfig | None = None) -> None:
        if isinstance(config, TrainConfig):
            if not isinstance(config, self.config_class):
                raise InputError(f"expected {self.config_class.__name__}", field="backend")
            self.config = config
        else:
            self.config = self.config_class.from_dict(config)

    # ---- to implement -------------------------------------------------------------
    def build_body(self, config: TrainConfig, suite: TaskSuite) -> Body:
        """The shared body (a torch Module implementing the Body interface)."""
        raise NotImplementedError

    def suite_fingerprint(self, tasks: Sequence[str], suite: TaskSuite) -> str:
        """What of the suite a run depends on (default: the definitions and data of the
        run's own tasks, :meth:`TaskSuite.tasks_fingerprint`; not the suite's name, the
        order of its tasks nor its other tasks)."""
        return suite.tasks_fingerprint(tasks)

    def check_resources(self) -> None:
        """Raise :class:`InputError` (on the option at fault, e.g. ``model``) when what a run
        needs besides the suite is missing, so that a study stops before any run: the base
        class needs nothing."""

    def check_tasks(self, names: Sequence[str], suite: TaskSuite) -> None:
        """Raise :class:`InputError` when this backend cannot train the tasks ``names`` of
        ``suite`` together (:func:`validated_tasks`: kinds, metrics, splits, labels)."""
        self._validated(names, suite)

    # ---- public API ---------------------------------------------------------------
    def spec(self, tasks: Sequence[str], seed: int, suite: TaskSuite) -> RunSpec:
        """The RunSpec of training ``tasks`` together under ``seed``."""
        suite.check(tasks)
        return RunSpec(
            tuple(tasks),
            self.name,
            self.config.to_dict(),
            int(seed),
            self.suite_fingerprint(tasks, suite),
        )

    def run(self, spec: RunSpec, suite: TaskSuite) -> RunResult:
        """Train ``spec.tasks`` jointly, select per-task checkpoints on dev, score test.

        Raises InputError on bad input (before any training); training errors propagate
        (the study layer records them as failed runs). Running out of memory is retried
        with smaller micro-batches when ``oom_retry`` is on, else (or when nothing fits)
        raises :class:`~taskaffinity.backends.training.RunOutOfMemoryError` with a
        one-line message (:mod:`taskaffinity.backends.training._memory`). With
        ``oom_retry`` on or ``micro_batch`` set, each task's metrics hold the micro-batch
        the run was trained with (``micro_batch``).
        """
        start = time.perf_counter()
        cfg = self._config_for(spec)
        tasks = self._validated(spec.tasks, suite)
        if spec.suite and spec.suite != self.suite_fingerprint(spec.tasks, suite):
            raise InputError(
                f"{spec!r} was made for suite fingerprint {spec.suite}, but the given suite "
                f"{suite.name!r} differs (data changed?)",
                field="suite",
            )

        def attempt(trial: TrainConfig) -> tuple[FittedTrainer, dict[str, dict[str, float]]]:
            with self._trained(trial, suite, tasks, spec.seed, null=False) as trainer:
                return trainer, trainer.final_metrics()

        label = f"run {spec.key} ({'+'.join(spec.tasks)}, seed {spec.seed})"
        (trainer, metrics), micro = fit_in_memory(cfg, label, attempt)
        if cfg.oom_retry or cfg.micro_batch is not None:
            metrics = {name: {**m, "micro_batch": float(micro)} for name, m in metrics.items()}
        scores = {t.name: metrics[t.name][t.metric] for t in tasks}
        cost = Cost(time.perf_counter() - start, trainer.steps, trainer.examples)
        # a trainer from outside this package may keep no predictions
        predictions = dict(getattr(trainer, "test_predictions", {}))
        gold = dict(getattr(trainer, "test_gold_log_probs", {}))
        return RunResult(
            spec.key, spec.tasks, spec.seed, scores, metrics, cost,
            predictions=predictions, gold_log_probs=gold,
        )  # fmt: skip

    def gold_log_probs(
        self,
        task_name: str,
        suite: TaskSuite,
        seed: int,
        *,
        null_input: bool,
        split: str = "test",
    ) -> tuple[np.ndarray, Cost]:
        """Single-task log-probabilities of gold labels on ``split``: ``(len(split),)``;
        the real-input model from its best dev checkpoint (as in ``run``), the null model
        its final weights; see :mod:`taskaffinity.backends._capabilities`."""
        if split not in ("train", "dev", "test"):
            raise InputError(f"unknown split {split!r}", field="split")
        start = time.perf_counter()
        tasks = self._validated([task_name], suite)

        def attempt(trial: TrainConfig) -> tuple[FittedTrainer, np.ndarray]:
            with self._trained(trial, suite, tasks, seed, null=null_input) as trainer:
                if not null_input:  # the null model's dev score says nothing: keep the last
                    trainer.use_best(task_name)
                return trainer, trainer.gold_log_probs(task_name, split)

        what = "null-input" if null_input else "real-input"
        label = f"{what} single-task run of {task_name!r} (seed {seed})"
        (trainer, logp), _ = fit_in_memory(self.config, label, attempt)
        return logp, Cost(time.perf_counter() - start, trainer.steps, trainer.examples)

    def train_with_probe(
        self, tasks: Sequence[str], suite: TaskSuite, seed: int, probe: Probe
    ) -> Cost:
        """One joint training run calling ``probe.on_step(ctx)``; see _capabilities. Not
        retried on running out of memory (a probe's own state would see the run twice):
        that raises :class:`~taskaffinity.backends.training.RunOutOfMemoryError`."""
        every = getattr(probe, "every", None)
        if not isinstance(every, int) or every <= 0 or not callable(getattr(probe, "on_step", 0)):
            raise InputError("probe needs a positive int 'every' and on_step(ctx)", field="probe")
        start = time.perf_counter()
        checked = self._validated(tasks, suite)
        label = f"probed run of {'+'.join(sorted(tasks))} (seed {seed})"

        def attempt(trial: TrainConfig) -> Cost:
            with self._trained(trial, suite, checked, seed, null=False, probe=probe) as tr:
                return Cost(time.perf_counter() - start, tr.steps, tr.examples)

        return fit_in_memory(self.config, label, attempt, retry=False)[0]

    # ---- helpers ------------------------------------------------------------------
    def _config_for(self, spec: RunSpec) -> TrainConfig:
        if spec.backend != self.name:
            raise InputError(f"{spec!r} is for backend {spec.backend!r}", field="backend")
        cfg = self.config_class.from_dict(dict(spec.backend_config))
        execution = {f: getattr(self.config, f) for f in TrainConfig.EXECUTION_FIELDS}
        return dataclasses.replace(cfg, **execution)

    def _validated(self, names: Sequence[str], suite: TaskSuite) -> list[Task]:
        return validated_tasks(names, suite, self.name, self.kinds)

    @contextmanager
    def _trained(
        self,
        cfg: TrainConfig,
        suite: TaskSuite,
        tasks: list[Task],
        seed: int,
        *,
        null: bool,
        probe: Probe | None = None,
    ) -> Iterator[FittedTrainer]:
        """A fitted trainer; torch uses ``cfg.threads`` threads (training and scoring)
        until the block exits (:func:`torch_threads`)."""
        import torch

        with torch_threads(cfg.threads):
            torch.manual_seed(seed)
            yield self._fit(cfg, suite, tasks, seed, null=null, probe=probe)

    def _fit(
        self,
        cfg: TrainConfig,
        suite: TaskSuite,
        tasks: list[Task],
        seed: int,
        *,
        null: bool,
        probe: Probe | None,
    ) -> FittedTrainer:
        """A fitted trainer (body + task heads); backends without heads override it."""
        from taskaffinity.backends.heads import HeadTrainer

        trainer = HeadTrainer(self.build_body(cfg, suite), tasks, cfg, seed, null=null)
        trainer.fit(probe)
        return trainer

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.config!r})"
