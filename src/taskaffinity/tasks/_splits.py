"""A task's train/dev/test splits: read them from its ``data`` entry (one file per split, a
saved ``datasets`` DatasetDict, or one file split by ratios) and check them: no empty
split, two labels or more in train, no file used for two splits, no example in two
splits, no dev/test label unseen in train.

A ``data`` entry reads records through the task's ``fields`` unless it says
``format: alpaca``: then each record is an alpaca record (``instruction``, ``input``,
``output``, optional ``system`` and ``history``; see :mod:`taskaffinity.tasks._alpaca`),
its columns renamed by ``columns: {prompt, query, response, system, history}``::

    data: {path: chat.jsonl, format: alpaca, split: {train: 0.8, dev: 0.1, test: 0.1}}

:func:`hash_split` cuts one file into splits by a hash of each input (an input keeps its
split when other examples are added or removed); :func:`subsample_splits` keeps at most N
examples of chosen splits of a task, chosen by a hash keyed by the task's name and split.

Errors about the ``data`` entry itself carry no file and a field relative to the task
(``data.test``, ``data.split.dev``): the caller locates them in its YAML. Errors inside a
data file name that file, the line and the field.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from taskaffinity.errors import InputError
from taskaffinity.tasks._alpaca import ALPACA_COLUMNS, AlpacaColumns, alpaca_example
from taskaffinity.tasks._examples import DEFAULT_FIELDS, ratio_split, to_example
from taskaffinity.tasks._readers import Record, read_records
from taskaffinity.tasks._task import Example, Task

__all__ = [
    "SPLITS",
    "Pairs",
    "check_splits",
    "hash_split",
    "read_splits",
    "split_ratios",
    "subsample_splits",
]

SPLITS = ("train", "dev", "test")
Pairs = list[tuple[Record, Example]]
_FORMAT_KEYS = ("format", "columns")


def _path(value: Any, base: Path, key: str) -> Path:
    if not isinstance(value, str | Path) or not str(value):
        raise InputError(f"expected a file path, got {value!r}", field=key)
    return base / value


def _existing(path: Path, key: str) -> Path:
    if not path.exists():
        raise InputError(f"file not found: {path}", field=key)
    return path


def split_ratios(spec: Any, field: str = "data.split") -> tuple[dict[str, float], int]:
    """``({split: ratio}, seed)`` of a split entry ``{train, dev, test[, seed]}``, every
    ratio a finite number > 0 and the seed an integer >= 0; InputError naming ``field``
    (and the key at fault) otherwise."""
    if not isinstance(spec, dict) or not set(SPLITS) <= set(spec):
        raise InputError("give split ratios {train, dev, test[, seed]}", field=field)
    unknown = sorted(set(spec) - {*SPLITS, "seed"}, key=str)
    if unknown:
        raise InputError(
            f"unknown key {unknown[0]!r}; expected train, dev, test and seed", field=field
        )
    ratios = {}
    for s in SPLITS:
        r = spec[s]
        ok = isinstance(r, int | float) and not isinstance(r, bool) and math.isfinite(r)
        if not ok or r <= 0:
            raise InputError(f"a split ratio is a number > 0, got {r!r}", field=f"{field}.{s}")
        ratios[s] = float(r)
    seed = spec.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InputError(f"must be an integer >= 0, got {seed!r}", field=f"{field}.seed")
    return ratios, seed


def _alpaca_columns(data: dict, kind: str, fields: dict) -> AlpacaColumns | None:
    """The alpaca columns of a ``data`` entry with ``format: alpaca`` (None without)."""
    fmt = data.get("format")
    if fmt is None:
        if "columns" in data:
            raise InputError(
                "columns name the roles of alpaca records: add format: alpaca, or map "
                "columns with the task's fields",
                field="data.columns",
            )
        return None
    if fmt != "alpaca":
        raise InputError(
            f"unknown record format {fmt!r}: the one format is 'alpaca' (instruction, input, "
            "output[, system, history]); leave format out to read columns through fields",
            field="data.format",
        )
    if kind == "tagging":
        raise InputError(
            "alpaca records map a text to a text: a tagging task reads tokens and tags "
            "through its fields",
            field="data.format",
        )
    if fields != DEFAULT_FIELDS[kind]:
        raise InputError(
            "alpaca records name their columns in data.columns (prompt, query, response, "
            "system, history), not in fields",
            field="fields",
        )
    columns = AlpacaColumns.from_mapping(
        data.get("columns", {}), defaults=ALPACA_COLUMNS, field="data.columns"
    )
    columns.check("data.columns")
    return columns


def read_splits(data: Any, base: Path, kind: str, fields: dict) -> dict[str, Pairs]:
    """The (record, example) pairs of each split of a task's ``data`` entry: one file per
    split (two splits may not read one file), a saved DatasetDict, or one file split by
    ratios."""

    def read(path: Path, hf_split: str | None = None) -> Pairs:
        recs = read_records(path, hf_split=hf_split)
        if columns is not None:
            return [alpaca_example(r, columns, kind) for r in recs]
        return [(r, to_example(r, kind, fields)) for r in recs]

    if not isinstance(data, dict):
        raise InputError("expected {train, dev, test} or {path, split}", field="data")
    columns = _alpaca_columns(data, kind, fields)
    data = {k: v for k, v in data.items() if k not in _FORMAT_KEYS}
    if set(data) == set(SPLITS):
        paths = {s: _path(data[s], base, f"data.{s}") for s in SPLITS}
        for i, s in enumerate(SPLITS):
            for earlier in SPLITS[:i]:
                if paths[s].resolve() == paths[earlier].resolve():
                    raise InputError(
                        f"{data[s]!r} is the file of data.{earlier} as well; every split "
                        "needs its own file (or use {path, split} to split one file)",
                        field=f"data.{s}",
                    )
        return {s: read(_existing(paths[s], f"data.{s}")) for s in SPLITS}
    if "path" not in data or set(data) - {"path", "split"}:
        raise InputError(
            f"expected keys train/dev/test or path/split (and format, columns), got "
            f"{sorted(data, key=str)}",
            field="data",
        )
    path = _existing(_path(data["path"], base, "data.path"), "data.path")
    if "split" not in data and (path / "dataset_dict.json").is_file():
        try:
            saved = json.loads((path / "dataset_dict.json").read_text("utf-8")).get("splits", [])
        except (ValueError, AttributeError):
            raise InputError(
                "dataset_dict.json is not a datasets split list", file=path / "dataset_dict.json"
            ) from None
        names = {"train": "train", "dev": "validation" if "dev" not in saved else "dev"}
        return {s: read(path, names.get(s, s)) for s in SPLITS}
    ratios, seed = split_ratios(data.get("split"))
    return ratio_split(read(path), ratios, seed)


def check_splits(name: str, kind: str, splits: dict[str, Pairs], fields: dict) -> None:
    """Every split is non-empty, train has two labels or more (classification, tagging),
    no example (input and target alike) is in two splits, and every dev/test label or tag
    occurs in train."""
    for s in SPLITS:
        if not splits[s]:
            raise InputError(f"task {name!r}: split {s!r} is empty", field=f"data.{s}")
    role = {"tagging": "tags", "classification": "label"}.get(kind)
    known = {t for _, ex in splits["train"] for t in (ex.tags if kind == "tagging" else [ex.label])}
    if role is not None and len(known) < 2:
        noun = "tag" if kind == "tagging" else "label"
        raise InputError(
            f"task {name!r}: train ({splits['train'][0][0].file}) has one {noun} only "
            f"({sorted(known)[0]!r}); a {kind} task needs two or more",
            field="data.train",
        )
    for s in ("dev", "test") if role is not None else ():
        for rec, ex in splits[s]:
            for t in ex.tags if kind == "tagging" else [ex.label]:
                if t not in known:
                    raise InputError(
                        f"label {t!r} of split {s!r} never occurs in train "
                        f"(train has {sorted(known)[:12]})",
                        file=rec.file,
                        line=rec.line,
                        field=rec.column(role, fields),
                    )
    seen: dict[Example, tuple[str, Record]] = {}
    for s in SPLITS:
        for rec, ex in splits[s]:
            first = seen.get(ex)
            if first is not None and first[0] != s:
                raise InputError(
                    f"the same example as {first[1].file}:{first[1].line} ({first[0]}); an "
                    "example may be in one split only",
                    file=rec.file,
                    line=rec.line,
                    field=rec.column("tokens" if kind == "tagging" else "text", fields),
                )
            seen.setdefault(ex, (s, rec))


def _digest(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


def hash_split(pairs: Pairs, ratios: dict[str, float], seed: int = 0) -> dict[str, Pairs]:
    """``{split: pairs}`` of one file's ``pairs``: inputs deduplicated (first occurrence
    kept), ordered by the SHA-256 of ``(seed, input)``, cut by ``ratios`` (normalised;
    dev and test take at least one input each, train the rest, when there are three or
    more). An input's split depends only on the inputs that sort before it, so adding or
    removing an example moves at most the examples at the cuts; no input is in two
    splits."""
    seen: set = set()
    unique: Pairs = []
    for rec, ex in pairs:
        key = ex.tokens or ex.text
        if key not in seen:
            seen.add(key)
            unique.append((rec, ex))
    unique.sort(key=lambda pair: _digest(seed, pair[1].tokens or pair[1].text))
    total, n = sum(ratios.values()), len(unique)
    n_dev = max(1, round(n * ratios["dev"] / total))
    n_test = max(1, round(n * ratios["test"] / total))
    while n >= 3 and n_dev + n_test > n - 1:
        if n_dev >= n_test:
            n_dev -= 1
        else:
            n_test -= 1
    n_train = max(0, n - n_dev - n_test)
    return {
        "train": unique[:n_train],
        "dev": unique[n_train : n_train + n_dev],
        "test": unique[n_train + n_dev :],
    }


def subsample_splits(task: Task, limits: Mapping[str, int]) -> Task:
    """``task`` with each split named in ``limits`` cut to at most ``limits[split]``
    examples (a split that small or smaller is kept whole): the examples whose SHA-256 of
    ``(task name, split, example)`` is smallest, kept in their order in the split. The
    choice depends on nothing but the task's name, the split and its examples (not on
    other tasks or their order), and the result's :attr:`Task.fingerprint` covers it, so
    runs on a subsample are keyed apart from runs on the whole task. The label set is the
    task's own (from its whole train split)."""
    cut = {}
    for split, n in limits.items():
        examples = task.split(split)
        if len(examples) <= n:
            continue
        rank = sorted(
            range(len(examples)),
            key=lambda i: (
                _digest(task.name, split, *dataclasses.astuple(examples[i])),
                i,
            ),
        )
        keep = sorted(rank[:n])
        cut[split] = tuple(examples[i] for i in keep)
    return dataclasses.replace(task, **cut) if cut else task
