"""A study folder holds one study: what makes a config the same study as the folder's.

Two configs describe the same study when they train the same tasks (the built-in suite and
its chosen tasks, or the same task definitions, LLaMA-Factory datasets, example caps and
task overrides) with the same backend and hyperparameters. Everything else may change
between two ``run`` calls on one folder and extends the study as it is: the name, the seeds,
the plan (singles, pairs, groups, adaptive seeds), the executor, and the backend's
options that never enter a run's key (``device``, ``threads``, ``artifacts_dir``, a
plug-in backend's own execution options).

:func:`config_differences` lists what differs; ``run_study`` refuses a config with any
difference before it writes anything, unless told to replace the folder's config (every
stored run is kept either way).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from taskaffinity.config import StudyConfig
from taskaffinity.errors import InputError

if TYPE_CHECKING:
    from taskaffinity.tasks import TaskSuite

__all__ = ["check_same_study", "config_differences"]

_TASK_KEYS = ("suite", "suite_tasks", "tasks", "tasks_from", "max_examples", "task_overrides")


def _keyed_backend(backend: Any, suite: TaskSuite) -> dict[str, Any]:
    """What of ``backend`` enters a run's key: its name and the
    ``backend_config`` of its RunSpec for the suite's first task; execution-only options
    (device, threads, a plug-in's own, e.g. the toy backend's ``fail_on``) are not in it."""
    spec = backend.spec((suite.names[0],), 0, suite)
    return {"name": spec.backend, **spec.backend_config}


def _short(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def _unordered(d: dict[str, Any]) -> dict[str, Any]:
    """``d`` with the order of its task lists dropped (the order of tasks does not change
    what a study measures: run keys ignore it)."""
    out = dict(d)
    for key in ("suite_tasks", "tasks"):
        if isinstance(out.get(key), list):
            out[key] = sorted(out[key], key=lambda v: json.dumps(v, sort_keys=True, default=str))
    return out


def config_differences(
    stored: StudyConfig,
    new: StudyConfig,
    *,
    suite: TaskSuite,
    backends: tuple[Any, Any],
) -> list[str]:
    """What makes ``new`` a different study from ``stored`` (the folder's config), one line
    each (``"backend.lr: 0.001 -> 0.003"``, ``"tasks: [...] -> [...]"``); empty when ``new``
    only extends it (other seeds, plan, name or executor) or lists the same tasks in another
    order. ``backends``: the backends made from ``stored`` and ``new``; their run-key
    configurations on ``suite`` (``new``'s tasks) are compared, so options that never enter
    a key differ freely."""
    out: list[str] = []
    old_d, new_d = _unordered(stored.to_dict()), _unordered(new.to_dict())
    for key in _TASK_KEYS:
        if old_d.get(key) != new_d.get(key):
            out.append(f"{key}: {_short(old_d.get(key))} -> {_short(new_d.get(key))}")
    old_b, new_b = (_keyed_backend(b, suite) for b in backends)
    for key in sorted(set(old_b) | set(new_b)):
        if old_b.get(key) != new_b.get(key):
            missing = "(not set)"
            before = _short(old_b[key]) if key in old_b else missing
            after = _short(new_b[key]) if key in new_b else missing
            out.append(f"backend.{key}: {before} -> {after}")
    return out


def check_same_study(
    config: StudyConfig,
    out_dir: str | Path,
    *,
    suite: TaskSuite,
    backend: Any,
    make_backend: Callable[[StudyConfig], Any],
    replace: bool = False,
) -> None:
    """Raise InputError when ``out_dir`` already holds a study (its ``config.yaml``) that
    ``config`` (with its loaded ``suite`` and ``backend``) does not merely extend, naming the
    differences and the two ways on; nothing is written. ``make_backend`` makes the folder
    config's backend. With ``replace`` the folder's config is to be replaced (the caller
    writes it; every stored run is kept)."""
    from taskaffinity.config import load_config
    from taskaffinity.study._layout import config_path

    path = config_path(out_dir)
    if replace or not path.is_file():
        return
    stored = load_config(path)
    differences = config_differences(
        stored, config, suite=suite, backends=(make_backend(stored), backend)
    )
    if not differences:
        return
    listed = "; ".join(differences)
    raise InputError(
        f"this folder holds another study ({listed}). Train it into a new folder (--out NEW), "
        "or pass --replace-config to make this config the folder's (every stored run is kept)",
        file=path,
    )
