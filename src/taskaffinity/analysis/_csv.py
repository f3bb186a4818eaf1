"""Read a square score matrix and a task-category list from CSV files.

Score CSV (row = target, column = auxiliary, diagonal = single-task score)::

    ,punct,poet,dynasty
    punct,0.81,0.83,0.80
    poet,0.52,0.50,
    dynasty,0.90,0.91,0.89

An empty cell (or ``nan``, ``NA``, ``-``) off the diagonal means "not measured"; every
diagonal cell (the single-task score every gain is relative to) is required. Rows may come
in any order but must name exactly the header's tasks.

Categories CSV: a header with columns ``task`` and ``category`` (others ignored), then one
row per task.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from taskaffinity._text import MISSING_CELLS, stripped_csv_rows
from taskaffinity.errors import InputError
from taskaffinity.types import ScoreTable

__all__ = ["read_categories_csv", "read_score_csv"]


def read_score_csv(path: str | Path, *, higher_is_better: bool = True) -> ScoreTable:
    """Read a square score CSV into a :class:`ScoreTable` (see the module docstring).

    Raises :class:`InputError` naming the file, line and field for a ragged row, a
    non-numeric cell, a duplicate or unknown row name, or a task missing from the rows.
    """
    path = Path(path)
    rows = stripped_csv_rows(path)
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
            if cell.lower() in MISSING_CELLS:
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
    for i, t in enumerate(tasks):
        if np.isnan(matrix[i, i]):
            raise InputError(
                f"task {t!r} has no single-task score (its diagonal cell is empty): every gain "
                "is relative to it",
                file=path,
                line=seen[t],
                field=t,
            )
    return ScoreTable.from_matrix(tasks, matrix, higher_is_better=higher_is_better)


def read_categories_csv(path: str | Path) -> dict[str, str]:
    """Read ``task,category`` rows into ``{task: category}`` (header required).

    Raises :class:`InputError` for a missing column, an empty value or a task listed twice
    with different categories.
    """
    path = Path(path)
    rows = stripped_csv_rows(path)
    head_line, header = rows[0]
    cols = [h.lower() for h in header]
    for col in ("task", "category"):
        if col not in cols:
            raise InputError(
                f"the header {header} has no column {col!r}", file=path, line=head_line, field=col
            )
    ti, ci = cols.index("task"), cols.index("category")
    out: dict[str, str] = {}
    for line, row in rows[1:]:
        if len(row) != len(header):
            raise InputError(
                f"row has {len(row)} fields, the header has {len(header)}",
                file=path,
                line=line,
                field="category" if len(row) <= ci else "task",
            )
        task, cat = row[ti], row[ci]
        for field, value in (("task", task), ("category", cat)):
            if not value:
                raise InputError("empty value", file=path, line=line, field=field)
        if out.get(task, cat) != cat:
            raise InputError(
                f"task {task!r} listed again with category {cat!r} (was {out[task]!r})",
                file=path,
                line=line,
                field="category",
            )
        out[task] = cat
    return out
