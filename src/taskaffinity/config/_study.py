"""A whole study config (:class:`StudyConfig`): tasks, backend, plan, seeds and executor,
with the YAML line of every field for errors; plus :func:`import_object` for plug-ins.

The tasks come from a built-in (or plug-in) ``suite``, or from ``tasks`` (task dicts)
and/or ``tasks_from`` (LLaMA-Factory datasets, see :func:`taskaffinity.tasks.load_llamafactory`).
``max_examples: {train: N, dev: N, test: N}`` (any of the three) caps each task's splits
when the suite is loaded (:func:`taskaffinity.tasks.subsample_splits`: the N examples
with the smallest hash of the task's name, the split and the example, in their order;
the same N whatever the other tasks and their order). The cut data is what every run
reads, so a run's key (which holds its tasks' data fingerprint) differs from the key of
the same run on the whole data. ``task_overrides: {TASK: {metric: NAME, metric_options:
{...}}}`` changes a task's main metric and its metric options (e.g. a built-in task scored
by the ``judge``), checked like a task file's; the changed definition is part of the run
keys of that task.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from taskaffinity._fields import check_fields, option
from taskaffinity._yaml import line_of
from taskaffinity.config._sections import BackendConfig, ExecutorConfig, PlanConfig
from taskaffinity.errors import InputError, did_you_mean

__all__ = ["MAX_SEED", "StudyConfig", "import_object"]

_SPLITS = ("train", "dev", "test")

#: The largest seed: seeds are 32-bit unsigned integers, a range every common random
#: generator accepts (numpy's ``RandomState`` is the narrowest).
MAX_SEED = 2**32 - 1


@dataclass
class StudyConfig:
    """A whole study. Either ``suite`` (built-in name) is set, or ``tasks`` (task dicts,
    paths relative to ``base_dir``) and/or ``tasks_from`` (LLaMA-Factory datasets).
    ``source`` and ``lines`` locate fields for errors."""

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
    tasks_from: dict[str, Any] | None = option(
        None,
        "LLaMA-Factory datasets as tasks: {llamafactory: FOLDER or dataset_info.json, "
        "datasets: [names or {name, labels, metric, category, description}], "
        "split: {train, dev, test, seed}}",
    )
    max_examples: dict[str, int] | None = option(
        None,
        "at most this many examples of each task's splits: {train: N, dev: N, test: N} "
        "(any of them; a deterministic subsample, part of every run's identity)",
    )
    task_overrides: dict[str, dict[str, Any]] | None = option(
        None,
        "per task name: {metric: NAME, metric_options: {METRIC: {...}}}, replacing that "
        "task's main metric and metric options (any suite)",
    )
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
    budgets: list[int] | None = option(
        None,
        "numbers of networks the report recommends a grouping for (default: 1 .. tasks)",
    )
    base_dir: Path = option(default_factory=Path.cwd, help="where task paths start")
    source: Path | None = field(default=None, repr=False, compare=False)
    lines: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        own = not (self.tasks is None and self.tasks_from is None)
        if (self.suite is not None and own) or (
            self.suite is None and not own and not self.backend_tasks
        ):
            raise InputError(
                "name exactly one of 'suite' (built-in) and 'tasks' (and/or 'tasks_from')",
                field="suite",
            )
        check_fields(self)
        if self.suite_tasks is not None and (
            (self.suite is None and not self.backend_tasks)
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
        if self.tasks_from is not None and not isinstance(self.tasks_from, dict):
            raise InputError(
                "tasks_from is a mapping {llamafactory: FOLDER or dataset_info.json, "
                f"datasets: [...]}}, got {self.tasks_from!r}",
                field="tasks_from",
            )
        if self.max_examples is not None:
            _check_max_examples(self.max_examples)
        if self.task_overrides is not None:
            _check_overrides_shape(self.task_overrides)
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
        if self.budgets is not None:
            _check_budgets(self.budgets)
        self.base_dir = Path(self.base_dir)

    @property
    def backend_tasks(self) -> bool:
        """Whether the backend supplies the tasks: a config with no ``suite`` nor ``tasks``
        whose backend has a ``task_suite()`` (the ``replay`` backend: the table's columns)."""
        if self.suite is not None or self.tasks is not None or self.tasks_from is not None:
            return False
        from taskaffinity.backends import BACKENDS

        name = self.backend.name
        return name in BACKENDS and hasattr(BACKENDS.lookup(name), "task_suite")

    def error(self, message: str, field: str) -> InputError:
        """An InputError for ``field`` located in this config's YAML file (when known)."""
        return InputError(message, file=self.source, line=line_of(self.lines, field), field=field)

    def load_suite(self):  # -> TaskSuite (import kept lazy: suites load data on import)
        """The configured tasks as a TaskSuite, each task's splits cut to ``max_examples``;
        errors name the YAML file, line and field (``tasks[1].metric``; ``suite`` or
        ``suite_tasks`` for a built-in or plug-in suite; ``tasks_from.datasets[0]``), or the
        data file, line and field for a problem inside one."""
        suite = self._full_suite()
        if self.task_overrides:
            suite = self._overridden(suite)
        if not self.max_examples:
            return suite
        from taskaffinity.tasks import TaskSuite, subsample_splits

        tasks = tuple(subsample_splits(t, self.max_examples) for t in suite.tasks)
        return TaskSuite(suite.name, tasks)

    def _overridden(self, suite):  # -> TaskSuite with ``task_overrides`` applied
        import dataclasses

        from taskaffinity.metrics import check_metric, check_metric_options
        from taskaffinity.tasks import TaskSuite

        assert self.task_overrides is not None
        tasks = {t.name: t for t in suite.tasks}
        for name, change in self.task_overrides.items():
            where = f"task_overrides.{name}"
            if name not in tasks:
                raise self.error(
                    f"unknown task {name!r}{did_you_mean(name, tasks)}; the suite has "
                    f"{list(tasks)}",
                    where,
                )
            task = tasks[name]
            metric = change.get("metric", task.metric)
            options = change.get("metric_options", task.metric_options)
            try:
                check_metric(metric, task.kind, name)
                options = check_metric_options(options, task.kind, metric, name)
            except InputError as err:
                sub = err.field if err.field and err.field != "metric" else "metric"
                raise self.error(str(err.args[0]), f"{where}.{sub}") from None
            tasks[name] = dataclasses.replace(task, metric=metric, metric_options=options)
        return TaskSuite(suite.name, tuple(tasks[t.name] for t in suite.tasks))

    def _own_tasks(self):  # -> TaskSuite of ``tasks`` and ``tasks_from``
        from taskaffinity.tasks import TaskSuite, load_llamafactory, load_tasks

        where = {"source": self.source, "lines": self.lines}
        tasks = []
        if self.tasks is not None:
            tasks = list(load_tasks(self.tasks, self.base_dir, name=self.name, **where).tasks)
        if self.tasks_from is not None:
            names = {t.name for t in tasks}
            for task in load_llamafactory(self.tasks_from, self.base_dir, **where):
                if task.name in names:
                    raise self.error(
                        f"dataset {task.name!r} has the name of a task of 'tasks'; task "
                        "names must be unique",
                        "tasks_from.datasets",
                    )
                tasks.append(task)
        return TaskSuite(self.name, tuple(tasks))

    def _full_suite(self):  # -> TaskSuite, before max_examples
        if self.backend_tasks:
            return self._backend_suite()
        if self.suite is None:
            return self._own_tasks()
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

    def backend_params(self) -> dict[str, Any]:
        """The backend's options as given, plus ``base_dir`` (this config's folder, where
        its relative paths start) for a backend that reads files of its own (one that
        supplies the tasks)."""
        params = dict(self.backend.params)
        if self.backend_tasks:
            params.setdefault("base_dir", str(self.base_dir))
        return params

    def _backend_suite(self):  # -> TaskSuite of the backend's own tasks
        from taskaffinity.backends import get_backend

        try:
            suite = get_backend(self.backend.name, self.backend_params()).task_suite()
        except InputError as err:
            if err.file is not None:
                raise
            where = f"backend.{err.field}" if err.field else "backend"
            raise self.error(err.message, where) from None
        if self.suite_tasks is not None:
            try:
                return suite.subset(self.suite_tasks)
            except InputError as err:
                raise self.error(err.message, "suite_tasks") from err
        return suite

    def check_plan(self, names: tuple[str, ...]) -> None:
        """Raise InputError (file, line, field) for a task in ``plan.groups`` not in ``names``."""
        for i, group in enumerate(self.plan.groups):
            for j, task in enumerate(group):
                if task not in names:
                    raise self.error(
                        f"unknown task {task!r}{did_you_mean(task, names)}; known: {list(names)}",
                        f"plan.groups[{i}][{j}]",
                    )

    def to_dict(self) -> dict[str, Any]:
        """Plain YAML-able form; ``base_dir`` is written absolute so a copy still resolves."""
        out: dict[str, Any] = {"name": self.name}
        if self.suite is not None:
            out["suite"] = self.suite
            if self.suite_tasks is not None:
                out["suite_tasks"] = list(self.suite_tasks)
        else:
            if self.tasks is not None:
                out["tasks"] = self.tasks
            if self.tasks_from is not None:
                out["tasks_from"] = self.tasks_from
            out["base_dir"] = str(self.base_dir.resolve())
            if self.suite_tasks is not None:  # the backend's tasks (replay)
                out["suite_tasks"] = list(self.suite_tasks)
        if self.max_examples is not None:
            out["max_examples"] = dict(self.max_examples)
        if self.task_overrides is not None:
            out["task_overrides"] = self.task_overrides
        out["backend"] = {"name": self.backend.name, **self.backend.params}
        out["plan"] = asdict(self.plan)
        out["seeds"] = list(self.seeds)
        out["executor"] = {k: v for k, v in asdict(self.executor).items() if v is not None}
        if self.budgets is not None:
            out["budgets"] = list(self.budgets)
        return out


def _check_overrides_shape(overrides: Any) -> None:
    """InputError (field ``task_overrides[.<task>[.<key>]]``) unless ``overrides`` maps task
    names to mappings of ``metric`` and/or ``metric_options``."""
    if not isinstance(overrides, dict) or not overrides:
        raise InputError(
            "task_overrides maps task names to {metric: NAME, metric_options: {...}}, got "
            f"{overrides!r}",
            field="task_overrides",
        )
    for name, change in overrides.items():
        where = f"task_overrides.{name}"
        if not isinstance(change, dict) or not change:
            raise InputError(
                f"a task override is a mapping {{metric, metric_options}}, got {change!r}",
                field=where,
            )
        for key in change:
            if key not in ("metric", "metric_options"):
                raise InputError(
                    f"unknown key {key!r}; a task override takes metric and metric_options",
                    field=f"{where}.{key}",
                )


def _check_budgets(budgets: Any) -> None:
    """InputError (field ``budgets`` or ``budgets[i]``) unless ``budgets`` is a non-empty
    list of distinct positive integers (numbers of networks)."""
    if not isinstance(budgets, list) or not budgets:
        raise InputError(
            f"budgets is a list of numbers of networks, e.g. [1, 2, 3], got {budgets!r}",
            field="budgets",
        )
    for i, b in enumerate(budgets):
        if isinstance(b, bool) or not isinstance(b, int) or b < 1:
            raise InputError(
                f"a budget is a positive number of networks, got {b!r}", field=f"budgets[{i}]"
            )
    if len(set(budgets)) != len(budgets):
        raise InputError(f"budgets repeat: {budgets}", field="budgets")


def _check_max_examples(limits: Any) -> None:
    """InputError (field ``max_examples`` or ``max_examples.<split>``) unless ``limits``
    maps one or more of train, dev, test to a positive integer."""
    if not isinstance(limits, dict) or not limits:
        raise InputError(
            "max_examples caps the examples of each task's splits: a mapping such as "
            f"{{train: 1000, dev: 200, test: 500}} (any of the three), got {limits!r}",
            field="max_examples",
        )
    for split, n in limits.items():
        if split not in _SPLITS:
            raise InputError(
                f"unknown split {split!r}; max_examples takes train, dev and test",
                field=f"max_examples.{split}",
            )
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise InputError(
                f"must be a positive integer (examples kept), got {n!r}",
                field=f"max_examples.{split}",
            )


def import_object(ref: str) -> Any:
    """The object named ``"package.module:attribute"`` (plug-in suites and backends)."""
    import importlib

    module, _, attr = ref.partition(":")
    try:
        return getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as err:
        raise InputError(f"cannot import {ref!r}: {err}") from err
