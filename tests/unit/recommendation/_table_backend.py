"""A backend for tests whose every score is given by a rule: each run's test (and, when
wanted, dev) score of a task is ``rule(group, task, seed, split)``, so a study can be
built to hold any pattern (dev and test that disagree, pairs equal to their single run,
a task below its baseline, a single score of 0)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from taskaffinity.tasks import TaskSuite
from taskaffinity.types import Cost, RunResult, RunSpec

Rule = Callable[[tuple[str, ...], str, int, str], float]


@dataclass(frozen=True)
class TableBackend:
    """Scores from ``rule``; ``dev``: whether dev metrics are stored beside the test
    ones; ``variant`` names the rule in the run's identity."""

    rule: Rule
    variant: str = "a"
    dev: bool = True
    name: str = "table"

    def spec(self, tasks: Sequence[str], seed: int, suite: TaskSuite) -> RunSpec:
        suite.check(tasks)
        return RunSpec(
            tuple(tasks), self.name, {"variant": self.variant}, seed,
            suite.tasks_fingerprint(tasks),
        )  # fmt: skip

    def run(self, spec: RunSpec, suite: TaskSuite) -> RunResult:
        scores, metrics = {}, {}
        for t in spec.tasks:
            test = float(self.rule(spec.tasks, t, spec.seed, "test"))
            scores[t] = test
            metrics[t] = {"accuracy": test}
            if self.dev:
                metrics[t]["dev_accuracy"] = float(self.rule(spec.tasks, t, spec.seed, "dev"))
        return RunResult(spec.key, spec.tasks, spec.seed, scores, metrics, Cost(0.01, 1, 1))


def run_table_study(folder, rule: Rule, *, seeds=(0, 1, 2), dev: bool = True, **config):
    """Train the toy suite's singles, pairs and all three under ``rule`` into
    ``folder/st``; returns the opened study."""
    from taskaffinity.config import load_config
    from taskaffinity.study import open_study, run_study
    from taskaffinity.testing import write_toy_config

    folder.mkdir(parents=True, exist_ok=True)
    extra = {"seeds": str(list(seeds)), "executor": "{kind: local, workers: 1}", **config}
    cfg = write_toy_config(folder / "config.yaml", **extra)
    run_study(load_config(cfg), folder / "st", progress=False,
              backend=TableBackend(rule, dev=dev))  # fmt: skip
    return open_study(folder / "st")
