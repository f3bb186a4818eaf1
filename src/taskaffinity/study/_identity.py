"""A study folder holds one study: what makes a config the same study as the folder's.

Two configs describe the same study when they train the same tasks (the built-in suite and
its chosen tasks, or the same task definitions, LLaMA-Factory datasets, example caps and
task overrides) with the same backend and hyperparameters. Everything else may change
between two ``run`` calls on one folder and extends the study as it is: the name, the seeds,
the plan (singles, pairs, groups, adaptive seeds), the executor, and the backend's
execution-only options (``device``, ``threads``, ``artifacts_dir``: they never enter a run's
key).

:func:`config_differences` lists what differs; ``run_study`` refuses a config with any
difference before it writes anything, unless told to replace the folder's config (every
stored run is kept either way).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from taskaffinity.config import StudyConfig
from taskaffinity.errors import InputError

__all__ = ["check_same_study", "config_differences"]

_TASK_KEYS = ("suite", "suite_tasks", "tasks", "tasks_from", "max_examples", "task_overrides")


def _backend(config: StudyConfig) -> dict[str, Any]:
    from taskaffinity.backends import BACKENDS, TrainConfig

    name = config.backend.name
    # a registered backend's own execution fields too (lora: save_adapters, ...)
    kind = BACKENDS.lookup(name).config_class if name in BACKENDS.names() else TrainConfig
    params = {k: v for k, v in config.backend.params.items() if k not in kind.EXECUTION_FIELDS}
    return {"name": name, **params}


def _short(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def config_differences(stored: StudyConfig, new: StudyConfig) -> list[str]:
    """What makes ``new`` a different study from ``stored`` (the folder's config), one line
    each (``"backend.lr: 0.001 -> 0.003"``, ``"tasks: [...] -> [...]"``); empty when ``new``
    only extends it (other seeds, plan, name or executor)."""
    out: list[str] = []
    old_d, new_d = stored.to_dict(), new.to_dict()
    for key in _TASK_KEYS:
        if old_d.get(key) != new_d.get(key):
            out.append(f"{key}: {_short(old_d.get(key))} -> {_short(new_d.get(key))}")
    old_b, new_b = _backend(stored), _backend(new)
    for key in sorted(set(old_b) | set(new_b)):
        if old_b.get(key) != new_b.get(key):
            missing = "(default)"
            before = _short(old_b[key]) if key in old_b else missing
            after = _short(new_b[key]) if key in new_b else missing
            out.append(f"backend.{key}: {before} -> {after}")
    return out


def check_same_study(config: StudyConfig, out_dir: str | Path, *, replace: bool = False) -> None:
    """Raise InputError when ``out_dir`` already holds a study (its ``config.yaml``) that
    ``config`` does not merely extend, naming the differences and the two ways on; nothing is
    written. With ``replace`` the folder's config is to be replaced (the caller writes it;
    every stored run is kept)."""
    from taskaffinity.config import load_config
    from taskaffinity.study._layout import config_path

    path = config_path(out_dir)
    if replace or not path.is_file():
        return
    differences = config_differences(load_config(path), config)
    if not differences:
        return
    listed = "; ".join(differences)
    raise InputError(
        f"this folder holds another study ({listed}). Train it into a new folder (--out NEW), "
        "or pass --replace-config to make this config the folder's (every stored run is kept)",
        file=path,
    )
