"""Per-task checkpoint selection on dev, shared by every trainer (task heads or LoRA).

Checkpoint selection is per task: :meth:`CheckpointSelection.evaluate_dev` keeps, for each
task, the trained weights from the evaluation where the task's dev main score was best
(what a checkpoint holds is the trainer's: body and that task's head, or only the LoRA
adapter); :meth:`CheckpointSelection.final_metrics` scores every task's test split from its
own best checkpoint and keeps those test predictions in
:attr:`CheckpointSelection.test_predictions` (and, for a single task, the test split's gold
log-probabilities in :attr:`CheckpointSelection.test_gold_log_probs`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from taskaffinity.metrics import evaluate

if TYPE_CHECKING:
    from taskaffinity.tasks import Task

__all__ = ["CheckpointSelection", "TaskCheckpoint"]


class TaskCheckpoint:
    """One task of a run with its best dev score so far, the step it was reached at, the
    checkpoint taken there and every dev metric there (``None`` before the first
    evaluation)."""

    def __init__(self, task: Task) -> None:
        self.task = task
        self.best_score = -math.inf
        self.best_state: dict[str, Any] | None = None
        self.best_step = 0
        self.best_dev: dict[str, float] | None = None


S = TypeVar("S", bound=TaskCheckpoint)


class CheckpointSelection(Generic[S]):
    """Dev scoring and per-task best checkpoints of a trainer (a base class).

    Subclasses set ``states`` (task name -> :class:`TaskCheckpoint`, sorted by name) and
    implement ``predict``, ``snapshot``, ``restore`` and ``set_training``.

    ``test_predictions`` (task name -> one prediction per test example, in test order:
    label string, tuple of tags or text) is filled by :meth:`final_metrics`, from the
    checkpoint its test metrics come from; empty before. So is ``test_gold_log_probs``
    for a single-task trainer that has ``gold_log_probs(name, split)`` (task name -> its
    test split's gold log-probabilities, the real-input model of PVI, kept so that PVI need
    not train it again); empty for a joint one.
    """

    states: dict[str, S]
    test_predictions: Mapping[str, tuple[Any, ...]] = MappingProxyType({})
    test_gold_log_probs: Mapping[str, tuple[float, ...]] = MappingProxyType({})

    def predict(self, name: str, split: str) -> list[Any]:
        """Predictions for task ``name``'s ``split``, one per example (label, tags or text)."""
        raise NotImplementedError

    def snapshot(self, name: str) -> dict[str, Any]:
        """A copy of the weights task ``name``'s checkpoint keeps."""
        raise NotImplementedError

    def restore(self, name: str, snap: dict[str, Any]) -> None:
        """Load ``snap`` (from :meth:`snapshot`) back into the model."""
        raise NotImplementedError

    def set_training(self, mode: bool) -> None:
        """Dropout on (``True``) or off in every trained module."""
        raise NotImplementedError

    def evaluate_dev(self, step: int) -> None:
        """Score every task on dev; keep a task's checkpoint when its main score improved.
        Leaves the model in training mode."""
        for name, state in self.states.items():
            dev = self.score(name, "dev")
            score = dev[state.task.metric]
            if score > state.best_score or state.best_state is None:
                state.best_score, state.best_step, state.best_dev = score, step, dev
                state.best_state = self.snapshot(name)
        self.set_training(True)

    def score(self, name: str, split: str) -> dict[str, float]:
        """Every metric of task ``name``'s kind on ``split`` with the current weights."""
        return self.score_predictions(name, split, self.predict(name, split))

    def score_predictions(self, name: str, split: str, pred: list[Any]) -> dict[str, float]:
        """Every metric of task ``name``'s kind for predictions ``pred`` of ``split`` (one
        per example, in split order); the examples' texts are the metrics' inputs."""
        task = self.states[name].task
        examples = task.split(split)
        gold = [list(ex.tags) if task.kind == "tagging" else ex.label for ex in examples]
        return evaluate(task, gold, pred, inputs=[ex.text for ex in examples])

    def use_best(self, name: str) -> None:
        """Load task ``name``'s best dev checkpoint."""
        state = self.states[name]
        if state.best_state is not None:
            self.restore(name, state.best_state)

    def final_metrics(self) -> dict[str, dict[str, float]]:
        """Per task: test metrics and ``dev_`` metrics from its best dev checkpoint. Keeps
        each task's test predictions in :attr:`test_predictions` (tagging: one tuple of
        tags per example) and, for a single task, its test gold log-probabilities in
        :attr:`test_gold_log_probs`."""
        out: dict[str, dict[str, float]] = {}
        predictions: dict[str, tuple[Any, ...]] = {}
        gold: dict[str, tuple[float, ...]] = {}
        for name in self.states:
            self.use_best(name)
            pred = self.predict(name, "test")
            test = self.score_predictions(name, "test", pred)
            tagging = self.states[name].task.kind == "tagging"
            predictions[name] = tuple(tuple(p) if tagging else p for p in pred)
            scorer = getattr(self, "gold_log_probs", None)  # a plug-in may have none
            if len(self.states) == 1 and callable(scorer):
                gold[name] = tuple(float(x) for x in scorer(name, "test"))
            # the dev metrics of the kept checkpoint, as scored when it was taken (scoring
            # is deterministic, so scoring its restored weights again gives the same)
            state = self.states[name]
            dev = state.best_dev if state.best_dev is not None else self.score(name, "dev")
            out[name] = {**test, **{f"dev_{k}": v for k, v in dev.items()}}
        self.test_predictions = predictions
        self.test_gold_log_probs = gold
        return out
