"""The demo: the built-in zh_classical study of its six labelling tasks
(:data:`taskaffinity.suites.zh_classical.LABELLING_TASKS`; the ``scratch`` backend trains
no generation task): every task alone, every pair, all tasks together, seeds 0, 1 and 2,
then its report.

The design was chosen by measurement (``benchmarks/reliability.py``; docs/benchmarks):
a narrower ``scratch`` body (width 64, feed-forward 128: about twice as fast per step as
the default width 128 on the reference machine), dev and test scored with an exponential
moving average of the weights (``ema: 0.99``), the last weights tested (``checkpoint:
last``: no selection among noisy dev scores, and two dev evaluations fewer per run), and
the paired run design (``random_streams: per_task``: a task's head initialisation and
batch order are the same in its single run and in every joint run with it). Three seeds
of this design reproduce another three seeds' gain matrix at a mean replicate Spearman of
0.80 (50 pairs of disjoint replicates drawn from 10 seeds; 0.69 without the paired
design), within the demo's 10 minutes on 2 cores; four seeds would reach 0.85 but take
about 12 minutes.

``examples/zh_classical.yaml`` is the same study as a config file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from taskaffinity.config import StudyConfig, config_from_dict
from taskaffinity.report import write_study_report
from taskaffinity.study import StudySummary, open_study, run_study
from taskaffinity.suites.zh_classical import LABELLING_TASKS

__all__ = ["DEMO_CONFIG", "demo_config", "run_demo"]

DEMO_CONFIG: dict[str, Any] = {
    "name": "zh-classical-demo",
    "suite": "zh_classical",
    "suite_tasks": list(LABELLING_TASKS),
    "backend": {
        "name": "scratch",
        "d_model": 64,
        "ff_dim": 128,
        "ema": 0.99,
        "checkpoint": "last",
        "random_streams": "per_task",
    },
    "plan": {"singles": True, "pairs": True, "all": True, "groups": []},
    "seeds": [0, 1, 2],
    "executor": {"kind": "local", "workers": 2},
}


def demo_config() -> StudyConfig:
    """The demo study as a StudyConfig."""
    return config_from_dict(DEMO_CONFIG)


def run_demo(
    out_dir: str | Path = "taskaffinity-demo", *, workers: int | None = None, progress: bool = True
) -> tuple[StudySummary, Path | None]:
    """Run (or resume) the demo study in ``out_dir`` and write its report there.

    The report is rebuilt only when this call trained something or no report exists, so a
    second call returns in seconds. Returns ``(StudySummary, report.html path or None when
    no run completed)``.
    """
    out = Path(out_dir)
    summary = run_study(demo_config(), out, workers=workers, progress=progress)
    report = out / "report.html"
    if summary.complete == 0:
        return summary, None
    if summary.trained or not report.is_file():
        report = write_study_report(open_study(out), out)
    return summary, report
