"""Backend base class and registry.

A backend trains one run of hard parameter sharing (one shared body, one head per task):
``spec(tasks, seed, suite)`` names the run, ``run(spec, suite)`` trains and scores it.
``run`` is a pure function of (backend config, spec, suite): the backend object holds
only its config dataclass, so it pickles into a process-pool worker or a Ray task.

The registry lives in :mod:`taskaffinity.backends._registry` (re-exported here) and the
input checks in :mod:`taskaffinity.backends._validate`.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar

import numpy as np

from taskaffinity.backends._config import TrainConfig
from taskaffinity.backends._registry import BACKENDS, available, get_backend, register_backend
from taskaffinity.backends._validate import validated_tasks
from taskaffinity.errors import InputError
from taskaffinity.types import Cost, RunResult, RunSpec

__all__ = ["BACKENDS", "Backend", "available", "get_backend", "register_backend"]


class Backend:
    """Base class: subclasses set ``config_class`` and implement ``build_body``."""

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
    def build_body(self, config: Any, suite: Any) -> Any:
        """The shared body (a torch Module implementing the Body interface)."""
        raise NotImplementedError

    def suite_fingerprint(self, tasks: Sequence[str], suite: Any) -> str:
        """What of the suite a run depends on (default: only the run's own tasks)."""
        return suite.subset(sorted(tasks)).fingerprint

    # ---- public API ---------------------------------------------------------------
    def spec(self, tasks: Sequence[str], seed: int, suite: Any) -> RunSpec:
        """The RunSpec of training ``tasks`` together under ``seed``."""
        suite.check(tasks)
        return RunSpec(
            tuple(tasks),
            self.name,
            self.config.to_dict(),
            int(seed),
            self.suite_fingerprint(tasks, suite),
        )

    def run(self, spec: RunSpec, suite: Any) -> RunResult:
        """Train ``spec.tasks`` jointly, select per-task checkpoints on dev, score test.

        Raises InputError on bad input (before any training); training errors propagate
        (the study layer records them as failed runs).
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
        with self._trained(cfg, suite, tasks, spec.seed, null=False) as trainer:
            metrics = trainer.final_metrics()
        scores = {t.name: metrics[t.name][t.metric] for t in tasks}
        cost = Cost(time.perf_counter() - start, trainer.steps, trainer.examples)
        return RunResult(spec.key, spec.tasks, spec.seed, scores, metrics, cost)

    def gold_log_probs(
        self, task_name: str, suite: Any, seed: int, *, null_input: bool, split: str = "test"
    ) -> tuple[np.ndarray, Cost]:
        """Single-task log-probabilities of gold labels on ``split``; see _capabilities."""
        if split not in ("train", "dev", "test"):
            raise InputError(f"unknown split {split!r}", field="split")
        start = time.perf_counter()
        tasks = self._validated([task_name], suite)
        with self._trained(self.config, suite, tasks, seed, null=null_input) as trainer:
            trainer.use_best(task_name)
            logp = trainer.gold_log_probs(task_name, split)
        return logp, Cost(time.perf_counter() - start, trainer.steps, trainer.examples)

    def train_with_probe(self, tasks: Sequence[str], suite: Any, seed: int, probe: Any) -> Cost:
        """One joint training run calling ``probe.on_step(ctx)``; see _capabilities."""
        every = getattr(probe, "every", None)
        if not isinstance(every, int) or every <= 0 or not callable(getattr(probe, "on_step", 0)):
            raise InputError("probe needs a positive int 'every' and on_step(ctx)", field="probe")
        start = time.perf_counter()
        checked = self._validated(tasks, suite)
        with self._trained(self.config, suite, checked, seed, null=False, probe=probe) as tr:
            return Cost(time.perf_counter() - start, tr.steps, tr.examples)

    # ---- helpers ------------------------------------------------------------------
    def _config_for(self, spec: RunSpec) -> Any:
        if spec.backend != self.name:
            raise InputError(f"{spec!r} is for backend {spec.backend!r}", field="backend")
        cfg = self.config_class.from_dict(dict(spec.backend_config))
        execution = {f: getattr(self.config, f) for f in TrainConfig.EXECUTION_FIELDS}
        return dataclasses.replace(cfg, **execution)

    def _validated(self, names: Sequence[str], suite: Any) -> list[Any]:
        return validated_tasks(names, suite, self.name, self.kinds)

    @contextmanager
    def _trained(
        self, cfg: Any, suite: Any, tasks: list[Any], seed: int, *, null: bool, probe: Any = None
    ) -> Iterator[Any]:
        """A fitted trainer; torch uses ``cfg.threads`` threads (training and scoring)
        until the block exits, then the previous count (a run leaves no global state)."""
        import torch

        previous = torch.get_num_threads()
        if cfg.threads:
            torch.set_num_threads(cfg.threads)
        try:
            torch.manual_seed(seed)
            yield self._fit(cfg, suite, tasks, seed, null=null, probe=probe)
        finally:
            torch.set_num_threads(previous)

    def _fit(
        self, cfg: Any, suite: Any, tasks: list[Any], seed: int, *, null: bool, probe: Any
    ) -> Any:
        """A fitted trainer (body + task heads); backends without heads override it."""
        from taskaffinity.backends._train import Trainer

        trainer = Trainer(self.build_body(cfg, suite), tasks, cfg, seed, null=null)
        trainer.fit(probe)
        return trainer

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.config!r})"
