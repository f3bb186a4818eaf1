"""Study configuration: YAML <-> validated dataclasses, with errors naming file, line, field.

A study config names the tasks (a built-in ``suite`` or a list of ``tasks`` dicts), the
``backend`` and its hyperparameters, the ``plan`` (which task groups to train), the
``seeds`` and the ``executor``::

    suite: zh-classical
    backend: {name: scratch, epochs: 3}
    plan: {singles: true, pairs: true, all: true, groups: [[a, b, c]]}
    seeds: [0, 1]
    executor: {kind: local, workers: 2}

Every dataclass validates itself in ``__post_init__`` and raises :class:`InputError` with a
dotted ``field`` (``plan.groups[0][1]``); :func:`load_config` adds the YAML file and line.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from taskaffinity.errors import InputError

__all__ = [
    "BackendConfig",
    "ExecutorConfig",
    "PlanConfig",
    "StudyConfig",
    "config_from_dict",
    "dump_config",
    "import_object",
    "load_config",
]


def _meta(help: str) -> dict[str, str]:
    return {"help": help}


@dataclass
class BackendConfig:
    """Which backend trains each run, with its hyperparameters (passed unchanged)."""

    name: str = field(default="scratch", metadata=_meta("backend name, e.g. scratch, encoder"))
    params: dict[str, Any] = field(
        default_factory=dict, metadata=_meta("hyperparameters of the backend (its own names)")
    )

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise InputError("backend name must be a non-empty string", field="backend.name")
        if not isinstance(self.params, dict):
            raise InputError("backend hyperparameters must be a mapping", field="backend")


@dataclass
class PlanConfig:
    """Which task groups to train: each alone, every pair, all together, explicit groups."""

    singles: bool = field(default=True, metadata=_meta("train every task alone"))
    pairs: bool = field(default=True, metadata=_meta("train every pair of tasks"))
    all: bool = field(default=True, metadata=_meta("train all tasks together in one network"))
    groups: list[list[str]] = field(
        default_factory=list, metadata=_meta("explicit groups of task names to train together")
    )

    def __post_init__(self) -> None:
        for name in ("singles", "pairs", "all"):
            if not isinstance(getattr(self, name), bool):
                raise InputError("must be true or false", field=f"plan.{name}")
        if not isinstance(self.groups, list):
            raise InputError("must be a list of lists of task names", field="plan.groups")
        for i, group in enumerate(self.groups):
            if not isinstance(group, list) or not group:
                raise InputError(
                    "a group is a non-empty list of task names", field=f"plan.groups[{i}]"
                )
            for j, task in enumerate(group):
                if not isinstance(task, str):
                    raise InputError("task names are strings", field=f"plan.groups[{i}][{j}]")
            if len(set(group)) != len(group):
                raise InputError(f"group repeats a task: {group}", field=f"plan.groups[{i}]")


@dataclass
class ExecutorConfig:
    """Where runs execute: ``local`` (sequential when workers == 1, else a process pool)
    or ``ray`` (optional extra); ``cpus_per_run``/``gpus_per_run`` are Ray resource requests."""

    kind: str = field(default="local", metadata=_meta("local or ray"))
    workers: int = field(default=1, metadata=_meta("runs trained at the same time"))
    cpus_per_run: float = field(default=1.0, metadata=_meta("Ray: CPUs requested per run"))
    gpus_per_run: float = field(default=0.0, metadata=_meta("Ray: GPUs requested per run"))
    address: str | None = field(default=None, metadata=_meta("Ray: cluster address (or local)"))

    def __post_init__(self) -> None:
        if self.kind not in ("local", "ray"):
            raise InputError(
                f"unknown executor {self.kind!r}; choose local or ray", field="executor.kind"
            )
        if isinstance(self.workers, bool) or not isinstance(self.workers, int) or self.workers < 1:
            raise InputError("workers must be an integer >= 1", field="executor.workers")
        for name in ("cpus_per_run", "gpus_per_run"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise InputError("must be a number >= 0", field=f"executor.{name}")


@dataclass
class StudyConfig:
    """A whole study. Exactly one of ``suite`` (built-in name) and ``tasks`` (task dicts, paths
    relative to ``base_dir``) is set. ``source`` and ``lines`` locate fields for errors."""

    name: str = field(default="study", metadata=_meta("study name (used in reports)"))
    suite: str | None = field(
        default=None, metadata=_meta("built-in suite (zh-classical) or 'module:factory'")
    )
    tasks: list[dict[str, Any]] | None = field(default=None, metadata=_meta("task definitions"))
    backend: BackendConfig = field(default_factory=BackendConfig)
    plan: PlanConfig = field(default_factory=PlanConfig)
    seeds: list[int] = field(default_factory=lambda: [0], metadata=_meta("seeds of every run"))
    executor: ExecutorConfig = field(default_factory=ExecutorConfig)
    base_dir: Path = field(default_factory=Path.cwd, metadata=_meta("where task paths start"))
    source: Path | None = field(default=None, repr=False, compare=False)
    lines: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if (self.suite is None) == (self.tasks is None):
            raise InputError("name exactly one of 'suite' (built-in) and 'tasks'", field="suite")
        if self.suite is not None and not isinstance(self.suite, str):
            raise InputError("suite must be a name such as zh-classical", field="suite")
        if self.tasks is not None and (
            not isinstance(self.tasks, list) or not all(isinstance(t, dict) for t in self.tasks)
        ):
            raise InputError("tasks must be a list of task mappings", field="tasks")
        if not isinstance(self.seeds, list) or not self.seeds:
            raise InputError("seeds must be a non-empty list of integers", field="seeds")
        for i, s in enumerate(self.seeds):
            if isinstance(s, bool) or not isinstance(s, int):
                raise InputError(f"seed {s!r} is not an integer", field=f"seeds[{i}]")
        if len(set(self.seeds)) != len(self.seeds):
            raise InputError(f"seeds repeat: {self.seeds}", field="seeds")
        self.base_dir = Path(self.base_dir)

    def error(self, message: str, field: str) -> InputError:
        """An InputError for ``field`` located in this config's YAML file (when known)."""
        return InputError(message, file=self.source, line=_line_of(self.lines, field), field=field)

    def load_suite(self):  # -> TaskSuite (import kept lazy: suites load data on import)
        """The configured tasks as a TaskSuite; errors name the YAML file and field."""
        try:
            if self.suite is not None and ":" in self.suite:  # "package.module:factory"
                return import_object(self.suite)()
            if self.suite is not None:
                from taskaffinity.suites import load_suite

                return load_suite(self.suite)
            from taskaffinity.tasks import load_tasks

            return load_tasks(self.tasks, self.base_dir, name=self.name)
        except InputError as err:
            if err.file is not None:
                raise
            where = "suite" if self.suite is not None else "tasks"
            raise self.error(err.message, err.field or where) from err

    def check_plan(self, names: tuple[str, ...]) -> None:
        """Raise InputError (file, line, field) for a task in ``plan.groups`` not in ``names``."""
        for i, group in enumerate(self.plan.groups):
            for j, task in enumerate(group):
                if task not in names:
                    raise self.error(
                        f"unknown task {task!r}; known: {list(names)}", f"plan.groups[{i}][{j}]"
                    )

    def to_dict(self) -> dict[str, Any]:
        """Plain YAML-able form; ``base_dir`` is written absolute so a copy still resolves."""
        out: dict[str, Any] = {"name": self.name}
        if self.suite is not None:
            out["suite"] = self.suite
        else:
            out["tasks"] = self.tasks
            out["base_dir"] = str(self.base_dir.resolve())
        out["backend"] = {"name": self.backend.name, **self.backend.params}
        out["plan"] = asdict(self.plan)
        out["seeds"] = list(self.seeds)
        out["executor"] = {k: v for k, v in asdict(self.executor).items() if v is not None}
        return out


def import_object(ref: str) -> Any:
    """The object named ``"package.module:attribute"`` (plug-in suites and backends)."""
    import importlib

    module, _, attr = ref.partition(":")
    try:
        return getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as err:
        raise InputError(f"cannot import {ref!r}: {err}") from err


def _line_of(lines: dict[str, int], name: str) -> int | None:
    """Line of the field ``name`` or of its closest enclosing field."""
    while name:
        if name in lines:
            return lines[name]
        cut = max(name.rfind("."), name.rfind("["))
        name = name[:cut] if cut > 0 else ""
    return None


def _node_lines(node: yaml.Node, prefix: str, out: dict[str, int]) -> None:
    """Fill ``out`` with dotted field path -> 1-based line, from a composed YAML node."""
    if prefix:
        out.setdefault(prefix, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            path = f"{prefix}.{key.value}" if prefix else str(key.value)
            out[path] = key.start_mark.line + 1
            _node_lines(value, path, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _node_lines(item, f"{prefix}[{i}]", out)


def _section(data: dict[str, Any], key: str, cls: type, lines: dict[str, int], file: Any) -> Any:
    raw = data.get(key, {})
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise InputError("must be a mapping", file=file, line=_line_of(lines, key), field=key)
    if cls is BackendConfig:
        raw = dict(raw)
        return BackendConfig(name=raw.pop("name", "scratch"), params=raw)
    known = {f.name for f in fields(cls)}
    for k in raw:
        if k not in known:
            raise InputError(
                f"unknown field; expected one of {sorted(known)}",
                file=file,
                line=_line_of(lines, f"{key}.{k}"),
                field=f"{key}.{k}",
            )
    return cls(**raw)


_TOP = {"name", "suite", "tasks", "backend", "plan", "seeds", "executor", "base_dir"}


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
                raise InputError(f"unknown field; expected one of {sorted(_TOP)}", field=str(k))
        base = Path(file).parent if file is not None else Path.cwd()
        if data.get("base_dir") is not None:
            base = base / str(data["base_dir"])
        seeds = data.get("seeds", [0])
        return StudyConfig(
            name=str(data.get("name") or (Path(file).stem if file else "study")),
            suite=data.get("suite"),
            tasks=data.get("tasks"),
            backend=_section(data, "backend", BackendConfig, lines, file),
            plan=_section(data, "plan", PlanConfig, lines, file),
            seeds=[seeds] if isinstance(seeds, int) and not isinstance(seeds, bool) else seeds,
            executor=_section(data, "executor", ExecutorConfig, lines, file),
            base_dir=base,
            source=Path(file) if file is not None else None,
            lines=lines,
        )
    except InputError as err:
        if err.file is not None:
            raise
        line = _line_of(lines, err.field) if err.field else None
        raise InputError(err.message, file=file, line=line, field=err.field) from None
    except TypeError as err:  # a wrong type where a dataclass expects another
        raise InputError(str(err), file=file) from None


def load_config(path: str | Path) -> StudyConfig:
    """Read a study config YAML; InputError names the file, line and field at fault."""
    path = Path(path)
    if not path.is_file():
        raise InputError("config file not found", file=path)
    text = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise InputError(
            f"not valid YAML: {getattr(err, 'problem', err)}", file=path, line=line
        ) from None
    lines: dict[str, int] = {}
    if node is not None:
        _node_lines(node, "", lines)
    return config_from_dict(data, file=path, lines=lines)


def dump_config(config: StudyConfig, path: str | Path) -> Path:
    """Write ``config`` as YAML to ``path`` (atomic rename); returns the path."""
    path = Path(path)
    tmp = path.with_suffix(".yaml.tmp")
    tmp.write_text(yaml.safe_dump(config.to_dict(), sort_keys=False, allow_unicode=True), "utf-8")
    tmp.replace(path)
    return path
