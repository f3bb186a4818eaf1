"""Plain long CSV tables: one row per (group, task) score.

Columns ``group,task,score[,cost][,seed]``: ``group`` is the task names joined by ``+``
(``a+b+c``), ``score`` the task's score in that group, ``cost`` the group's cost (default 1;
groups with the same tasks and different costs are different networks), ``seed`` optional
(scores are averaged over seeds). A header row is optional; with a header the columns may
come in any order.
"""

from __future__ import annotations

import csv
import warnings
from pathlib import Path

import numpy as np

from taskaffinity.errors import InputError
from taskaffinity.tables._parse import parse_float
from taskaffinity.types import ScoreTable

__all__ = ["read_long_csv", "write_long_csv"]

_COLUMNS = ("group", "task", "score", "cost", "seed")


def _header(first: list[str]) -> list[str] | None:
    cells = [c.strip().lower() for c in first]
    return cells if "group" in cells and "task" in cells and "score" in cells else None


def read_long_csv(
    path: str | Path,
    *,
    higher_is_better: bool = True,
    tasks: list[str] | tuple[str, ...] | None = None,
) -> ScoreTable:
    """Read a long CSV into a :class:`ScoreTable` (groups in order of first appearance).

    ``tasks`` fixes the task order (and rejects any other task); by default tasks are taken
    in order of first appearance. Raises :class:`~taskaffinity.errors.InputError` naming
    file, line and field for ragged rows, non-numeric cells, unknown tasks, a group scoring
    a task it does not contain, duplicate cells, or a group missing a score of its own task.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("file not found", file=path)
    with path.open(newline="", encoding="utf-8") as fh:
        rows = [(i, r) for i, r in enumerate(csv.reader(fh), 1) if any(c.strip() for c in r)]
    if not rows:
        raise InputError("empty table", file=path)
    header = _header(rows[0][1])
    if header is not None:
        unknown = [c for c in header if c not in _COLUMNS]
        if unknown:
            raise InputError(f"unknown column {unknown[0]!r}", file=path, line=rows[0][0])
        rows = rows[1:]
    else:
        header = list(_COLUMNS[: len(rows[0][1])])
    fixed = list(tasks) if tasks is not None else None
    order: list[str] = list(fixed) if fixed is not None else []
    cells: dict[tuple[tuple[str, ...], float], dict[tuple[str, float], float]] = {}
    first_line: dict[tuple[tuple[str, ...], float], int] = {}
    for line, row in rows:
        if len(row) != len(header):
            raise InputError(f"{len(row)} cells, expected {len(header)}", file=path, line=line)
        rec = dict(zip(header, (c.strip() for c in row), strict=True))
        members = tuple(t.strip() for t in rec["group"].split("+"))
        if not all(members) or len(set(members)) != len(members):
            raise InputError(f"bad group {rec['group']!r}", file=path, line=line, field="group")
        for t in (*members, rec["task"]):
            if t not in order:
                if fixed is not None:
                    raise InputError(f"unknown task {t!r}", file=path, line=line, field="task")
                order.append(t)
        if rec["task"] not in members:
            raise InputError(
                f"group {rec['group']!r} scores task {rec['task']!r} it does not contain",
                file=path,
                line=line,
                field="task",
            )
        score = parse_float(rec["score"], file=path, line=line, field="score")
        cost = parse_float(rec.get("cost") or "1", file=path, line=line, field="cost")
        seed = parse_float(rec.get("seed") or "0", file=path, line=line, field="seed")
        key = (tuple(sorted(members)), cost)
        first_line.setdefault(key, line)
        cell = cells.setdefault(key, {})
        if (rec["task"], seed) in cell:
            raise InputError("duplicate score", file=path, line=line, field="score")
        cell[(rec["task"], seed)] = score
    seeds = sorted({s for cell in cells.values() for _, s in cell})
    index = {t: i for i, t in enumerate(order)}
    keys = list(cells)
    per_seed = np.full((len(seeds), len(keys), len(order)), np.nan)
    for g, key in enumerate(keys):
        for (task, seed), value in cells[key].items():
            per_seed[seeds.index(seed), g, index[task]] = value
        missing = [t for t in key[0] if not cells[key].keys() & {(t, s) for s in seeds}]
        if missing:
            raise InputError(
                f"group {'+'.join(key[0])} has no score for its task {missing[0]!r}",
                file=path,
                line=first_line[key],
                field="task",
            )
    with warnings.catch_warnings():  # all-NaN cells outside each group
        warnings.simplefilter("ignore", RuntimeWarning)
        scores = np.nanmean(per_seed, axis=0)
    return ScoreTable(
        tuple(order),
        tuple(k[0] for k in keys),
        scores,
        np.array([k[1] for k in keys]),
        higher_is_better,
        per_seed if len(seeds) > 1 else None,
    )


def write_long_csv(table: ScoreTable, path: str | Path) -> Path:
    """Write ``table`` as ``group,task,score,cost`` (mean scores; header row included)."""
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["group", "task", "score", "cost"])
        for g, group in enumerate(table.groups):
            for t in group:
                score = table.scores[g, table.index(t)]
                out.writerow(["+".join(group), t, repr(float(score)), repr(float(table.costs[g]))])
    return path
