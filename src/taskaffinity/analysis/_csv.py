"""Read a task-category list from a CSV file (score tables are read by
:mod:`taskaffinity.tables`: :func:`~taskaffinity.tables.read_scores`).

Categories CSV: a header with columns ``task`` and ``category`` (others ignored), then one
row per task.
"""

from __future__ import annotations

from pathlib import Path

from taskaffinity._text import stripped_csv_rows
from taskaffinity.errors import InputError

__all__ = ["read_categories_csv"]


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
