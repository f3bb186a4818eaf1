"""A tiny deterministic backend and task suites for plug-in authors' tests.

:class:`ToyBackend` is a nearest-centroid classifier over a seeded random projection of
character counts; the character vocabulary is the union over the run's tasks, so scores
depend on the group and the seed, and a run takes milliseconds. ``sleep`` and ``fail_on``
only change how a run executes (they are left out of the RunSpec, like a device): a run
whose tasks meet ``fail_on`` raises. It implements the backend contract that
:func:`~taskaffinity.testing.check_backend` checks, so it can stand in for a real backend
in tests of a study, a store or an executor.

:func:`toy_suite` (three tasks on random letter strings) is the suite it is meant for;
:func:`synthetic_suite` / :func:`make_task` build small rule-based tasks (optionally with
flipped labels) on which the ``scratch`` backend with :data:`TINY_SCRATCH` trains in
seconds: the estimator checks use them.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from taskaffinity.tasks import Example, Task, TaskSuite
from taskaffinity.types import Cost, RunResult, RunSpec

__all__ = [
    "TINY_SCRATCH",
    "ToyBackend",
    "make_task",
    "synthetic_suite",
    "toy_suite",
    "write_toy_config",
]

_TOY_ALPHABET = "abcdefghij"


def _toy_task(name: str, rule: Callable[[str], str], rng: np.random.Generator, n: int = 60) -> Task:
    def examples(k: int) -> tuple[Example, ...]:
        out = []
        for _ in range(k):
            text = "".join(rng.choice(list(_TOY_ALPHABET), size=12))
            out.append(Example(text=text, label=rule(text)))
        return tuple(out)

    return Task(
        name, "classification", "basic", "accuracy", examples(n), examples(20), examples(20)
    )


def toy_suite() -> TaskSuite:
    """Three classification tasks on random letter strings (60/20/20 examples each):
    ``more_a`` (more a than b), ``has_c``, ``first`` (first letter a, b, c or other)."""
    rng = np.random.default_rng(7)
    return TaskSuite(
        "toy",
        (
            _toy_task("more_a", lambda s: str(s.count("a") > s.count("b")), rng),
            _toy_task("has_c", lambda s: str("c" in s), rng),
            _toy_task("first", lambda s: s[0] if s[0] in "abc" else "other", rng),
        ),
    )


@dataclass(frozen=True)
class ToyBackend:
    """Nearest-centroid backend: ``run(spec, suite)`` in milliseconds, deterministic.

    ``dim``: size of the random projection (part of the run's identity); ``sleep``:
    seconds to wait in every run; ``fail_on``: task names whose runs raise."""

    dim: int = 8
    sleep: float = 0.0
    fail_on: tuple[str, ...] = field(default=())
    name: str = "toy"

    def spec(self, tasks: Sequence[str], seed: int, suite: TaskSuite) -> RunSpec:
        """The RunSpec of training ``tasks`` together under ``seed``: a run reads its own
        tasks only (:meth:`TaskSuite.tasks_fingerprint`)."""
        suite.check(tasks)
        return RunSpec(
            tuple(tasks), self.name, {"dim": self.dim}, seed, suite.tasks_fingerprint(tasks)
        )

    def run(self, spec: RunSpec, suite: TaskSuite) -> RunResult:
        """Score every task of ``spec`` by accuracy on its test split (its test predictions
        kept in the result)."""
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

        def embed(exs: Sequence[Example]) -> np.ndarray:
            counts = np.zeros((len(exs), len(vocab)))
            for i, ex in enumerate(exs):
                for c in ex.text:
                    if c in index:
                        counts[i, index[c]] += 1
            return counts @ proj

        scores, metrics, predictions, n = {}, {}, {}, 0
        for t in tasks:
            x, labels = embed(t.train), np.array([ex.label for ex in t.train])
            cents = np.stack([x[labels == lab].mean(0) for lab in t.labels])
            d = ((embed(t.test)[:, None, :] - cents[None]) ** 2).sum(-1)
            pred = np.array(t.labels)[d.argmin(1)]
            acc = float(np.mean(pred == np.array([ex.label for ex in t.test])))
            scores[t.name], metrics[t.name] = acc, {"accuracy": acc}
            predictions[t.name] = tuple(str(p) for p in pred)
            n += len(t.train)
        cost = Cost(seconds=time.perf_counter() - start, steps=1, examples=n)
        return RunResult(
            spec.key, spec.tasks, spec.seed, scores, metrics, cost, predictions=predictions
        )


def write_toy_config(path: Path, **extra: str) -> Path:
    """Write a study config over :func:`toy_suite` and :class:`ToyBackend` to ``path``
    (singles, pairs and all tasks, seeds 0 and 1); ``extra`` maps top-level keys to YAML
    text that replaces or adds to them. Returns ``path``."""
    parts = {
        "suite": "taskaffinity.testing:toy_suite",
        "backend": "{name: 'taskaffinity.testing:ToyBackend', dim: 8}",
        "plan": "{singles: true, pairs: true, all: true}",
        "seeds": "[0, 1]",
    }
    parts.update(extra)
    path.write_text("".join(f"{k}: {v}\n" for k, v in parts.items()))
    return path


_SYNTHETIC_ALPHABET = "abcdefgh"

TINY_SCRATCH: dict[str, float | int] = {
    "d_model": 16, "layers": 1, "heads": 2, "ff_dim": 32, "max_len": 12, "epochs": 2.0,
    "batch_size": 16, "lr": 3e-3, "dropout": 0.0, "threads": 1,
}  # fmt: skip
"""A ``scratch`` backend config that trains a :func:`synthetic_suite` task in ~1 s."""

# name -> (rule on the text, its two labels)
_RULES: dict[str, tuple[Callable[[str], bool], tuple[str, str]]] = {
    "first": (lambda s: s[0] in "abcd", ("no", "yes")),
    "first_copy": (lambda s: s[0] in "abcd", ("n", "y")),
    "count": (lambda s: s.count("a") > s.count("b"), ("less", "more")),
    "last": (lambda s: s[-1] in "aceg", ("no", "yes")),
}


def make_task(
    name: str, seed: int = 0, sizes: tuple[int, int, int] = (96, 32, 32), flip: float = 0.0
) -> tuple[Task, list[int]]:
    """Synthetic task ``name`` (``first``, ``first_copy``, ``count`` or ``last``: a rule on
    a random string of 6-10 letters) and the test indices whose label was flipped.

    ``sizes``: train/dev/test examples; ``flip``: share of train and test labels flipped
    (seeded); dev stays clean."""
    rng = random.Random(f"{name}:{seed}")
    rule, labels = _RULES[name]
    splits, flipped = [], []
    for split, n in zip(("train", "dev", "test"), sizes, strict=True):
        exs = []
        for k in range(n):
            text = "".join(rng.choice(_SYNTHETIC_ALPHABET) for _ in range(rng.randint(6, 10)))
            y = int(rule(text))
            if split != "dev" and rng.random() < flip:
                y = 1 - y
                if split == "test":
                    flipped.append(k)
            exs.append(Example(text=text, label=labels[y]))
        splits.append(tuple(exs))
    return Task(name, "classification", "synthetic", "accuracy", *splits), flipped


def write_synthetic_study(
    root: Path,
    names: Sequence[str],
    *,
    seeds: Sequence[int] = (0,),
    sizes: tuple[int, int, int] = (64, 16, 24),
) -> Path:
    """Write the :func:`make_task` tasks ``names`` as JSONL files under ``root`` and a
    study config over them (``scratch`` with :data:`TINY_SCRATCH`, singles and pairs,
    ``seeds``) to ``root/config.yaml``; returns the config's path."""
    import json

    import yaml

    tasks = []
    for name in names:
        task, _ = make_task(name, sizes=sizes)
        paths = {}
        for split in ("train", "dev", "test"):
            path = root / f"{name}.{split}.jsonl"
            path.write_text("".join(
                json.dumps({"text": ex.text, "label": ex.label}) + "\n"
                for ex in task.split(split)))  # fmt: skip
            paths[split] = str(path)
        tasks.append({"name": name, "kind": "classification", "category": "synthetic",
                      "metric": "accuracy", "data": paths})  # fmt: skip
    config = {
        "name": "tiny", "tasks": tasks, "backend": {"name": "scratch", **TINY_SCRATCH},
        "plan": {"singles": True, "pairs": True, "all": False}, "seeds": list(seeds),
    }  # fmt: skip
    out = root / "config.yaml"
    out.write_text(yaml.safe_dump(config))
    return out


def synthetic_suite(names: tuple[str, ...] = ("first", "count", "first_copy")) -> TaskSuite:
    """A suite of :func:`make_task` tasks (``first`` and ``first_copy`` share their rule,
    so they should help each other; ``count`` is unrelated)."""
    return TaskSuite("synthetic", tuple(make_task(n)[0] for n in names))
