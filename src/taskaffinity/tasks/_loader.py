"""Load tasks from the YAML/dict task format of a study config or a suite file.

A task dict::

    name: poet
    kind: classification          # classification | tagging | generation
    category: knowledge           # free text (default "default")
    metric: macro_f1              # default: accuracy / tag_f1 / bleu by kind
    data: {train: a.jsonl, dev: b.csv, test: c.parquet}        # one file per split, or
    data: {path: all.jsonl, split: {train: 0.8, dev: 0.1, test: 0.1, seed: 0}}, or
    data: {path: hf_folder}       # a saved DatasetDict with train, dev|validation, test
    fields: {text: text, label: label}    # or {tokens: chars, tags: tags}
    instruction: "...{text}..."   # optional, for instruction-tuning backends
    description: "..."            # optional

Relative paths are resolved against ``base_dir``. Every problem raises
:class:`~taskaffinity.errors.InputError` naming the file, line and field.
"""

from __future__ import annotations

from pathlib import Path

from taskaffinity.errors import InputError
from taskaffinity.tasks._examples import DEFAULT_FIELDS
from taskaffinity.tasks._splits import SPLITS, check_splits, read_splits
from taskaffinity.tasks._task import KINDS, Task, TaskSuite

__all__ = ["DEFAULT_METRICS", "load_suite_file", "load_task", "load_tasks"]

DEFAULT_METRICS = {"classification": "accuracy", "tagging": "tag_f1", "generation": "bleu"}
_KEYS = {"name", "kind", "category", "metric", "data", "fields", "instruction", "description"}


def load_task(spec: dict, base_dir: str | Path, *, source: str = "config") -> Task:
    """One Task from a task dict; ``source`` names the config file in error messages."""
    where = {"file": source}
    if not isinstance(spec, dict):
        raise InputError(f"a task must be a mapping, got {spec!r}", **where, field="tasks")
    name = spec.get("name")
    if not isinstance(name, str) or not name:
        raise InputError("every task needs a name", **where, field="name")
    unknown = set(spec) - _KEYS
    if unknown:
        raise InputError(
            f"task {name!r}: unknown keys {sorted(unknown)}; allowed {sorted(_KEYS)}",
            **where,
            field=sorted(unknown)[0],
        )
    kind = spec.get("kind", "classification")
    if kind not in KINDS:
        raise InputError(
            f"task {name!r}: kind {kind!r} is not one of {KINDS}", **where, field="kind"
        )
    fields = dict(DEFAULT_FIELDS[kind])
    given = spec.get("fields") or {}
    if not isinstance(given, dict) or set(given) - set(fields):
        raise InputError(
            f"task {name!r}: fields must map {sorted(fields)} to column names, got {given!r}",
            **where,
            field="fields",
        )
    fields.update({k: str(v) for k, v in given.items()})
    if "data" not in spec:
        raise InputError(f"task {name!r} has no data", **where, field="data")
    splits = read_splits(spec["data"], Path(base_dir), kind, fields, where)
    check_splits(name, kind, splits, fields, where)
    return Task(
        name=name,
        kind=kind,
        category=str(spec.get("category", "default")),
        metric=str(spec.get("metric", DEFAULT_METRICS[kind])),
        instruction=str(spec.get("instruction", "")),
        description=str(spec.get("description", "")),
        **{s: tuple(ex for _, ex in splits[s]) for s in SPLITS},
    )


def load_tasks(
    specs: list[dict], base_dir: str | Path, name: str = "custom", *, source: str = "config"
) -> TaskSuite:
    """A TaskSuite of ``specs`` in order; duplicate names are an InputError."""
    if not isinstance(specs, list) or not specs:
        raise InputError("expected a non-empty list of tasks", file=source, field="tasks")
    names = [s.get("name") if isinstance(s, dict) else None for s in specs]
    for i, n in enumerate(names):
        if n is not None and n in names[:i]:
            raise InputError(
                f"duplicate task name {n!r} (tasks #{names.index(n) + 1} and #{i + 1})",
                file=source,
                field="name",
            )
    return TaskSuite(name, tuple(load_task(s, base_dir, source=source) for s in specs))


def load_suite_file(path: str | Path) -> TaskSuite:
    """A suite YAML file: ``name`` and ``tasks`` (task dicts, paths relative to the file)."""
    import yaml

    path = Path(path)
    if not path.is_file():
        raise InputError("suite file not found", file=path)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        line = getattr(getattr(err, "problem_mark", None), "line", None)
        raise InputError(
            f"malformed YAML: {err}", file=path, line=None if line is None else line + 1
        ) from None
    if not isinstance(doc, dict) or "tasks" not in doc:
        raise InputError("expected a mapping with 'tasks'", file=path, field="tasks")
    return load_tasks(doc["tasks"], path.parent, str(doc.get("name", path.stem)), source=str(path))
