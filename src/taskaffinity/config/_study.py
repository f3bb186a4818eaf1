"""A whole study config (:class:`StudyConfig`): tasks, backend, plan, seeds and executor,
with the YAML line of every field for errors; plus :func:`import_object` for plug-ins."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from taskaffinity._fields import check_fields, option
from taskaffinity._yaml import line_of
from taskaffinity.config._sections import BackendConfig, ExecutorConfig, PlanConfig
from taskaffinity.errors import InputError

__all__ = ["MAX_SEED", "StudyConfig", "import_object"]

#: The largest seed: seeds are 32-bit unsigned integers, a range every common random
#: generator accepts (numpy's ``RandomState`` is the narrowest).
MAX_SEED = 2**32 - 1


@dataclass
class StudyConfig:
    """A whole study. Exactly one of ``suite`` (built-in name) and ``tasks`` (task dicts, paths
    relative to ``base_dir``) is set. ``source`` and ``lines`` locate fields for errors."""

    name: str = option(
        "study",
        "study name (used in reports and as the default output folder; not part of any "
        "run's identity)",
        kind=str,
        nonempty=True,
        message="must be a non-empty string, got {value!r}",
    )
    suite: str | None = option(
        None,
        "built-in suite (zh_classical) or 'module:factory'",
        kind=str,
        nullable=True,
        message="suite must be a name such as zh_classical",
    )
    suite_tasks: list[str] | None = option(
        None, "only these tasks of the built-in suite (default: all)"
    )
    tasks: list[dict[str, Any]] | None = option(None, "task definitions")
    backend: BackendConfig = field(default_factory=BackendConfig)
    plan: PlanConfig = field(default_factory=PlanConfig)
    seeds: list[int] = option(
        default_factory=lambda: [0],
        help="seeds of every run",
        kind=list,
        nonempty=True,
        message="seeds must be a non-empty list of integers",
    )
    executor: ExecutorConfig = field(default_factory=ExecutorConfig)
    base_dir: Path = option(default_factory=Path.cwd, help="where task paths start")
    source: Path | None = field(default=None, repr=False, compare=False)
    lines: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if (self.suite is None) == (self.tasks is None):
            raise InputError("name exactly one of 'suite' (built-in) and 'tasks'", field="suite")
        check_fields(self)
        if self.suite_tasks is not None and (
            self.suite is None
            or not isinstance(self.suite_tasks, list)
            or not self.suite_tasks
            or not all(isinstance(t, str) for t in self.suite_tasks)
        ):
            raise InputError(
                "suite_tasks must be a non-empty list of task names of 'suite'",
                field="suite_tasks",
            )
        if self.tasks is not None:
            if not isinstance(self.tasks, list) or not self.tasks:
                raise InputError("tasks must be a non-empty list of task mappings", field="tasks")
            for i, t in enumerate(self.tasks):
                if not isinstance(t, dict):
                    raise InputError(
                        f"a task is a mapping (name, kind, data, ...), got {t!r}",
                        field=f"tasks[{i}]",
                    )
        for i, s in enumerate(self.seeds):
            if isinstance(s, bool) or not isinstance(s, int):
                raise InputError(f"seed {s!r} is not an integer", field=f"seeds[{i}]")
            if not 0 <= s <= MAX_SEED:
                raise InputError(
                    f"seed {s} is outside [0, {MAX_SEED}] (seeds are 32-bit unsigned integers)",
                    field=f"seeds[{i}]",
                )
        if len(set(self.seeds)) != len(self.seeds):
            raise InputError(f"seeds repeat: {self.seeds}", field="seeds")
        self.base_dir = Path(self.base_dir)

    def error(self, message: str, field: str) -> InputError:
        """An InputError for ``field`` located in this config's YAML file (when known)."""
        return InputError(message, file=self.source, line=line_of(self.lines, field), field=field)

    def load_suite(self):  # -> TaskSuite (import kept lazy: suites load data on import)
        """The configured tasks as a TaskSuite; errors name the YAML file, line and field
        (``tasks[1].metric``; ``suite`` or ``suite_tasks`` for a built-in or plug-in
        suite), or the data file, line and field for a problem inside one."""
        if self.suite is None:
            from taskaffinity.tasks import load_tasks

            return load_tasks(
                self.tasks, self.base_dir, name=self.name, source=self.source, lines=self.lines
            )
        from taskaffinity.suites import load_suite
        from taskaffinity.tasks import TaskSuite

        try:
            if ":" in self.suite:  # "package.module:factory"
                suite = import_object(self.suite)()
                if not isinstance(suite, TaskSuite):
                    raise InputError(
                        f"{self.suite!r} returned {type(suite).__name__}, not a TaskSuite"
                    )
            else:
                suite = load_suite(self.suite)
        except InputError as err:
            if err.file is not None:
                raise
            raise self.error(err.message, "suite") from err
        if self.suite_tasks is None:
            return suite
        try:
            return suite.subset(self.suite_tasks)
        except InputError as err:
            raise self.error(err.message, "suite_tasks") from err

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
            if self.suite_tasks is not None:
                out["suite_tasks"] = list(self.suite_tasks)
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
