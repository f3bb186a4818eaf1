"""One training run: what it cost (:class:`Cost`), what defines it (:class:`RunSpec`, with
its stable hash ``key``) and its outcome (:class:`RunResult`)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["Cost", "RunResult", "RunSpec"]


def _canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), default=str)


@dataclass(frozen=True)
class Cost:
    """What a run or an estimator cost: wall seconds, optimizer steps, examples seen."""

    seconds: float = 0.0
    steps: int = 0
    examples: int = 0

    def __add__(self, other: Cost) -> Cost:
        return Cost(
            self.seconds + other.seconds, self.steps + other.steps, self.examples + other.examples
        )

    def to_dict(self) -> dict[str, float]:
        return {"seconds": self.seconds, "steps": self.steps, "examples": self.examples}


@dataclass(frozen=True)
class RunSpec:
    """One training run: which tasks are trained together, how, and under which seed.

    ``tasks`` is stored sorted. ``backend_config`` is the backend's full configuration as a
    JSON-able mapping (hyperparameters, device is *not* part of it). ``suite`` is a
    fingerprint of what the run reads of the suite (the backend's ``suite_fingerprint``: its
    own tasks' definitions and data, and for some backends more, e.g. ``scratch``'s shared
    vocabulary), so that changed data never reuses stored runs while the suite's name, the
    order of its tasks and the other tasks' metrics leave the key alone.
    """

    tasks: tuple[str, ...]
    backend: str
    backend_config: Mapping[str, Any]
    seed: int
    suite: str = ""

    def __post_init__(self) -> None:
        if not self.tasks:
            raise ValueError("RunSpec needs at least one task")
        if len(set(self.tasks)) != len(self.tasks):
            raise ValueError(f"RunSpec has duplicate tasks: {self.tasks}")
        object.__setattr__(self, "tasks", tuple(sorted(self.tasks)))
        object.__setattr__(self, "backend_config", dict(self.backend_config))

    @property
    def key(self) -> str:
        """Stable 16-hex-digit hash of everything that defines the run."""
        payload = _canonical(
            {
                "tasks": list(self.tasks),
                "backend": self.backend,
                "config": self.backend_config,
                "seed": self.seed,
                "suite": self.suite,
            }
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    def __hash__(self) -> int:
        return hash(self.key)

    def __repr__(self) -> str:
        return f"RunSpec({'+'.join(self.tasks)}, backend={self.backend}, seed={self.seed})"


@dataclass(frozen=True)
class RunResult:
    """The outcome of one run.

    ``metrics[task]`` holds every metric computed on the test split (and ``dev_`` prefixed
    ones on dev); ``scores[task]`` is the task's main test score. ``predictions[task]`` is
    the task's predictions on the test split, one per test example in test order, from the
    checkpoint that gave ``scores[task]``: a label string (classification), a tuple of tags
    (tagging) or a text (generation); empty for backends that do not report them and for
    runs stored before predictions were kept. ``gold_log_probs[task]``: for a single-task
    run, the natural-log probability of each test example's gold label under that same
    checkpoint, in test order (tagging: the mean over the example's scored tokens), what
    the backend capability ``gold_log_probs`` returns for the real input (the model
    ``g'`` of PVI); empty for joint runs, for backends that do not report them and for
    runs stored before they were kept. Neither takes part in equality.
    """

    key: str
    tasks: tuple[str, ...]
    seed: int
    scores: Mapping[str, float] = field(default_factory=dict)
    metrics: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    cost: Cost = field(default_factory=Cost)
    status: Literal["complete", "failed"] = "complete"
    error: str = ""
    predictions: Mapping[str, tuple[Any, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )
    gold_log_probs: Mapping[str, tuple[float, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @property
    def ok(self) -> bool:
        return self.status == "complete"

    def __repr__(self) -> str:
        s = ", ".join(f"{t}={v:.4g}" for t, v in self.scores.items())
        return f"RunResult({'+'.join(self.tasks)}, seed={self.seed}, {self.status}, {s})"
