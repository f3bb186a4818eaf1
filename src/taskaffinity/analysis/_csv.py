"""Line-numbered reading of a CSV file shared by the score and category readers, and the
cell spellings that mean "not measured"."""

from __future__ import annotations

import csv
from pathlib import Path

from taskaffinity.errors import InputError

__all__: list[str] = []

_MISSING = {"", "nan", "na", "n/a", "-", "none", "null"}


def _rows(path: Path) -> list[tuple[int, list[str]]]:
    if not path.is_file():
        raise InputError("file not found", file=path)
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        try:
            rows = [(reader.line_num, row) for row in reader]
        except (csv.Error, UnicodeDecodeError) as err:
            raise InputError(f"not a readable CSV file: {err}", file=path) from None
    rows = [(n, [c.strip() for c in r]) for n, r in rows if any(c.strip() for c in r)]
    if not rows:
        raise InputError("the file is empty", file=path)
    return rows
