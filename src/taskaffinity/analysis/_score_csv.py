"""Read a square score matrix from a CSV file into a :class:`ScoreTable`.

Score CSV (row = target, column = auxiliary, diagonal = single-task score)::

    ,punct,poet,dynasty
    punct,0.81,0.83,0.80
    poet,0.52,0.50,
    dynasty,0.90,0.91,0.89

An empty cell (or ``nan``, ``NA``, ``-``) means "not measured". Rows may come in any order
but must name exactly the header's tasks.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from taskaffinity.analysis._csv import _MISSING, _rows
from taskaffinity.errors import InputError
from taskaffinity.types import ScoreTable

__all__ = ["read_score_csv", "score_table_from_matrix"]


def score_table_from_matrix(
    tasks: tuple[str, ...], matrix: np.ndarray, *, higher_is_better: bool = True
) -> ScoreTable:
    """A :class:`ScoreTable` from a square gain matrix ``matrix[target, auxiliary]``
    (diagonal = single-task score, NaN = not measured): one single-task network per
    measured diagonal cell and one pair network ``{i, j}`` per measured pair, scoring ``i``
    with ``matrix[i, j]`` and ``j`` with ``matrix[j, i]`` (NaN when only one is known)."""
    n = len(tasks)
    groups, rows = [], []
    for i in range(n):
        for j in range(i, n):
            if i == j and math.isnan(matrix[i, i]):
                continue
            if i != j and math.isnan(matrix[i, j]) and math.isnan(matrix[j, i]):
                continue
            row = np.full(n, np.nan)
            row[i] = matrix[i, j]
            row[j] = matrix[j, i]
            groups.append((tasks[i],) if i == j else (tasks[i], tasks[j]))
            rows.append(row)
    scores = np.array(rows).reshape(len(rows), n)
    return ScoreTable(tasks, tuple(groups), scores, np.ones(len(groups)), higher_is_better)


def read_score_csv(path: str | Path, *, higher_is_better: bool = True) -> ScoreTable:
    """Read a square score CSV into a :class:`ScoreTable` (see the module docstring).

    Raises :class:`InputError` naming the file, line and field for a ragged row, a
    non-numeric cell, a duplicate or unknown row name, or a task missing from the rows.
    """
    path = Path(path)
    rows = _rows(path)
    head_line, header = rows[0]
    tasks = tuple(header[1:])
    if not tasks:
        raise InputError("the header names no task", file=path, line=head_line)
    for k, t in enumerate(tasks, start=2):
        if not t:
            raise InputError(f"empty task name in column {k}", file=path, line=head_line)
    dup = sorted({t for t in tasks if tasks.count(t) > 1})
    if dup:
        raise InputError(f"duplicate task name(s) {dup}", file=path, line=head_line)
    n = len(tasks)
    matrix = np.full((n, n), np.nan)
    seen: dict[str, int] = {}
    for line, row in rows[1:]:
        name = row[0]
        if name not in tasks:
            raise InputError(
                f"row task {name!r} is not in the header {list(tasks)}",
                file=path,
                line=line,
                field="task",
            )
        if name in seen:
            raise InputError(
                f"task {name!r} has a second row (first on line {seen[name]})",
                file=path,
                line=line,
                field=name,
            )
        seen[name] = line
        if len(row) != n + 1:
            raise InputError(
                f"row has {len(row) - 1} scores, the header names {n} tasks",
                file=path,
                line=line,
                field=name,
            )
        i = tasks.index(name)
        for j, cell in enumerate(row[1:]):
            if cell.lower() in _MISSING:
                continue
            try:
                value = float(cell)
            except ValueError:
                raise InputError(
                    f"{cell!r} is not a number (row {name!r})",
                    file=path,
                    line=line,
                    field=tasks[j],
                ) from None
            if not math.isfinite(value):
                raise InputError(f"{cell!r} is not finite", file=path, line=line, field=tasks[j])
            matrix[i, j] = value
    missing = [t for t in tasks if t not in seen]
    if missing:
        raise InputError(
            f"no row for task(s) {missing} named in the header",
            file=path,
            line=head_line,
            field=missing[0],
        )
    return score_table_from_matrix(tasks, matrix, higher_is_better=higher_is_better)
