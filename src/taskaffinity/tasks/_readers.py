"""Read data files into records: JSONL (optionally gzipped), JSON (an array of objects, or
JSON lines), CSV/TSV, Parquet, and local Hugging Face ``datasets`` folders
(``save_to_disk`` output).

Each reader yields ``Record(file, line, data)``; ``line`` is the 1-based line of a JSONL
file, the line a JSON array's object starts on, the 1-based file line of a CSV row (the
header is line 1) or the 1-based row of a Parquet file or dataset, so that every error can
name where it happened: bytes that are not UTF-8 name their line, malformed JSON names the
line of the fault, a truncated ``.gz`` file is one error naming the file, a CSV row with
more or fewer fields than its header names its line.

:func:`json_members` reads the members of a JSON file's top-level array or object, each
with the line it starts on (a key given twice in the object is refused).
"""

from __future__ import annotations

import bisect
import csv
import gzip
import io
import json
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from taskaffinity._text import decode_line, read_text
from taskaffinity.errors import InputError

__all__ = ["FORMATS", "Record", "json_members", "read_records"]

FORMATS = ("jsonl", "json", "csv", "tsv", "parquet", "hf")


@dataclass(frozen=True)
class Record:
    """One record of a data file: ``file``, the 1-based ``line`` it starts on, its
    ``data``. ``roles``: the column each role of an example (``text``, ``label``) was read
    from, when a record format builds the roles from other columns (alpaca: ``text`` from
    ``instruction`` and ``input``); errors about a role name that column."""

    file: str
    line: int
    data: dict[str, Any]
    roles: Mapping[str, str] | None = None

    def column(self, role: str, fields: Mapping[str, str]) -> str:
        """The column of ``role`` in this record: from ``roles`` when set, else ``fields``."""
        return (self.roles or fields)[role]


def _format(path: Path) -> str:
    if path.is_dir():
        return "hf"
    name = path.name.lower().removesuffix(".gz")
    for suffix, fmt in ((".jsonl", "jsonl"), (".json", "json"), (".ndjson", "jsonl")):
        if name.endswith(suffix):
            return fmt
    for fmt in ("csv", "tsv", "parquet"):
        if name.endswith("." + fmt):
            return fmt
    raise InputError(
        f"unknown file type; use one of .jsonl[.gz], .json, .csv, .tsv, .parquet or a "
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


def _json_error(err: json.JSONDecodeError, path: Path) -> InputError:
    return InputError(f"malformed JSON: {err.msg} (column {err.colno})", file=path, line=err.lineno)


def _skip(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\n\r":
        i += 1
    return i


def _members(text: str, path: Path) -> tuple[str, list[tuple[int, str | int, Any]]]:
    """``(container, members)`` of the JSON document ``text``: ``container`` is ``"array"``
    or ``"object"``, each member ``(line, index or key, value)``, ``line`` the 1-based line
    the member starts on (an object member: its key). InputError (file, line) for malformed
    JSON, a top level that is neither array nor object, or an object key given twice."""
    newlines = [i for i, ch in enumerate(text) if ch == "\n"]

    def line(pos: int) -> int:
        return bisect.bisect_left(newlines, pos) + 1

    decoder = json.JSONDecoder()
    i = _skip(text, 0)
    if i == len(text):
        raise InputError("the file is empty: expected a JSON array or object", file=path)
    if text[i] not in "[{":
        raise InputError(
            "expected a JSON array or object at the top level", file=path, line=line(i)
        )
    container, close = ("array", "]") if text[i] == "[" else ("object", "}")
    members: list[tuple[int, str | int, Any]] = []
    first: dict[str, int] = {}
    i = _skip(text, i + 1)
    try:
        while text[i : i + 1] != close:
            start = i
            key: str | int = len(members)
            if container == "object":
                key, i = decoder.raw_decode(text, i)
                if not isinstance(key, str):
                    raise InputError("expected a quoted key", file=path, line=line(start))
                if key in first:
                    raise InputError(
                        f"key {key!r} given twice (first on line {first[key]}); JSON readers "
                        "would silently keep the last one",
                        file=path,
                        line=line(start),
                        field=key,
                    )
                first[key] = line(start)
                i = _skip(text, i)
                if text[i : i + 1] != ":":
                    raise InputError("expected ':' after a key", file=path, line=line(i))
                i = _skip(text, i + 1)
            value, i = decoder.raw_decode(text, i)
            members.append((line(start), key, value))
            i = _skip(text, i)
            if text[i : i + 1] == ",":
                i = _skip(text, i + 1)
                if text[i : i + 1] == close:
                    raise InputError(f"a ',' just before '{close}'", file=path, line=line(i))
            elif text[i : i + 1] != close:
                what = "end of file" if i >= len(text) else repr(text[i])
                raise InputError(
                    f"expected ',' or '{close}', found {what}", file=path, line=line(i)
                )
    except json.JSONDecodeError as err:
        raise _json_error(err, path) from None
    end = _skip(text, i + 1)
    if end < len(text):
        raise InputError(
            f"text after the end of the top-level {container}", file=path, line=line(end)
        )
    return container, members


def json_members(path: str | Path) -> tuple[str, list[tuple[int, str | int, Any]]]:
    """``(container, members)`` of the JSON file ``path`` (UTF-8): ``container`` is
    ``"array"`` or ``"object"``; each member is ``(line, index or key, value)`` with the
    1-based line it starts on. InputError naming the file and line for text that is not
    UTF-8 or not JSON, and for an object key given twice."""
    path = Path(path)
    return _members(read_text(path), path)


def _json(path: Path) -> Iterator[Record]:
    """A ``.json`` file: a top-level array of objects, or JSON lines (one object a line)."""
    text = read_text(path)
    if not text.lstrip(" \t\r\n").startswith("["):
        yield from _jsonl(path)
        return
    _, members = _members(text, path)
    for line, _, obj in members:
        if not isinstance(obj, dict):
            raise InputError(
                f"expected a JSON object, got {type(obj).__name__}", file=path, line=line
            )
        yield Record(str(path), line, obj)


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
    if fmt == "json":
        return list(_json(path))
    if fmt == "hf":
        return list(_hf(path, hf_split))
    if fmt == "parquet":
        return list(_parquet(path))
    return list(_delimited(path, "\t" if fmt == "tsv" else ","))
