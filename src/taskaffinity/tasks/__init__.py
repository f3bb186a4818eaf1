"""Tasks, task suites and their loaders."""

from taskaffinity.tasks._task import KINDS, Example, Task, TaskKind, TaskSuite

__all__ = ["KINDS", "Example", "Task", "TaskKind", "TaskSuite"]
