"""Reading and writing study configs: YAML -> :class:`StudyConfig` (:func:`load_config`,
:func:`config_from_dict`, errors naming file, line and field) and back (:func:`dump_config`)."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any

import yaml

from taskaffinity._atomic import write_atomic
from taskaffinity._yaml import line_of, load_yaml
from taskaffinity.config._sections import BackendConfig, ExecutorConfig, PlanConfig
from taskaffinity.config._study import StudyConfig
from taskaffinity.errors import InputError, did_you_mean

__all__ = ["config_from_dict", "dump_config", "load_config"]


def _section(data: dict[str, Any], key: str, cls: type, lines: dict[str, int], file: Any) -> Any:
    raw = data.get(key, {})
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise InputError("must be a mapping", file=file, line=line_of(lines, key), field=key)
    if cls is BackendConfig:
        raw = dict(raw)
        return BackendConfig(name=raw.pop("name", "scratch"), params=raw)
    known = {f.name for f in fields(cls)}
    for k in raw:
        if k not in known:
            raise InputError(
                f"unknown field{did_you_mean(k, known)}; expected one of {sorted(known)}",
                file=file,
                line=line_of(lines, f"{key}.{k}"),
                field=f"{key}.{k}",
            )
    return cls(**raw)


_TOP = {
    "name",
    "suite",
    "suite_tasks",
    "tasks",
    "tasks_from",
    "max_examples",
    "task_overrides",
    "backend",
    "plan",
    "seeds",
    "executor",
    "budgets",
    "base_dir",
}


def config_from_dict(
    data: Any, *, file: Path | None = None, lines: dict[str, int] | None = None
) -> StudyConfig:
    """Build a StudyConfig from parsed YAML; relative paths start at the file's folder."""
    lines = lines or {}
    try:
        if not isinstance(data, dict):
            raise InputError("a study config is a mapping (suite/tasks, backend, plan, ...)")
        for k in data:
            if k not in _TOP:
                raise InputError(
                    f"unknown field{did_you_mean(k, _TOP)}; expected one of {sorted(_TOP)}",
                    field=str(k),
                )
        base = Path(file).parent if file is not None else Path.cwd()
        if data.get("base_dir") is not None:
            if not isinstance(data["base_dir"], str) or not data["base_dir"]:
                raise InputError("must be a folder path", field="base_dir")
            base = base / data["base_dir"]
        seeds = data.get("seeds", [0])
        name = data.get("name")
        if name is None:
            name = Path(file).stem if file else "study"
        elif isinstance(name, int) and not isinstance(name, bool):
            name = str(name)
        return StudyConfig(
            name=name,
            suite=data.get("suite"),
            suite_tasks=data.get("suite_tasks"),
            tasks=data.get("tasks"),
            tasks_from=data.get("tasks_from"),
            max_examples=data.get("max_examples"),
            task_overrides=data.get("task_overrides"),
            backend=_section(data, "backend", BackendConfig, lines, file),
            plan=_section(data, "plan", PlanConfig, lines, file),
            seeds=[seeds] if isinstance(seeds, int) and not isinstance(seeds, bool) else seeds,
            executor=_section(data, "executor", ExecutorConfig, lines, file),
            budgets=data.get("budgets"),
            base_dir=base,
            source=Path(file) if file is not None else None,
            lines=lines,
        )
    except InputError as err:
        if err.file is not None:
            raise
        line = line_of(lines, err.field) if err.field else None
        raise InputError(err.message, file=file, line=line, field=err.field) from None
    except TypeError as err:  # a wrong type where a dataclass expects another
        raise InputError(str(err), file=file) from None


def load_config(path: str | Path) -> StudyConfig:
    """Read a study config YAML; InputError names the file, line and field at fault (a
    key given twice, text that is not UTF-8 or not YAML, any invalid value)."""
    path = Path(path)
    if not path.is_file():
        raise InputError("config file not found" if not path.is_dir() else "is a folder, "
                         "not a config file", file=path)  # fmt: skip
    data, lines = load_yaml(path)
    return config_from_dict(data, file=path, lines=lines)


def dump_config(config: StudyConfig, path: str | Path) -> Path:
    """Write ``config`` as YAML to ``path`` (a unique temporary file renamed over it, so
    drivers starting one study at once never rename each other's away); returns the
    path."""
    text = yaml.safe_dump(config.to_dict(), sort_keys=False, allow_unicode=True)
    return write_atomic(path, text)
