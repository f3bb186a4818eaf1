"""Read data files into records: JSONL (optionally gzipped), CSV/TSV, Parquet, and local
Hugging Face ``datasets`` folders (``save_to_disk`` output).

Each reader yields ``Record(file, line, data)``; ``line`` is the 1-based line of a JSONL
file, the 1-based file line of a CSV row (the header is line 1) or the 1-based row of a
Parquet file or dataset, so that every error can name where it happened: bytes that are
not UTF-8 name their line, a truncated ``.gz`` file is one error naming the file, a CSV
row with more or fewer fields than its header names its line.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from taskaffinity._text import decode_line, read_text
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


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """``(line number, bytes)`` of every line of ``path`` (gunzipped for ``.gz``)."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    n = 0
    try:
        with opener(path, "rb") as fh:
            for n, raw in enumerate(fh, 1):
                yield n, raw
    except EOFError:
        raise InputError(
            f"truncated gzip file: it ends before the end of its compressed data (after line {n})",
            file=path,
        ) from None
    except (OSError, zlib.error) as err:
        what = "not a valid gzip file" if opener is gzip.open else "cannot read file"
        raise InputError(f"{what}: {err}", file=path) from None


def _jsonl(path: Path) -> Iterator[Record]:
    for n, raw in _lines(path):
        line = decode_line(raw, path, n)
        if n == 1:
            line = line.removeprefix("\ufeff")
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            raise InputError(
                f"malformed JSON line: {err.msg} (column {err.colno})", file=path, line=n
            ) from None
        if not isinstance(obj, dict):
            raise InputError(f"expected a JSON object, got {type(obj).__name__}", file=path, line=n)
        yield Record(str(path), n, obj)


def _delimited(path: Path, sep: str) -> Iterator[Record]:
    """Rows of a CSV/TSV file (header first) as records of strings; ``line`` is the file
    line a row starts on."""
    reader = csv.reader(io.StringIO(read_text(path), newline=""), delimiter=sep)
    header: list[str] | None = None
    start = 1
    try:
        for row in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if header is None:
                header = row
                dup = sorted({c for c in header if header.count(c) > 1})
                if dup:
                    raise InputError(f"column(s) {dup} named twice", file=path, line=line)
                continue
            if len(row) != len(header):
                raise InputError(
                    f"{len(row)} fields, the header has {len(header)}", file=path, line=line
                )
            yield Record(str(path), line, dict(zip(header, row, strict=True)))
    except csv.Error as err:
        raise InputError(f"not a readable {path.suffix[1:]} file: {err}", file=path,
                         line=reader.line_num) from None  # fmt: skip


def _parquet(path: Path) -> Iterator[Record]:
    import pandas as pd

    try:
        df = pd.read_parquet(path)
    except Exception as err:  # pandas/pyarrow raise many types; all mean "unreadable"
        raise InputError(f"cannot read parquet file: {err}", file=path) from None
    for i, row in enumerate(df.to_dict("records")):
        yield Record(str(path), i + 1, row)


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
    if fmt == "parquet":
        return list(_parquet(path))
    return list(_delimited(path, "\t" if fmt == "tsv" else ","))
