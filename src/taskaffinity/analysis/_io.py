"""Read a square score matrix and a task-category list from CSV files.

Score CSV (row = target, column = auxiliary, diagonal = single-task score; an empty cell
means "not measured"): read by :mod:`taskaffinity.analysis._score_csv`, whose docstring
shows the format. Categories CSV (read here): a header with columns ``task`` and
``category`` (others ignored), then one row per task.
"""

from __future__ import annotations

from pathlib import Path

from taskaffinity.analysis._csv import _rows
from taskaffinity.analysis._score_csv import read_score_csv, score_table_from_matrix
from taskaffinity.errors import InputError

__all__ = ["read_categories_csv", "read_score_csv", "score_table_from_matrix"]


def read_categories_csv(path: str | Path) -> dict[str, str]:
    """Read ``task,category`` rows into ``{task: category}`` (header required).

    Raises :class:`InputError` for a missing column, an empty value or a task listed twice
    with different categories.
    """
    path = Path(path)
    rows = _rows(path)
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
