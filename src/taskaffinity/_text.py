"""Text of user files as UTF-8, with the line of the first byte that is not.

``read_text(path)`` returns a file's text (a leading byte-order mark dropped, ``.gz``
files decompressed) or raises :class:`~taskaffinity.errors.InputError` naming the file
and, for bytes that are not UTF-8, the 1-based line they are on::

    scores.csv:3: not UTF-8 text: byte 0xe9 at column 7 (save the file as UTF-8)

``decode_line(raw, file, line)`` decodes one line of bytes the same way;
``csv_rows(path)`` reads a CSV file's rows, each with the line it starts on.
"""

from __future__ import annotations

import csv
import gzip
import io
import zlib
from pathlib import Path

from taskaffinity.errors import InputError

__all__ = ["csv_rows", "decode_line", "read_bytes", "read_text"]

_BOM = b"\xef\xbb\xbf"


def _not_utf8(raw: bytes, err: UnicodeDecodeError, file: str | Path, first_line: int) -> InputError:
    before = raw[: err.start]
    line = first_line + before.count(b"\n")
    column = err.start - (before.rfind(b"\n") + 1) + 1
    return InputError(
        f"not UTF-8 text: byte 0x{raw[err.start]:02x} at column {column} (save the file as UTF-8)",
        file=file,
        line=line,
    )


def decode_line(raw: bytes, file: str | Path, line: int) -> str:
    """``raw`` (one line's bytes) as text; InputError naming ``file`` and ``line`` if it is
    not UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise _not_utf8(raw, err, file, line) from None


def read_bytes(path: str | Path) -> bytes:
    """The bytes of ``path`` (decompressed when the name ends in ``.gz``); InputError for a
    missing or unreadable file and for a truncated or corrupt gzip stream."""
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", file=path)
    if path.is_dir():
        raise InputError("is a folder, not a file", file=path)
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise InputError(f"cannot read file: {err.strerror or err}", file=path) from None
    if path.name.lower().endswith(".gz"):
        try:
            return gzip.decompress(raw)
        except EOFError:
            raise InputError(
                "truncated gzip file: it ends before the end of its compressed data",
                file=path,
            ) from None
        except (OSError, zlib.error) as err:
            raise InputError(f"not a valid gzip file: {err}", file=path) from None
    return raw


def read_text(path: str | Path) -> str:
    """The text of ``path`` (UTF-8, a leading byte-order mark dropped; ``.gz`` files
    decompressed); InputError naming the file, and the line of a byte that is not UTF-8."""
    raw = read_bytes(path)
    if raw.startswith(_BOM):
        raw = raw[len(_BOM) :]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise _not_utf8(raw, err, path, 1) from None


def csv_rows(path: str | Path, delimiter: str = ",") -> list[tuple[int, list[str]]]:
    """``(line, cells)`` of every row of the CSV file ``path`` that has a non-blank cell,
    ``line`` the 1-based line the row starts on; InputError naming the file (and line) for
    a missing file, text that is not UTF-8, or a row the csv module cannot parse."""
    reader = csv.reader(io.StringIO(read_text(path), newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as err:
        raise InputError(f"not a readable CSV file: {err}", file=path, line=start) from None
    return rows


MISSING_CELLS = frozenset({"", "nan", "na", "n/a", "-", "none", "null"})
"""Cell texts (lower-cased) that the square score and affinity readers take as missing."""


def stripped_csv_rows(path: str | Path) -> list[tuple[int, list[str]]]:
    """:func:`csv_rows` with every cell stripped; InputError naming the file when it has
    no row."""
    rows = [(n, [c.strip() for c in r]) for n, r in csv_rows(path)]
    if not rows:
        raise InputError("the file is empty", file=path)
    return rows
