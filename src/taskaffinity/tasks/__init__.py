"""Tasks, task suites and their loaders (JSONL, CSV/TSV, Parquet, local ``datasets``)."""

from taskaffinity.tasks._examples import DEFAULT_FIELDS
from taskaffinity.tasks._loader import DEFAULT_METRICS, load_suite_file, load_task, load_tasks
from taskaffinity.tasks._readers import FORMATS, Record, read_records
from taskaffinity.tasks._task import KINDS, Example, Task, TaskKind, TaskSuite

__all__ = [
    "DEFAULT_FIELDS",
    "DEFAULT_METRICS",
    "FORMATS",
    "KINDS",
    "Example",
    "Record",
    "Task",
    "TaskKind",
    "TaskSuite",
    "load_suite_file",
    "load_task",
    "load_tasks",
    "read_records",
]
