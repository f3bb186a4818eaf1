"""Load tasks from the YAML/dict task format of a study config or a suite file.

A task dict::

    name: poet
    kind: classification          # classification | tagging | generation
    category: knowledge           # free text (default "default")
    metric: macro_f1              # default: accuracy / tag_f1 / bleu4 by kind
    metric_options: {judge: {model: gemma3-270m}}   # optional: metric -> its options
    data: {train: a.jsonl, dev: b.csv, test: c.parquet}        # one file per split, or
    data: {path: all.jsonl, split: {train: 0.8, dev: 0.1, test: 0.1, seed: 0}}, or
    data: {path: hf_folder}       # a saved DatasetDict with train, dev|validation, test
    fields: {text: text, label: label}    # or {tokens: chars, tags: tags}
    instruction: "...{text}..."   # optional, for instruction-tuning backends
    description: "..."            # optional

Relative paths are resolved against ``base_dir``. Every problem raises
:class:`~taskaffinity.errors.InputError`: a problem of the definition names the YAML file
(``source``), the line of the field (from ``lines``, see :func:`taskaffinity._yaml.load_yaml`)
and the field (``tasks[1].metric``); a problem inside a data file names that file, the line
and the field of the record.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from taskaffinity._yaml import line_of, load_yaml
from taskaffinity.errors import InputError, did_you_mean
from taskaffinity.metrics import check_metric, check_metric_options
from taskaffinity.tasks._examples import DEFAULT_FIELDS
from taskaffinity.tasks._splits import SPLITS, check_splits, read_splits
from taskaffinity.tasks._task import KINDS, Task, TaskSuite

__all__ = ["DEFAULT_METRICS", "load_suite_file", "load_task", "load_tasks"]

DEFAULT_METRICS = {"classification": "accuracy", "tagging": "tag_f1", "generation": "bleu4"}
_KEYS = {
    "name",
    "kind",
    "category",
    "metric",
    "metric_options",
    "data",
    "fields",
    "instruction",
    "description",
}
_TEXT_KEYS = ("category", "metric", "instruction", "description")


def _task(spec: Any, base: Path) -> Task:
    """One Task; errors of the definition carry no file and a field relative to the task
    (``""`` for the task itself)."""
    if not isinstance(spec, dict):
        raise InputError(f"a task is a mapping (name, kind, data, ...), got {spec!r}", field="")
    name = spec.get("name")
    if not isinstance(name, str) or not name:
        raise InputError(
            f"every task needs a name (a non-empty string), got {name!r}", field="name"
        )
    unknown = sorted(set(spec) - _KEYS, key=str)
    if unknown:
        raise InputError(
            f"task {name!r}: unknown key {unknown[0]!r}{did_you_mean(unknown[0], _KEYS)}; "
            f"allowed {sorted(_KEYS)}",
            field=str(unknown[0]),
        )
    kind = spec.get("kind", "classification")
    if kind not in KINDS:
        raise InputError(f"task {name!r}: kind {kind!r} is not one of {KINDS}", field="kind")
    for key in _TEXT_KEYS:
        if key in spec and not isinstance(spec[key], str):
            raise InputError(f"task {name!r}: must be a string, got {spec[key]!r}", field=key)
    metric = spec.get("metric", DEFAULT_METRICS[kind])
    check_metric(metric, kind, name)
    metric_options = check_metric_options(spec.get("metric_options"), kind, metric, name)
    fields = dict(DEFAULT_FIELDS[kind])
    given = spec.get("fields") or {}
    if not isinstance(given, dict) or set(given) - set(fields):
        raise InputError(
            f"task {name!r}: fields must map {sorted(fields)} to column names, got {given!r}",
            field="fields",
        )
    for role, column in given.items():
        if not isinstance(column, str) or not column:
            raise InputError(
                f"task {name!r}: a column name is a non-empty string, got {column!r}",
                field=f"fields.{role}",
            )
    fields.update(given)
    if "data" not in spec:
        raise InputError(f"task {name!r} has no data", field="data")
    splits = read_splits(spec["data"], base, kind, fields)
    check_splits(name, kind, splits, fields)
    return Task(
        name=name,
        kind=kind,
        category=spec.get("category", "default"),
        metric=metric,
        instruction=spec.get("instruction", ""),
        description=spec.get("description", ""),
        metric_options=metric_options,
        **{s: tuple(ex for _, ex in splits[s]) for s in SPLITS},
    )


def _located(err: InputError, source: Any, lines: dict[str, int], prefix: str) -> InputError:
    """``err`` of a definition (no file) located at ``prefix + err.field`` in ``source``."""
    field = f"{prefix}.{err.field}" if prefix and err.field else (prefix or err.field or None)
    line = line_of(lines, field) if field else None
    return InputError(err.message, file=source, line=line, field=field)


def load_task(
    spec: dict,
    base_dir: str | Path,
    *,
    source: str | Path | None = None,
    lines: dict[str, int] | None = None,
    prefix: str = "",
) -> Task:
    """One Task from a task dict. An error of the definition names ``source`` (the file
    the dict comes from), the line of the field in ``lines`` and the field (after
    ``prefix``, e.g. ``tasks[1]``); an error in a data file names that file."""
    try:
        return _task(spec, Path(base_dir))
    except InputError as err:
        if err.file is not None:
            raise
        raise _located(err, source, lines or {}, prefix) from None


def load_tasks(
    specs: list[dict],
    base_dir: str | Path,
    name: str = "custom",
    *,
    source: str | Path | None = None,
    lines: dict[str, int] | None = None,
) -> TaskSuite:
    """A TaskSuite of ``specs`` (a config's or suite file's ``tasks`` list) in order;
    errors name ``source``, the line from ``lines`` and the field ``tasks[i].<key>``."""
    lines = lines or {}
    if not isinstance(specs, list) or not specs:
        raise InputError(
            "expected a non-empty list of tasks",
            file=source,
            line=line_of(lines, "tasks"),
            field="tasks",
        )
    names = [s.get("name") if isinstance(s, dict) else None for s in specs]
    for i, n in enumerate(names):
        if isinstance(n, str) and n in names[:i]:
            raise InputError(
                f"duplicate task name {n!r} (tasks #{names.index(n) + 1} and #{i + 1})",
                file=source,
                line=line_of(lines, f"tasks[{i}].name"),
                field=f"tasks[{i}].name",
            )
    tasks = tuple(
        load_task(s, base_dir, source=source, lines=lines, prefix=f"tasks[{i}]")
        for i, s in enumerate(specs)
    )
    return TaskSuite(name, tasks)


def load_suite_file(path: str | Path) -> TaskSuite:
    """A suite YAML file: ``name`` and ``tasks`` (task dicts, paths relative to the file)."""
    path = Path(path)
    if not path.is_file():
        raise InputError("suite file not found", file=path)
    doc, lines = load_yaml(path)
    if not isinstance(doc, dict) or "tasks" not in doc:
        raise InputError("expected a mapping with 'tasks'", file=path, field="tasks")
    name = doc.get("name", path.stem)
    if not isinstance(name, str) or not name:
        raise InputError(
            "must be a non-empty string", file=path, line=line_of(lines, "name"), field="name"
        )
    return load_tasks(doc["tasks"], path.parent, name, source=path, lines=lines)
