"""Shared parsing helpers for the table importers: every error names file, line, field."""

from __future__ import annotations

import math
from pathlib import Path

from taskaffinity._text import read_text
from taskaffinity.errors import InputError

__all__ = ["default_names", "parse_float", "read_lines"]


def read_lines(path: str | Path) -> list[tuple[int, str]]:
    """Non-blank lines of ``path`` as ``(line_number, text)`` (1-based, newline stripped);
    InputError for a missing file or one that is not UTF-8 (naming the line)."""
    text = read_text(path)
    return [(i, ln.rstrip("\r\n")) for i, ln in enumerate(text.splitlines(), 1) if ln.strip()]


def parse_float(cell: str, *, file: str | Path, line: int, field: str) -> float:
    """``float(cell)``, or an :class:`InputError` naming file, line and field."""
    try:
        value = float(cell)
    except ValueError:
        raise InputError(f"not a number: {cell!r}", file=file, line=line, field=field) from None
    if math.isnan(value) or math.isinf(value):
        raise InputError(f"not a finite number: {cell!r}", file=file, line=line, field=field)
    return value


def default_names(n: int, names: list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """``names`` checked against ``n`` columns, or ``t0 .. t{n-1}``."""
    if names is None:
        return tuple(f"t{i}" for i in range(n))
    names = tuple(names)
    if len(names) != n:
        raise InputError(f"{len(names)} task names given for {n} columns", field="names")
    if len(set(names)) != n:
        raise InputError(f"duplicate task names: {names}", field="names")
    return names
