"""A task's train/dev/test splits: read them from its ``data`` entry (one file per split, a
saved ``datasets`` DatasetDict, or one file split by ratios) and check them: no empty
split, two labels or more in train, no file used for two splits, no example in two
splits, no dev/test label unseen in train.

Errors about the ``data`` entry itself carry no file and a field relative to the task
(``data.test``, ``data.split.dev``): the caller locates them in its YAML. Errors inside a
data file name that file, the line and the field.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from taskaffinity.errors import InputError
from taskaffinity.tasks._examples import ratio_split, to_example
from taskaffinity.tasks._readers import Record, read_records
from taskaffinity.tasks._task import Example

__all__ = ["SPLITS", "Pairs", "check_splits", "read_splits"]

SPLITS = ("train", "dev", "test")
Pairs = list[tuple[Record, Example]]


def _path(value: Any, base: Path, key: str) -> Path:
    if not isinstance(value, str | Path) or not str(value):
        raise InputError(f"expected a file path, got {value!r}", field=key)
    return base / value


def _existing(path: Path, key: str) -> Path:
    if not path.exists():
        raise InputError(f"file not found: {path}", field=key)
    return path


def _ratios(spec: Any) -> tuple[dict[str, float], int]:
    """``({split: ratio}, seed)`` of a ``data.split`` entry, every ratio a finite number
    > 0 and the seed an integer >= 0."""
    if not isinstance(spec, dict) or not set(SPLITS) <= set(spec):
        raise InputError("give split ratios {train, dev, test[, seed]}", field="data.split")
    unknown = sorted(set(spec) - {*SPLITS, "seed"}, key=str)
    if unknown:
        raise InputError(
            f"unknown key {unknown[0]!r}; expected train, dev, test and seed", field="data.split"
        )
    ratios = {}
    for s in SPLITS:
        r = spec[s]
        ok = isinstance(r, int | float) and not isinstance(r, bool) and math.isfinite(r)
        if not ok or r <= 0:
            raise InputError(f"a split ratio is a number > 0, got {r!r}", field=f"data.split.{s}")
        ratios[s] = float(r)
    seed = spec.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InputError(f"must be an integer >= 0, got {seed!r}", field="data.split.seed")
    return ratios, seed


def read_splits(data: Any, base: Path, kind: str, fields: dict) -> dict[str, Pairs]:
    """The (record, example) pairs of each split of a task's ``data`` entry: one file per
    split (two splits may not read one file), a saved DatasetDict, or one file split by
    ratios."""

    def read(path: Path, hf_split: str | None = None) -> Pairs:
        recs = read_records(path, hf_split=hf_split)
        return [(r, to_example(r, kind, fields)) for r in recs]

    if not isinstance(data, dict):
        raise InputError("expected {train, dev, test} or {path, split}", field="data")
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
            f"expected keys train/dev/test or path/split, got {sorted(data, key=str)}",
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
    ratios, seed = _ratios(data.get("split"))
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
                        field=fields[role],
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
                    field=fields["tokens" if kind == "tagging" else "text"],
                )
            seen.setdefault(ex, (s, rec))
