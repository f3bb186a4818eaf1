"""LLaMA-Factory datasets as tasks: one task per alpaca dataset of a ``dataset_info.json``.

A study config names the folder that holds ``dataset_info.json`` (LLaMA-Factory's
``dataset_dir``) or the file itself, and optionally which datasets to take::

    tasks_from:
      llamafactory: data/              # or data/dataset_info.json
      datasets:                        # default: every local alpaca SFT dataset
        - poem_explain                 # a name alone: a generation task
        - {name: dynasty, labels: [唐, 宋], metric: macro_f1, category: knowledge}
      split: {train: 0.8, dev: 0.1, test: 0.1, seed: 0}     # the default

``dataset_info.json`` follows LLaMA-Factory (``data/README.md`` there): each dataset
name maps to ``{"file_name": ..., "formatting": "alpaca", "columns": {"prompt":
"instruction", "query": "input", "response": "output", "system": ..., "history": ...}}``.
As in LLaMA-Factory, without ``columns`` the roles read ``instruction``, ``input`` and
``output`` (no system prompt, no history); with ``columns``, a role it leaves out is not
read. ``file_name`` is a file (``.json`` array or JSON lines, ``.jsonl``, ``.csv``,
``.parquet``) or a folder of such files, relative to the folder of
``dataset_info.json``. ``num_samples`` keeps that many records (the ones with the
smallest hash of the dataset's name and the record's text; LLaMA-Factory draws them at
random). Refused with a message saying why: ``formatting`` other than ``alpaca``
(sharegpt, openai), preference data (``ranking``, ``chosen``/``rejected``, ``kto_tag``),
tools or media columns, hub or script sources, and a dataset without a ``response``
column (a pre-training corpus); with ``datasets`` left out, such entries are skipped.

Each record becomes an example as in :mod:`taskaffinity.tasks._alpaca` (system prompt,
history, instruction and input -> ``text``; output -> ``label``) and the task's
instruction template is ``{text}``. A dataset is one file, so it is split into
train/dev/test by :func:`~taskaffinity.tasks._splits.hash_split` (a hash of each input:
stable when records are added; a repeated input is kept once, its first record, so that
no input is in two splits). Kind ``generation``, or ``classification`` when ``labels``
are given (every output must then be one of them); the metric is ``metric`` or the
default of the kind (:data:`~taskaffinity.tasks.DEFAULT_METRICS`).

Errors name the file, line and field: the study config for a problem of ``tasks_from``
(``tasks_from.datasets[1].labels``), ``dataset_info.json`` and the line of the dataset's
entry for a problem of a definition (``poet.file_name``), the data file and the record's
line for a problem of a record (``output``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from taskaffinity._yaml import line_of
from taskaffinity.errors import InputError
from taskaffinity.metrics import check_metric
from taskaffinity.tasks._alpaca import ALPACA_TEMPLATE, AlpacaColumns, alpaca_example
from taskaffinity.tasks._loader import DEFAULT_METRICS
from taskaffinity.tasks._readers import json_members, read_records
from taskaffinity.tasks._splits import SPLITS, Pairs, check_splits, hash_split, split_ratios
from taskaffinity.tasks._task import Task

__all__ = ["DATASET_INFO", "DEFAULT_SPLIT", "load_llamafactory"]

#: The file that lists LLaMA-Factory's datasets in its data folder.
DATASET_INFO = "dataset_info.json"
#: How a dataset is split when ``tasks_from.split`` is not given.
DEFAULT_SPLIT = {"train": 0.8, "dev": 0.1, "test": 0.1, "seed": 0}

_SOURCE_KEYS = ("llamafactory", "datasets", "split")
_DATASET_KEYS = ("name", "labels", "metric", "category", "description")
_REMOTE = ("hf_hub_url", "ms_hub_url", "om_hub_url", "script_url", "cloud_file_name")
_NOT_READ = {
    "tools": "tool descriptions",
    "images": "images",
    "videos": "videos",
    "audios": "audio",
    "chosen": "preference pairs",
    "rejected": "preference pairs",
    "kto_tag": "KTO labels",
}
#: LLaMA-Factory's alpaca columns when ``columns`` is not given.
_DEFAULT_COLUMNS = AlpacaColumns(system=None, history=None)
_NO_COLUMNS = AlpacaColumns(None, None, None, None, None)


@dataclass(frozen=True)
class _Wanted:
    """One dataset the config asks for, with its options and the config field naming it."""

    name: str
    field: str
    labels: tuple[str, ...] = ()
    metric: str | None = None
    category: str = "default"
    description: str = ""

    @property
    def kind(self) -> str:
        return "classification" if self.labels else "generation"


@dataclass(frozen=True)
class _Entry:
    """One dataset of ``dataset_info.json``: where it is and how its records read."""

    name: str
    info: Path
    line: int
    path: Path
    columns: AlpacaColumns
    num_samples: int | None

    def error(self, message: str, key: str | None = None) -> InputError:
        field = f"{self.name}.{key}" if key else self.name
        return InputError(message, file=self.info, line=self.line, field=field)


def _info_path(value: Any, base: Path, field: str) -> Path:
    """The ``dataset_info.json`` of ``value``: that file, or the one inside that folder."""
    if not isinstance(value, str | Path) or not str(value):
        raise InputError(
            f"name LLaMA-Factory's data folder or its {DATASET_INFO}, got {value!r}", field=field
        )
    path = base / value
    if path.is_dir():
        if not (path / DATASET_INFO).is_file():
            raise InputError(f"no {DATASET_INFO} in the folder {path}", field=field)
        return path / DATASET_INFO
    if not path.is_file():
        raise InputError(f"not found: {path}", field=field)
    return path


def _read_info(path: Path) -> dict[str, tuple[int, dict[str, Any]]]:
    """``{dataset name: (line, definition)}`` of a ``dataset_info.json``."""
    container, members = json_members(path)
    if container != "object":
        raise InputError(
            f"{DATASET_INFO} maps dataset names to their definitions: expected a JSON "
            "object, found an array",
            file=path,
            line=members[0][0] if members else 1,
        )
    out: dict[str, tuple[int, dict[str, Any]]] = {}
    for line, name, entry in members:
        if not isinstance(entry, dict):
            raise InputError(
                f"a dataset definition is a JSON object, got {type(entry).__name__}",
                file=path,
                line=line,
                field=str(name),
            )
        out[str(name)] = (line, entry)
    return out


def _columns(name: str, entry: dict[str, Any], info: Path, line: int) -> AlpacaColumns:
    """The alpaca columns of a definition (LLaMA-Factory's rule: without ``columns`` the
    defaults, with it only the roles it names); InputError for a malformed mapping."""
    if "columns" not in entry:
        return _DEFAULT_COLUMNS
    given = entry["columns"]
    if isinstance(given, dict):
        given = {k: v for k, v in given.items() if k != "messages" and k not in _NOT_READ}
    try:
        return AlpacaColumns.from_mapping(given, defaults=_NO_COLUMNS, field=f"{name}.columns")
    except InputError as err:
        raise InputError(err.message, file=info, line=line, field=err.field) from None


def _refusal(name: str, entry: dict[str, Any], columns: AlpacaColumns) -> tuple[str, str] | None:
    """``(reason, key)`` why the definition is no alpaca SFT dataset on local files, or
    None when it is one."""
    for key in _REMOTE:
        if key in entry:
            return (
                f"dataset {name!r} loads from {key} ({entry[key]!r}); only datasets in local "
                "files (file_name) become tasks",
                key,
            )
    fmt = entry.get("formatting", "alpaca")
    if fmt != "alpaca":
        return (
            f"dataset {name!r} has formatting {fmt!r}: only alpaca datasets (instruction, "
            "input, output, optional system and history) become tasks; sharegpt and openai "
            "conversations are not read (write them as alpaca records with a history)",
            "formatting",
        )
    if entry.get("ranking", False):
        return (
            f"dataset {name!r} is a preference dataset (ranking: true); a task needs one "
            "output per record",
            "ranking",
        )
    cols = entry.get("columns") if isinstance(entry.get("columns"), dict) else {}
    for key, what in _NOT_READ.items():
        if cols.get(key) is not None:
            return (
                f"dataset {name!r} has {what} (columns.{key}); they are not read",
                f"columns.{key}",
            )
    if "file_name" not in entry:
        return f"dataset {name!r} has no file_name", "file_name"
    if columns.response is None:
        return (
            f"dataset {name!r} has no response column (a pre-training corpus?): a task needs "
            "an output per record",
            "columns.response",
        )
    split = entry.get("split", "train")
    if split != "train":
        return f"split {split!r}: a local file holds the split 'train' only", "split"
    return None


def _entry(name: str, info: Path, line: int, spec: dict[str, Any]) -> _Entry:
    """A usable dataset definition; InputError (``dataset_info.json``, line, field)."""
    columns = _columns(name, spec, info, line)
    refusal = _refusal(name, spec, columns)
    if refusal is not None:
        raise InputError(refusal[0], file=info, line=line, field=f"{name}.{refusal[1]}")
    file_name = spec["file_name"]
    if not isinstance(file_name, str) or not file_name:
        raise InputError(
            f"must be a file name, got {file_name!r}",
            file=info,
            line=line,
            field=f"{name}.file_name",
        )
    n = spec.get("num_samples")
    if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 1):
        raise InputError(
            f"must be an integer >= 1, got {n!r}", file=info, line=line, field=f"{name}.num_samples"
        )
    return _Entry(name, info, line, info.parent / file_name, columns, n)


def _usable(name: str, info: Path, line: int, spec: dict[str, Any]) -> bool:
    columns = _columns(name, spec, info, line)
    return _refusal(name, spec, columns) is None


def _labels(value: Any, field: str) -> tuple[str, ...]:
    ok = isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
    if not ok or len(set(value)) < 2:
        raise InputError(
            f"labels are a list of two or more distinct non-empty strings, got {value!r}",
            field=field,
        )
    if len(set(value)) != len(value):
        raise InputError(f"labels repeat: {value}", field=field)
    return tuple(value)


def _refuse_unknown_keys(mapping: dict, allowed: Sequence[str], field: str) -> None:
    """InputError on the first key of ``mapping`` not in ``allowed`` (field ``field.key``)."""
    unknown = sorted(set(mapping) - set(allowed), key=str)
    if unknown:
        raise InputError(
            f"unknown key {unknown[0]!r}; expected {list(allowed)}",
            field=f"{field}.{unknown[0]}",
        )


def _wanted_one(item: Any, field: str) -> _Wanted:
    if isinstance(item, str) and item:
        return _Wanted(item, field)
    if not isinstance(item, dict):
        raise InputError(
            f"a dataset is a name or a mapping {{name, labels, metric, category, "
            f"description}}, got {item!r}",
            field=field,
        )
    _refuse_unknown_keys(item, _DATASET_KEYS, field)
    name = item.get("name")
    if not isinstance(name, str) or not name:
        raise InputError(
            f"a dataset name is a non-empty string, got {name!r}", field=f"{field}.name"
        )
    for key in ("metric", "category", "description"):
        if key in item and not isinstance(item[key], str):
            raise InputError(f"must be a string, got {item[key]!r}", field=f"{field}.{key}")
    labels = _labels(item["labels"], f"{field}.labels") if "labels" in item else ()
    wanted = _Wanted(
        name,
        field,
        labels,
        item.get("metric"),
        item.get("category", "default"),
        item.get("description", ""),
    )
    try:
        check_metric(wanted.metric or DEFAULT_METRICS[wanted.kind], wanted.kind, name)
    except InputError as err:
        raise InputError(err.message, field=f"{field}.metric") from None
    return wanted


def _wanted(
    datasets: Any,
    info: dict[str, tuple[int, dict[str, Any]]],
    path: Path,
    field: str,
    source_field: str,
) -> list[_Wanted]:
    """The datasets the config asks for in ``field`` (every usable one when ``datasets``
    is None, then named by ``source_field``)."""
    if datasets is None:
        names = [n for n, (line, spec) in info.items() if _usable(n, path, line, spec)]
        if not names:
            raise InputError(
                f"no dataset of {path} is an alpaca dataset in local files "
                f"(it lists {sorted(info)[:12]})",
                field=source_field,
            )
        return [_Wanted(n, source_field) for n in names]
    if not isinstance(datasets, list) or not datasets:
        raise InputError(
            f"must be a non-empty list of dataset names (or left out for all), got {datasets!r}",
            field=field,
        )
    out: list[_Wanted] = []
    for i, item in enumerate(datasets):
        wanted = _wanted_one(item, f"{field}[{i}]")
        if any(w.name == wanted.name for w in out):
            raise InputError(f"dataset {wanted.name!r} is named twice", field=f"{field}[{i}]")
        if wanted.name not in info:
            raise InputError(
                f"dataset {wanted.name!r} is not in {path} (it has {sorted(info)[:12]})",
                field=wanted.field,
            )
        out.append(wanted)
    return out


def _records(entry: _Entry) -> list:
    """The records of a dataset's file, or of every file in its folder (sorted by name,
    one file type)."""
    if not entry.path.exists():
        raise entry.error(f"file not found: {entry.path}", "file_name")
    if not entry.path.is_dir():
        return read_records(entry.path)
    files = sorted(p for p in entry.path.iterdir() if p.is_file() and not p.name.startswith("."))
    if not files:
        raise entry.error(f"the folder {entry.path} holds no file", "file_name")
    if len({p.suffix.lower() for p in files}) > 1:
        raise entry.error(
            f"the folder {entry.path} mixes file types {sorted({p.suffix for p in files})}; "
            "LLaMA-Factory reads one type per dataset",
            "file_name",
        )
    return [rec for p in files for rec in read_records(p)]


def _pairs(entry: _Entry, wanted: _Wanted) -> Pairs:
    """(record, example) pairs of a dataset, outputs checked against ``wanted.labels``."""
    pairs = [alpaca_example(r, entry.columns, wanted.kind) for r in _records(entry)]
    if wanted.labels:
        for rec, ex in pairs:
            if ex.label not in wanted.labels:
                raise InputError(
                    f"output {ex.label!r} is not one of the labels of {wanted.name!r} "
                    f"given in {wanted.field}.labels: {list(wanted.labels)}"[:300],
                    file=rec.file,
                    line=rec.line,
                    field=entry.columns.response,
                )
    if entry.num_samples is not None:
        if entry.num_samples > len(pairs):
            raise entry.error(
                f"{entry.num_samples} samples of {len(pairs)} records: LLaMA-Factory would "
                "repeat records to reach it, a task does not",
                "num_samples",
            )
        order = sorted(
            range(len(pairs)), key=lambda i: (_sample_key(entry.name, pairs[i][1].text), i)
        )
        keep = sorted(order[: entry.num_samples])
        pairs = [pairs[i] for i in keep]
    return pairs


def _sample_key(name: str, text: str) -> str:
    return hashlib.sha256(json.dumps([name, text], ensure_ascii=False).encode()).hexdigest()


def _task(wanted: _Wanted, entry: _Entry, ratios: dict[str, float], seed: int) -> Task:
    splits = hash_split(_pairs(entry, wanted), ratios, seed)
    fields = {
        "text": entry.columns.prompt or entry.columns.query or "",
        "label": entry.columns.response or "",
    }
    try:
        check_splits(wanted.name, wanted.kind, splits, fields)
    except InputError as err:
        if err.file is not None:
            raise
        raise entry.error(err.message) from None
    return Task(
        name=wanted.name,
        kind=wanted.kind,  # type: ignore[arg-type]
        category=wanted.category,
        metric=wanted.metric or DEFAULT_METRICS[wanted.kind],
        labels=tuple(sorted(wanted.labels)),
        instruction=ALPACA_TEMPLATE,
        description=wanted.description,
        **{s: tuple(ex for _, ex in splits[s]) for s in SPLITS},
    )


def _load(spec: Any, base: Path, field: str) -> tuple[Task, ...]:
    if not isinstance(spec, dict):
        raise InputError(
            f"must be a mapping {{llamafactory: FOLDER or {DATASET_INFO}, datasets: [...]}}, "
            f"got {spec!r}",
            field=field,
        )
    _refuse_unknown_keys(spec, _SOURCE_KEYS, field)
    if "llamafactory" not in spec:
        raise InputError(
            f"name LLaMA-Factory's data folder (or its {DATASET_INFO}) as llamafactory",
            field=field,
        )
    path = _info_path(spec["llamafactory"], base, f"{field}.llamafactory")
    ratios, seed = split_ratios(spec.get("split", DEFAULT_SPLIT), field=f"{field}.split")
    info = _read_info(path)
    wanted = _wanted(spec.get("datasets"), info, path, f"{field}.datasets", f"{field}.llamafactory")
    tasks = []
    for w in wanted:
        line, definition = info[w.name]
        tasks.append(_task(w, _entry(w.name, path, line, definition), ratios, seed))
    return tuple(tasks)


def load_llamafactory(
    spec: Any,
    base_dir: str | Path,
    *,
    source: str | Path | None = None,
    lines: dict[str, int] | None = None,
    field: str = "tasks_from",
) -> tuple[Task, ...]:
    """One :class:`Task` per dataset of the ``tasks_from`` mapping ``spec`` (see the module
    docstring), in the order of ``datasets`` (or of ``dataset_info.json``); paths start at
    ``base_dir``. A problem of ``spec`` raises InputError naming ``source`` (the study
    config), the line from ``lines`` and the field under ``field``; a problem of
    ``dataset_info.json`` or a data file names that file, the line and the field."""
    try:
        return _load(spec, Path(base_dir), field)
    except InputError as err:
        if err.file is not None:
            raise
        line = line_of(lines or {}, err.field) if err.field else None
        raise InputError(err.message, file=source, line=line, field=err.field) from None
