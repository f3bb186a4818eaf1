"""What an estimator runs on: a stored study folder or a study config, resolved to the
suite, the backend, the seed and (for a study) the cost of its singles+pairs grid."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from taskaffinity.config import load_config
from taskaffinity.study import make_backend, open_study

if TYPE_CHECKING:
    from taskaffinity.backends import Backend
    from taskaffinity.study import StudyData
    from taskaffinity.tasks import TaskSuite
    from taskaffinity.types import Cost

__all__ = ["EstimationTarget", "open_target"]


@dataclass(frozen=True, eq=False)
class EstimationTarget:
    """The inputs of an estimation. ``study`` is None for a config; ``seed`` is the
    study's first seed; ``grid`` the cost of that seed's measured singles and pairs (None
    for a config or when none are stored), the reference of ``Budget.reference``."""

    study: StudyData | None
    suite: TaskSuite
    backend: Backend
    seed: int
    grid: Cost | None


def open_target(target: str | Path) -> EstimationTarget:
    """Resolve ``target``: a file is read as a study config, a folder as a stored study."""
    path = Path(target)
    if path.is_file():
        config = load_config(path)
        return EstimationTarget(
            None, config.load_suite(), make_backend(config), config.seeds[0], None
        )
    study = open_study(path)
    seed = study.config.seeds[0]
    return EstimationTarget(
        study, study.suite, make_backend(study.config), seed, study.grid_cost(seed)
    )
