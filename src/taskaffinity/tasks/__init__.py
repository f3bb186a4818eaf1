"""Tasks, task suites and their loaders (JSONL, JSON, CSV/TSV, Parquet, local ``datasets``,
alpaca records, LLaMA-Factory ``dataset_info.json``)."""

from taskaffinity.tasks._alpaca import ALPACA_TEMPLATE, AlpacaColumns, alpaca_text
from taskaffinity.tasks._examples import DEFAULT_FIELDS
from taskaffinity.tasks._llamafactory import DATASET_INFO, DEFAULT_SPLIT, load_llamafactory
from taskaffinity.tasks._loader import DEFAULT_METRICS, load_suite_file, load_task, load_tasks
from taskaffinity.tasks._readers import FORMATS, Record, read_records
from taskaffinity.tasks._splits import subsample_splits
from taskaffinity.tasks._task import KINDS, Example, Task, TaskKind, TaskSuite

__all__ = [
    "ALPACA_TEMPLATE",
    "DATASET_INFO",
    "DEFAULT_FIELDS",
    "DEFAULT_METRICS",
    "DEFAULT_SPLIT",
    "FORMATS",
    "KINDS",
    "AlpacaColumns",
    "Example",
    "Record",
    "Task",
    "TaskKind",
    "TaskSuite",
    "alpaca_text",
    "load_llamafactory",
    "load_suite_file",
    "load_task",
    "load_tasks",
    "read_records",
    "subsample_splits",
]
