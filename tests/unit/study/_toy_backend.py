"""A tiny deterministic backend and suite for the study tests (tests only, never shipped).

``ToyBackend`` is a nearest-centroid classifier over a seeded random projection of
character counts; the character vocabulary is the union over the run's tasks, so scores
depend on the group and the seed. ``sleep`` and ``fail_on`` only change how a run
executes (they are left out of the RunSpec, like a device): a run whose tasks meet
``fail_on`` raises.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from taskaffinity.tasks import Example, Task, TaskSuite
from taskaffinity.types import Cost, RunResult, RunSpec

ALPHABET = "abcdefghij"


def _task(name: str, rule, rng: np.random.Generator, n: int = 60) -> Task:
    def examples(k: int) -> tuple[Example, ...]:
        out = []
        for _ in range(k):
            text = "".join(rng.choice(list(ALPHABET), size=12))
            out.append(Example(text=text, label=rule(text)))
        return tuple(out)

    return Task(
        name, "classification", "basic", "accuracy", examples(n), examples(20), examples(20)
    )


def toy_suite() -> TaskSuite:
    """Three classification tasks on random letter strings."""
    rng = np.random.default_rng(7)
    return TaskSuite(
        "toy",
        (
            _task("more_a", lambda s: str(s.count("a") > s.count("b")), rng),
            _task("has_c", lambda s: str("c" in s), rng),
            _task("first", lambda s: s[0] if s[0] in "abc" else "other", rng),
        ),
    )


@dataclass(frozen=True)
class ToyBackend:
    dim: int = 8
    sleep: float = 0.0
    fail_on: tuple[str, ...] = field(default=())
    name: str = "toy"

    def spec(self, tasks, seed: int, suite: TaskSuite) -> RunSpec:
        return RunSpec(tuple(tasks), self.name, {"dim": self.dim}, seed, suite.fingerprint)

    def run(self, spec: RunSpec, suite: TaskSuite) -> RunResult:
        start = time.perf_counter()
        if set(spec.tasks) & set(self.fail_on):
            raise RuntimeError(f"toy failure in {spec.tasks}")
        time.sleep(self.sleep)
        tasks = [suite.task(t) for t in spec.tasks]
        vocab = sorted({c for t in tasks for ex in t.train for c in ex.text})
        index = {c: i for i, c in enumerate(vocab)}
        proj = np.random.default_rng([spec.seed, len(spec.tasks)]).normal(
            size=(len(vocab), self.dim)
        )

        def embed(exs) -> np.ndarray:
            counts = np.zeros((len(exs), len(vocab)))
            for i, ex in enumerate(exs):
                for c in ex.text:
                    if c in index:
                        counts[i, index[c]] += 1
            return counts @ proj

        scores, metrics, n = {}, {}, 0
        for t in tasks:
            x, labels = embed(t.train), np.array([ex.label for ex in t.train])
            cents = np.stack([x[labels == lab].mean(0) for lab in t.labels])
            d = ((embed(t.test)[:, None, :] - cents[None]) ** 2).sum(-1)
            pred = np.array(t.labels)[d.argmin(1)]
            acc = float(np.mean(pred == np.array([ex.label for ex in t.test])))
            scores[t.name], metrics[t.name] = acc, {"accuracy": acc}
            n += len(t.train)
        cost = Cost(seconds=time.perf_counter() - start, steps=1, examples=n)
        return RunResult(spec.key, spec.tasks, spec.seed, scores, metrics, cost)


def write_toy_config(path: Path, **extra: str) -> Path:
    """A study over the toy suite; ``extra`` maps top-level keys to YAML text."""
    parts = {
        "suite": "_toy_backend:toy_suite",
        "backend": "{name: '_toy_backend:ToyBackend', dim: 8}",
        "plan": "{singles: true, pairs: true, all: true}",
        "seeds": "[0, 1]",
    }
    parts.update(extra)
    path.write_text("".join(f"{k}: {v}\n" for k, v in parts.items()))
    return path
