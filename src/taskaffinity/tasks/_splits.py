"""A task's train/dev/test splits: read them from its ``data`` entry (one file per split, a
saved ``datasets`` DatasetDict, or one file split by ratios) and check them (no empty split,
no dev/test label unseen in train)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from taskaffinity.errors import InputError
from taskaffinity.tasks._examples import ratio_split, to_example
from taskaffinity.tasks._readers import Record, read_records
from taskaffinity.tasks._task import Example

__all__ = ["SPLITS", "Pairs", "check_splits", "read_splits"]

SPLITS = ("train", "dev", "test")
Pairs = list[tuple[Record, Example]]


def read_splits(data: Any, base: Path, kind: str, fields: dict, where: dict) -> dict[str, Pairs]:
    """The (record, example) pairs of each split of a task's ``data`` entry: one file per
    split, a saved DatasetDict, or one file split by ratios."""

    def read(path: Any, key: str, hf_split: str | None = None) -> Pairs:
        if not isinstance(path, str | Path):
            raise InputError(f"expected a file path, got {path!r}", **where, field=key)
        recs = read_records(base / path, hf_split=hf_split)
        return [(r, to_example(r, kind, fields)) for r in recs]

    if not isinstance(data, dict):
        raise InputError("expected {train, dev, test} or {path, split}", **where, field="data")
    if set(data) == set(SPLITS):
        return {s: read(data[s], f"data.{s}") for s in SPLITS}
    if "path" not in data or set(data) - {"path", "split"}:
        raise InputError(
            f"expected keys train/dev/test or path/split, got {sorted(data)}", **where, field="data"
        )
    path = base / str(data["path"])
    if "split" not in data and (path / "dataset_dict.json").is_file():
        saved = json.loads((path / "dataset_dict.json").read_text()).get("splits", [])
        names = {"train": "train", "dev": "validation" if "dev" not in saved else "dev"}
        return {s: read(data["path"], "data.path", names.get(s, s)) for s in SPLITS}
    ratios = data.get("split")
    if not isinstance(ratios, dict) or not set(SPLITS) <= set(ratios):
        raise InputError("give split ratios {train, dev, test, seed}", **where, field="data.split")
    try:
        r = {s: float(ratios[s]) for s in SPLITS}
        seed = int(ratios.get("seed", 0))
    except (TypeError, ValueError):
        raise InputError(f"bad split ratios {ratios}", **where, field="data.split") from None
    if min(r.values()) <= 0:
        raise InputError("every split ratio must be > 0", **where, field="data.split")
    return ratio_split(read(data["path"], "data.path"), r, seed)


def check_splits(name: str, kind: str, splits: dict[str, Pairs], fields: dict, where: dict) -> None:
    """Every split is non-empty and every dev/test label or tag occurs in train."""
    for s in SPLITS:
        if not splits[s]:
            raise InputError(f"task {name!r}: split {s!r} is empty", **where, field=f"data.{s}")
    if kind == "generation":
        return
    role = "tags" if kind == "tagging" else "label"
    known = {t for _, ex in splits["train"] for t in (ex.tags if kind == "tagging" else [ex.label])}
    for s in ("dev", "test"):
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
