"""Square task-by-task matrices from files: an affinity matrix (any estimate of pairwise
transfer) and a score matrix of singles and pairs. One reader, :func:`read_square_csv`,
parses both (and ``taskaffinity analyze`` and ``select``/``partition --format matrix``
read score matrices through it), so they share one rule for missing cells and one set
of error messages.

CSV layout (row = target task, column = source task)::

    target\\source,punct,poet,dynasty
    punct,0.81,0.83,0.80
    poet,0.52,0.50,
    dynasty,0.90,0.91,0.89

The first cell may hold any text (or none); the first row names the source tasks, the
first column the target tasks. Rows may come in any order but must name exactly the
column tasks, each once. A cell that is empty, ``nan``, ``NA``, ``n/a``, ``-``,
``none`` or ``null`` (any case) is missing: not measured. In a **score matrix** the
diagonal is the single-task score every gain is relative to and is required; an
off-diagonal cell may be missing (that pair was not measured). In an **affinity matrix**
the diagonal is ignored (missing or a number) and every off-diagonal cell is required (an
estimate covers every pair). Every cell given must be a finite number.

An affinity matrix may also be the JSON that ``taskaffinity estimate --json`` writes (the
:meth:`~taskaffinity.types.AffinityMatrix.to_dict` form: ``tasks``, ``values`` with
``null`` on the diagonal, ``method``); it is read when the file name ends in ``.json``.

Every error is one :class:`~taskaffinity.errors.InputError` naming the file, the line
(CSV; JSON syntax errors) and the field (the source task of a cell, the row's task for a
ragged or repeated row, ``task`` for an unknown row name, ``values[i][j]`` in JSON).
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from taskaffinity._text import MISSING_CELLS, read_text, stripped_csv_rows
from taskaffinity.errors import InputError
from taskaffinity.types import AffinityMatrix, ScoreTable

__all__ = ["read_affinity", "read_score_matrix", "read_square_csv", "write_affinity_csv"]


def _number(cell: str, *, path: Path, line: int, field: str, what: str) -> float:
    try:
        value = float(cell)
    except ValueError:
        raise InputError(
            f"{cell!r} is not a number ({what})", file=path, line=line, field=field
        ) from None
    if not math.isfinite(value):
        raise InputError(f"{cell!r} is not finite ({what})", file=path, line=line, field=field)
    return value


def read_square_csv(
    path: str | Path, *, diagonal: bool
) -> tuple[tuple[str, ...], np.ndarray, dict[str, int]]:
    """The one reader of a square task-by-task CSV (module docstring): ``(tasks, matrix,
    lines)`` with ``matrix`` of shape ``(n, n)``, ``matrix[i, j]`` = target ``tasks[i]``
    with source ``tasks[j]`` (row = target, column = source), NaN where a cell is missing
    (empty, ``nan``, ``NA``, ``-``: not measured), and ``lines`` the line of each task's
    row.

    ``diagonal``: a score matrix, whose diagonal (the single-task score every gain is
    relative to) is required, off-diagonal cells optional; otherwise an affinity matrix,
    whose diagonal is ignored (NaN) and whose off-diagonal cells are all required (an
    estimate covers every pair). Raises :class:`~taskaffinity.errors.InputError` naming
    the file, line and field (module docstring).
    """
    path = Path(path)
    rows = stripped_csv_rows(path)
    head_line, header = rows[0]
    tasks = tuple(header[1:])
    if not tasks:
        raise InputError("the first row names no source task", file=path, line=head_line)
    for k, t in enumerate(tasks, start=2):
        if not t:
            raise InputError(
                f"empty task name in column {k}", file=path, line=head_line, field=f"column {k}"
            )
    dup = next((t for t in tasks if tasks.count(t) > 1), None)
    if dup is not None:
        raise InputError(f"task {dup!r} names two columns", file=path, line=head_line, field=dup)
    n = len(tasks)
    matrix = np.full((n, n), np.nan)
    seen: dict[str, int] = {}
    for line, row in rows[1:]:
        name = row[0]
        if name not in tasks:
            raise InputError(
                f"row task {name!r} is not among the column tasks {list(tasks)} (a square "
                "matrix names the same tasks in its first row and first column)",
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
                f"row {name!r} has {len(row) - 1} cells, the first row names {n} tasks",
                file=path,
                line=line,
                field=name,
            )
        i = tasks.index(name)
        for j, cell in enumerate(row[1:]):
            if cell.lower() in MISSING_CELLS:
                if diagonal and i == j:
                    raise InputError(
                        f"missing single-task score of {name!r} (the diagonal): every gain "
                        "is relative to it",
                        file=path,
                        line=line,
                        field=tasks[j],
                    )
                if not diagonal and i != j:
                    raise InputError(
                        f"missing cell (target {name!r}, source {tasks[j]!r}): every "
                        "off-diagonal cell of an affinity matrix needs a number",
                        file=path,
                        line=line,
                        field=tasks[j],
                    )
                continue
            what = f"target {name!r}, source {tasks[j]!r}"
            value = _number(cell, path=path, line=line, field=tasks[j], what=what)
            if i != j or diagonal:
                matrix[i, j] = value
    missing = [t for t in tasks if t not in seen]
    if missing:
        raise InputError(
            f"no row for task(s) {missing}: the matrix is not square ({len(seen)} rows, "
            f"{n} columns)",
            file=path,
            line=head_line,
            field=missing[0],
        )
    return tasks, matrix, seen


def _read_affinity_json(path: Path) -> AffinityMatrix:
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as err:
        raise InputError(f"not valid JSON: {err.msg}", file=path, line=err.lineno) from None
    if not isinstance(data, dict):
        raise InputError("expected a JSON object with 'tasks' and 'values'", file=path)
    tasks = data.get("tasks")
    if not isinstance(tasks, list) or not tasks or not all(isinstance(t, str) and t for t in tasks):
        raise InputError("expected a non-empty list of task names", file=path, field="tasks")
    dup = next((t for t in tasks if tasks.count(t) > 1), None)
    if dup is not None:
        raise InputError(f"task {dup!r} is named twice", file=path, field="tasks")
    n = len(tasks)
    values = data.get("values")
    if not isinstance(values, list) or len(values) != n:
        raise InputError(f"expected {n} rows, one per task", file=path, field="values")
    matrix = np.full((n, n), np.nan)
    for i, row in enumerate(values):
        if not isinstance(row, list) or len(row) != n:
            raise InputError(
                f"row {i} (target {tasks[i]!r}) needs {n} cells: the matrix is not square",
                file=path,
                field=f"values[{i}]",
            )
        for j, cell in enumerate(row):
            if i == j:
                continue
            ok = isinstance(cell, int | float) and not isinstance(cell, bool)
            if not ok or not math.isfinite(cell):
                raise InputError(
                    f"{cell!r} is not a finite number (target {tasks[i]!r}, source {tasks[j]!r})",
                    file=path,
                    field=f"values[{i}][{j}]",
                )
            matrix[i, j] = float(cell)
    method = data.get("method")
    params: Any = data.get("params")
    return AffinityMatrix(
        tuple(tasks),
        matrix,
        method if isinstance(method, str) and method else "imported",
        params=params if isinstance(params, dict) else {},
    )


def read_affinity(path: str | Path) -> AffinityMatrix:
    """The affinity matrix at ``path`` (module docstring): a square CSV, or the JSON of
    ``taskaffinity estimate`` when the name ends in ``.json``.

    Returns an :class:`~taskaffinity.types.AffinityMatrix` of shape ``(n, n)``:
    ``values[i, j]`` = how much source ``tasks[j]`` is estimated to help target
    ``tasks[i]`` (row = target, column = source), the diagonal NaN; tasks in column
    order; ``method`` from the JSON, else ``"imported"``. Raises
    :class:`~taskaffinity.errors.InputError` (file, line, field) when the matrix is not
    square, its row and column names differ, a task is named twice, or an off-diagonal
    cell is missing or not a finite number.
    """
    path = Path(path)
    if path.suffix.lower() == ".json":
        return _read_affinity_json(path)
    tasks, matrix, _ = read_square_csv(path, diagonal=False)
    return AffinityMatrix(tasks, matrix, "imported")


def read_score_matrix(
    path: str | Path, *, higher_is_better: bool = True, both_ways: bool = False
) -> ScoreTable:
    """The square score matrix at ``path`` (module docstring): diagonal = single-task
    scores (required), ``[i, j]`` = target ``tasks[i]``'s score when trained with source
    ``tasks[j]``, an empty cell = not measured. Returns its singles + pairs
    :class:`~taskaffinity.types.ScoreTable`
    (:meth:`~taskaffinity.types.ScoreTable.from_matrix`: one single network per task, one
    pair network per pair measured at least one way, cost 1 each; tasks in column order).

    ``both_ways``: a pair measured one way only (``[i, j]`` given, ``[j, i]`` empty) is an
    error naming the empty cell, as a search needs (a pair network is chosen on both its
    tasks' scores); without it (``analyze``) such a pair gives one gain. Raises
    :class:`~taskaffinity.errors.InputError` as :func:`read_square_csv` does.
    """
    tasks, matrix, lines = read_square_csv(path, diagonal=True)
    if both_ways:
        for i, j in zip(*np.nonzero(np.isnan(matrix) & ~np.isnan(matrix.T)), strict=True):
            raise InputError(
                f"target {tasks[i]!r}, source {tasks[j]!r} is empty but target {tasks[j]!r}, "
                f"source {tasks[i]!r} is measured: a pair network is chosen on both its "
                "tasks' scores (fill the cell, or empty both)",
                file=path,
                line=lines[tasks[i]],
                field=tasks[j],
            )
    return ScoreTable.from_matrix(tasks, matrix, higher_is_better=higher_is_better)


def write_affinity_csv(affinity: AffinityMatrix, path: str | Path) -> Path:
    """Write ``affinity`` as the square CSV :func:`read_affinity` reads (first cell
    ``target\\source``, diagonal empty, values with ``repr`` precision); returns ``path``."""
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["target\\source", *affinity.tasks])
        for i, task in enumerate(affinity.tasks):
            cells = [
                "" if i == j or np.isnan(v) else repr(float(v))
                for j, v in enumerate(affinity.values[i])
            ]
            out.writerow([task, *cells])
    return path
