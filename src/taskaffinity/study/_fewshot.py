"""Few-shot baseline: the study's model prompted with K demonstrations, no training.

What a fine-tuned score should be compared with besides the majority baseline: the same
model, prompted with ``K`` demonstrations per task from the training split, scores the
test split with the same metrics (as the PVI grouping paper did with Llama 2 and GPT-4,
one demonstration per class). Defaults: ``K`` = the number of classes for classification
(one demonstration of each class), 3 for tagging and generation.

Demonstrations (:func:`demonstrations`): deterministic under ``seed``; classification
takes the classes in label order, round-robin, each class's examples in the order of a
seeded permutation of the training split; other kinds the first ``K`` of that
permutation. The backend does the prompting through the capability
``few_shot(task_name, suite, demos, *, seed) -> (predictions, metrics, Cost)``
(``predictions`` one per test example, in test order; ``metrics`` as in a run's
``RunResult.metrics[task]``): backends without it are refused before anything runs.

Each main score carries a 95% percentile interval over 1,000 paired bootstrap resamples
of the test set (:func:`taskaffinity.study._bootstrap.resampled_scores`, numpy
generator seeded 0). The result is written as ``fewshot.json`` in the study folder, where
the study report finds it.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from taskaffinity._atomic import write_atomic
from taskaffinity.errors import InputError
from taskaffinity.study._bootstrap import resampled_scores

if TYPE_CHECKING:
    from taskaffinity.config import StudyConfig
    from taskaffinity.tasks import Example, Task

__all__ = [
    "FEWSHOT_NAME",
    "FewShotResult",
    "default_shots",
    "demonstrations",
    "read_fewshot",
    "run_fewshot",
]

FEWSHOT_NAME = "fewshot.json"
N_RESAMPLES = 1000


def default_shots(task: Task) -> int:
    """The number of classes (classification) or 3 (tagging, generation)."""
    return len(task.labels) if task.kind == "classification" else 3


def demonstrations(task: Task, shots: int, seed: int) -> tuple[Example, ...]:
    """``shots`` training examples of ``task`` to prompt with (module docstring)."""
    if shots < 0:
        raise InputError(f"shots must be >= 0, got {shots}", field="shots")
    order = np.random.default_rng([seed, len(task.name), *task.name.encode()]).permutation(
        len(task.train)
    )
    ranked = [task.train[int(i)] for i in order]
    if task.kind != "classification":
        return tuple(ranked[:shots])
    by_class = {c: [ex for ex in ranked if ex.label == c] for c in task.labels}
    picked: list[Example] = []
    while len(picked) < shots and any(by_class.values()):
        for c in task.labels:
            if by_class[c] and len(picked) < shots:
                picked.append(by_class[c].pop(0))
    return tuple(picked)


@dataclass(frozen=True)
class FewShotResult:
    """Per task (suite order): ``shots`` used, ``metric`` (main), ``score`` and its 95%
    bootstrap interval ``ci`` over test examples, every metric, seconds; ``backend`` and
    ``seed`` (of the demonstrations) say what was prompted."""

    backend: str
    seed: int
    shots: dict[str, int] = field(default_factory=dict)
    metric: dict[str, str] = field(default_factory=dict)
    score: dict[str, float] = field(default_factory=dict)
    ci: dict[str, tuple[float, float]] = field(default_factory=dict)
    metrics: dict[str, dict[str, float]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "backend": self.backend,
            "seed": self.seed,
            "ci_kind": "test_bootstrap",
            "tasks": {
                t: {
                    "shots": self.shots[t],
                    "metric": self.metric[t],
                    "score": self.score[t],
                    "ci": list(self.ci[t]),
                    "metrics": self.metrics[t],
                    "seconds": self.seconds[t],
                }
                for t in self.score
            },
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FewShotResult:
        tasks = data["tasks"]
        return cls(
            backend=data["backend"],
            seed=int(data["seed"]),
            shots={t: int(v["shots"]) for t, v in tasks.items()},
            metric={t: v["metric"] for t, v in tasks.items()},
            score={t: float(v["score"]) for t, v in tasks.items()},
            ci={t: (float(v["ci"][0]), float(v["ci"][1])) for t, v in tasks.items()},
            metrics={t: dict(v["metrics"]) for t, v in tasks.items()},
            seconds={t: float(v["seconds"]) for t, v in tasks.items()},
        )


def _gold(task: Task) -> list[Any]:
    return [list(ex.tags) if task.kind == "tagging" else ex.label for ex in task.test]


def run_fewshot(
    config: StudyConfig,
    out_dir: str | Path | None = None,
    *,
    shots: int | None = None,
    seed: int | None = None,
    progress: bool = False,
) -> FewShotResult:
    """Prompt the study's backend model on every task of ``config`` with ``shots``
    demonstrations (None: :func:`default_shots` per task) drawn under ``seed`` (None: the
    study's first seed); writes ``fewshot.json`` into ``out_dir`` when given. Raises
    InputError (field ``backend``) when the backend has no ``few_shot`` capability."""
    from taskaffinity.study._study import make_backend

    backend = make_backend(config)
    run = getattr(backend, "few_shot", None)
    if not callable(run):
        raise InputError(
            f"backend {config.backend.name!r} cannot prompt a model without training; the "
            "few-shot baseline needs a backend with the few_shot capability (lora)",
            field="backend",
        )
    check = getattr(backend, "check_resources", None)
    if callable(check):
        check()
    suite = config.load_suite()
    seed = config.seeds[0] if seed is None else seed
    result = FewShotResult(backend=config.backend.name, seed=seed)
    rng = np.random.default_rng(0)
    for n, task in enumerate(suite.tasks, 1):
        k = default_shots(task) if shots is None else shots
        demos = demonstrations(task, k, seed)
        start = time.perf_counter()
        predictions, metrics, _ = run(task.name, suite, demos, seed=seed)
        gold = _gold(task)
        idx = rng.integers(0, len(gold), size=(N_RESAMPLES, len(gold)))
        inputs = [ex.text for ex in task.test]
        boot = resampled_scores(task, gold, list(predictions), idx, inputs=inputs)
        result.shots[task.name] = len(demos)
        result.metric[task.name] = task.metric
        result.score[task.name] = float(metrics[task.metric])
        result.ci[task.name] = (float(np.quantile(boot, 0.025)), float(np.quantile(boot, 0.975)))
        result.metrics[task.name] = {k2: float(v) for k2, v in metrics.items()}
        result.seconds[task.name] = time.perf_counter() - start
        if progress:
            print(
                f"[{n}/{len(suite.tasks)}] {task.name}: {task.metric} "
                f"{result.score[task.name]:.4f} ({len(demos)} shots, "
                f"{result.seconds[task.name]:.1f} s)",
                flush=True,
            )
    if out_dir is not None:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        text = json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"
        write_atomic(out / FEWSHOT_NAME, text)
    return result


def read_fewshot(out_dir: str | Path) -> FewShotResult | None:
    """The few-shot baseline stored in study folder ``out_dir``, or None when absent."""
    path = Path(out_dir) / FEWSHOT_NAME
    if not path.is_file():
        return None
    try:
        return FewShotResult.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError, IndexError) as err:
        raise InputError(f"not a few-shot baseline file: {err}", file=path) from None
