"""What a study folder keeps of its tasks, so that it reads without the task data beside it.

``run_study`` writes ``tasks.json.gz`` into the study folder: for each task of the suite, its
definition (name, kind, category, main metric and its options, label set, instruction,
description), its trivial baseline (the main metric of predicting the train majority label
on test, :func:`taskaffinity.metrics.baseline`) and its test split. That is everything the
analysis, the report and the choice of a grouping read of a suite; training reads the train
and dev splits and so still needs the data.

A folder moved or copied elsewhere (a colleague's laptop, results fetched from a cluster)
loads its suite from this file when the config's data cannot be read there
(:class:`taskaffinity.study.StudyData`).
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from taskaffinity._atomic import write_atomic
from taskaffinity.errors import InputError
from taskaffinity.tasks import Example, Task, TaskSuite

__all__ = ["SNAPSHOT_NAME", "SuiteSnapshot", "read_snapshot", "write_snapshot"]

SNAPSHOT_NAME = "tasks.json.gz"
"""File name of the suite snapshot inside a study folder."""

_FORMAT = 1


@dataclass(frozen=True)
class SuiteSnapshot:
    """A suite read back from a study folder: ``suite`` holds each task with its test split
    only (train and dev empty; ``labels`` as stored), ``baselines`` maps task -> the
    baseline score stored when the study ran."""

    suite: TaskSuite
    baselines: dict[str, float]


def _example(ex: Example) -> list[Any]:
    return [ex.text, ex.label, list(ex.tokens), list(ex.tags)]


def _snapshot_dict(suite: TaskSuite) -> dict[str, Any]:
    from taskaffinity.metrics import baseline
    from taskaffinity.tasks._task import _plain

    return {
        "format": _FORMAT,
        "suite": suite.name,
        "tasks": [
            {
                "name": t.name,
                "kind": t.kind,
                "category": t.category,
                "metric": t.metric,
                "metric_options": _plain(t.metric_options),
                "labels": list(t.labels),
                "instruction": t.instruction,
                "description": t.description,
                "baseline": float(baseline(t)),
                "test": [_example(ex) for ex in t.test],
            }
            for t in suite.tasks
        ],
    }


def write_snapshot(suite: TaskSuite, out_dir: str | Path) -> Path:
    """Write ``out_dir/tasks.json.gz`` for ``suite`` (whole, then renamed into place, so a
    reader never sees half a file; an identical file is left as it is). Returns its path."""
    path = Path(out_dir) / SNAPSHOT_NAME
    data = json.dumps(_snapshot_dict(suite), ensure_ascii=False, sort_keys=True).encode()
    if path.is_file():
        try:
            if gzip.decompress(path.read_bytes()) == data:
                return path
        except (OSError, EOFError):
            pass  # damaged: written anew below
    return write_atomic(path, gzip.compress(data, mtime=0))


def read_snapshot(out_dir: str | Path) -> SuiteSnapshot | None:
    """The snapshot in ``out_dir``, or None when the folder has none (a study run before
    snapshots were written). Raises InputError naming the file and field for a damaged one."""
    path = Path(out_dir) / SNAPSHOT_NAME
    if not path.is_file():
        return None
    try:
        data = json.loads(gzip.decompress(path.read_bytes()))
    except (OSError, EOFError, ValueError) as err:
        raise InputError(f"not a readable task snapshot ({err})", file=path) from err
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        raise InputError(f"unknown snapshot format (this version reads {_FORMAT})", file=path)
    tasks, baselines = [], {}
    for i, t in enumerate(data.get("tasks", [])):
        try:
            test = tuple(
                Example(text=x[0], label=x[1], tokens=tuple(x[2]), tags=tuple(x[3]))
                for x in t["test"]
            )
            tasks.append(
                Task(
                    name=t["name"],
                    kind=t["kind"],
                    category=t["category"],
                    metric=t["metric"],
                    train=(),
                    dev=(),
                    test=test,
                    labels=tuple(t["labels"]),
                    instruction=t["instruction"],
                    description=t["description"],
                    metric_options=t["metric_options"],
                )
            )
            baselines[t["name"]] = float(t["baseline"])
        except (KeyError, IndexError, TypeError, ValueError) as err:
            raise InputError(
                f"damaged task entry ({err!r})", file=path, field=f"tasks[{i}]"
            ) from err
    return SuiteSnapshot(
        suite=TaskSuite(str(data.get("suite", "")), tuple(tasks)), baselines=baselines
    )
