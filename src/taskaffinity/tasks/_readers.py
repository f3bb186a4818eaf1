"""Read data files into records: JSONL (optionally gzipped), CSV/TSV, Parquet, and local
Hugging Face ``datasets`` folders (``save_to_disk`` output).

Each reader yields ``Record(file, line, data)``; ``line`` is the 1-based line of a JSONL
file, the 1-based file line of a CSV row (the header is line 1) or the 1-based row of a
Parquet file or dataset, so that every error can name where it happened.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from taskaffinity.errors import InputError

__all__ = ["FORMATS", "Record", "read_records"]

FORMATS = ("jsonl", "csv", "tsv", "parquet", "hf")


@dataclass(frozen=True)
class Record:
    file: str
    line: int
    data: dict[str, Any]


def _format(path: Path) -> str:
    if path.is_dir():
        return "hf"
    name = path.name.lower().removesuffix(".gz")
    for suffix, fmt in ((".jsonl", "jsonl"), (".json", "jsonl"), (".ndjson", "jsonl")):
        if name.endswith(suffix):
            return fmt
    for fmt in ("csv", "tsv", "parquet"):
        if name.endswith("." + fmt):
            return fmt
    raise InputError(
        f"unknown file type; use one of .jsonl[.gz], .csv, .tsv, .parquet or a "
        f"datasets folder (formats {FORMATS})",
        file=path,
    )


def _jsonl(path: Path) -> Iterator[Record]:
    opener = gzip.open if path.name.endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as err:
                    raise InputError(
                        f"malformed JSON line: {err.msg} (column {err.colno})", file=path, line=n
                    ) from None
                if not isinstance(obj, dict):
                    raise InputError(
                        f"expected a JSON object, got {type(obj).__name__}", file=path, line=n
                    )
                yield Record(str(path), n, obj)
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read file: {err}", file=path) from None


def _table(path: Path, fmt: str) -> Iterator[Record]:
    import pandas as pd

    try:
        if fmt == "parquet":
            df, first = pd.read_parquet(path), 1
        else:
            sep = "\t" if fmt == "tsv" else ","
            df, first = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False), 2
    except Exception as err:  # pandas/pyarrow raise many types; all mean "unreadable"
        raise InputError(f"cannot read {fmt} file: {err}", file=path) from None
    for i, row in enumerate(df.to_dict("records")):
        yield Record(str(path), i + first, row)


def _hf(path: Path, split: str | None) -> Iterator[Record]:
    try:
        import datasets
    except ImportError:  # pragma: no cover - optional extra
        raise InputError(
            "reading a datasets folder needs `pip install datasets`", file=path
        ) from None
    try:
        ds = datasets.load_from_disk(str(path))
    except Exception as err:
        raise InputError(f"not a datasets folder (save_to_disk output): {err}", file=path) from None
    where = str(path)
    if isinstance(ds, datasets.DatasetDict):
        if split not in ds:
            raise InputError(
                f"folder holds splits {list(ds)}, not {split!r}", file=path, field="data"
            )
        ds, where = ds[split], f"{path}[{split}]"
    for i, row in enumerate(ds):
        yield Record(where, i + 1, dict(row))


def read_records(path: str | Path, *, hf_split: str | None = None) -> list[Record]:
    """All records of one file or datasets folder; InputError when missing or malformed.

    ``hf_split`` picks one split of a folder saved from a ``DatasetDict``.
    """
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", file=path, field="data")
    fmt = _format(path)
    if fmt == "jsonl":
        return list(_jsonl(path))
    if fmt == "hf":
        return list(_hf(path, hf_split))
    return list(_table(path, fmt))
