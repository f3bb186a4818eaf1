"""Everything a study needs, checked before anything is written: :func:`check_study`.

``run_study`` calls it after planning the runs and before it creates the study folder, so
that bad input never leaves a store behind or a study half-trained: the worker count, a
plan that trains nothing, the Ray package for the ``ray`` executor, more local workers
than the GPUs given to them hold (``executor.gpus``, ``gpus_per_run``), the backend's
resources (a model folder, a model package) and every planned task for the backend (its
kind, metric, splits, labels). Each error names
the config file, the line and the field (``tasks[1].metric``, ``backend.model``; for a task
of a built-in or plug-in suite, ``suite``).
"""

from __future__ import annotations

import importlib.util
from typing import TYPE_CHECKING, Any

from taskaffinity.config import StudyConfig
from taskaffinity.errors import InputError
from taskaffinity.metrics import check_metric
from taskaffinity.study._gpus import worker_gpus
from taskaffinity.types import RunSpec

if TYPE_CHECKING:
    from taskaffinity.backends import RunBackend
    from taskaffinity.tasks import TaskSuite

__all__ = ["check_study", "check_workers"]


def check_workers(workers: Any) -> None:
    """Raise InputError (field ``workers``) unless ``workers`` is None or an int >= 1."""
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int)
                                or workers < 1):  # fmt: skip
        raise InputError(f"must be an integer >= 1, got {workers!r}", field="workers")


def _task_field(config: StudyConfig, name: str, field: str | None) -> str:
    """The config field of task ``name``'s ``field``: ``tasks[i].<field>`` for a task of the
    config, ``tasks_from`` for a LLaMA-Factory dataset, ``suite_tasks`` or ``suite`` for one
    of a suite."""
    if config.tasks is not None:
        for i, spec in enumerate(config.tasks):
            if spec.get("name") == name:
                return f"tasks[{i}]" + (f".{field}" if field else "")
    if config.tasks_from is not None:
        return "tasks_from"
    return "suite_tasks" if config.suite_tasks is not None else "suite"


def check_study(
    config: StudyConfig,
    suite: TaskSuite,
    backend: RunBackend,
    specs: list[RunSpec],
    *,
    workers: Any = None,
) -> None:
    """Raise InputError (file, line, field) for anything of ``config`` that would make its
    runs ``specs`` fail for a reason known before training: see the module docstring.
    Backends declare their checks with ``check_resources()`` and ``check_tasks(names,
    suite)`` (optional for a plug-in backend)."""
    check_workers(workers)
    if not specs:
        raise config.error("the plan trains no run (e.g. pairs of a single task)", "plan")
    if config.executor.kind == "ray" and importlib.util.find_spec("ray") is None:
        raise config.error(
            "the ray executor needs Ray: pip install 'taskaffinity[ray]'", "executor.kind"
        )
    n_workers = workers or config.executor.workers
    if n_workers > 1:
        try:
            worker_gpus(config.executor, n_workers, backend)
        except InputError as err:
            raise config.error(err.message, err.field or "executor") from None
    check_resources = getattr(backend, "check_resources", None)
    if check_resources is not None:
        try:
            check_resources()
        except InputError as err:
            if err.file is not None:
                raise
            field = f"backend.{err.field}" if err.field else "backend"
            raise config.error(err.message, field) from None
    check_tasks = getattr(backend, "check_tasks", None)
    planned = {t for s in specs for t in s.tasks}
    for name in (n for n in suite.names if n in planned):
        task = suite.task(name)
        try:
            check_metric(task.metric, task.kind, task.name)
            if check_tasks is not None:
                check_tasks([name], suite)
        except InputError as err:
            if err.file is not None:
                raise
            raise config.error(err.message, _task_field(config, name, err.field)) from None
