"""Telling a score table's format from its first rows, so that a command needs no
``--format`` for the tables taskaffinity writes and a wrong ``--format`` is named.

:func:`detect_format` looks at the file name and its first rows:

* ``"affinity"``: a ``.json`` file (an estimate), or a square CSV whose every diagonal cell
  is empty (an affinity or gain-rate matrix, e.g. a report's ``gain_rate.csv``);
* ``"csv"``: a long CSV header (``group,task,score[,cost][,seed]``, or
  ``target,source,seed,score``, e.g. a report's ``seeds.csv``);
* ``"matrix"``: a square score matrix (first cell any text, then task names; every
  further row starts with one of those names; e.g. a report's ``scores.csv``);
* None: anything else, e.g. the numbers-only tables of Standley et al. and MTG-Net, which
  cannot be told apart by their content.

:func:`resolve_format` turns a command's ``--format`` (None: not given) into the format
to read, refusing one the first row contradicts with an
:class:`~taskaffinity.errors.InputError` that names the file, the line of the first row,
field ``format`` and the format the file looks like.
"""

from __future__ import annotations

import contextlib
import csv
import io
from pathlib import Path

from taskaffinity._text import MISSING_CELLS
from taskaffinity.errors import InputError
from taskaffinity.tables._csv import is_long_csv

__all__ = ["DESCRIPTIONS", "detect_format", "resolve_format"]

#: What each detected format looks like, in words (for messages).
DESCRIPTIONS = {
    "affinity": "a square affinity matrix (every diagonal cell empty)",
    "csv": "a long CSV (header group,task,score[,cost][,seed] or target,source,seed,score)",
    "matrix": "a square score matrix (single-task scores on the diagonal)",
    "standley": "a numbers-only table (Standley et al.: one row per network)",
    "mtgnet": "a numbers-only table (MTG-Net gains with a membership file)",
}

_HEAD_BYTES = 1 << 20


def _head_rows(path: Path) -> list[tuple[int, list[str]]]:
    """The first non-blank CSV rows of ``path`` with their line numbers (at most the first
    MiB; bad bytes are replaced: reporting them is the reader's job)."""
    with path.open("rb") as fh:
        head = fh.read(_HEAD_BYTES).decode("utf-8-sig", errors="replace")
    rows: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(head, newline=""))
    start = 1
    with contextlib.suppress(csv.Error):
        for row in reader:
            if any(c.strip() for c in row):
                rows.append((start, [c.strip() for c in row]))
            start = reader.line_num + 1
    return rows


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def detect_format(path: str | Path) -> str | None:
    """The format the file at ``path`` looks like (module docstring): ``"affinity"``,
    ``"csv"``, ``"matrix"``, or None (numbers only, unreadable, missing or empty)."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        return "affinity"
    if not path.is_file():
        return None
    if is_long_csv(path):
        return "csv"
    rows = _head_rows(path)
    if len(rows) < 2:
        return None
    header = rows[0][1]
    tasks = header[1:]
    if not tasks or any(not t or _is_number(t) for t in tasks):
        return None
    index = {t: k for k, t in enumerate(tasks)}
    body = rows[1:]
    if any(not row or row[0] not in index for _, row in body):
        return None
    diagonal = [row[index[row[0]] + 1] for _, row in body if len(row) > index[row[0]] + 1]
    if diagonal and all(c.lower() in MISSING_CELLS for c in diagonal):
        return "affinity"
    return "matrix"


def resolve_format(
    path: str | Path,
    given: str | None,
    *,
    choices: tuple[str, ...],
    default: str,
) -> str:
    """The format to read ``path`` in: ``given`` (a ``--format`` value) when the file's
    first row does not contradict it, else an :class:`InputError` (file, line of the first
    row, field ``format``) saying which format it looks like; without ``given``, the
    detected format when it is among ``choices``, else ``default``.

    Contradictions: a numbers-only format (standley, mtgnet) for a file with a text header;
    ``csv`` for a square matrix; ``matrix`` for a long CSV or an affinity matrix (its
    diagonal is empty); ``affinity`` for a long CSV.
    """
    path = Path(path)
    seen = detect_format(path)
    if given is None:
        return seen if seen in choices else default
    clash = {
        "standley": {"csv", "matrix", "affinity"},
        "mtgnet": {"csv", "matrix", "affinity"},
        "csv": {"matrix", "affinity"},
        "matrix": {"csv", "affinity"},
        "affinity": {"csv"},
    }
    if seen in clash.get(given, set()):
        rows = _head_rows(path)
        hint = f"--format {seen}" if seen in choices else "another command"
        raise InputError(
            f"the first row does not fit --format {given} ({DESCRIPTIONS[given]}): the file "
            f"looks like {DESCRIPTIONS[seen]}; use {hint}",
            file=path,
            line=rows[0][0] if rows else None,
            field="format",
        )
    return given
