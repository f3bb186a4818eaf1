"""Plain long CSV tables, in two layouts told apart by the header.

**Groups**: one row per (group, task) score, columns ``group,task,score[,cost][,seed]``:
``group`` is the task names joined by ``+`` (``a+b+c``), ``score`` the task's score in that
group, ``cost`` the group's cost (default 1; groups with the same tasks and different costs
are different networks), ``seed`` optional (``scores`` is the mean over seeds, and with two
seeds or more ``seed_scores`` keeps each). A header row is optional; with a header the
columns may come in any order.

**Pairs**: one row per (target, source, seed) score, header required with exactly the
columns ``target,source,seed,score`` in any order::

    target,source,seed,score
    a,,0,0.80        <- empty source: target a trained alone (its single-task score)
    a,b,0,0.84       <- a's score in the pair run {a, b} of seed 0
    a,x,0,0.79       <- x is never a target: a source-only task

Seeds are integers; every target needs a single-task row for at least one seed (a pair
whose seed has no single row for its target is kept, and skipped by the analysis of that
cell). The rows ``a,b,s`` and ``b,a,s`` are the two tasks' scores in the same pair network.
The table keeps every seed in ``seed_scores`` (seeds sorted, even for one seed); source-only
tasks are in the table's tasks but never scored.
"""

from __future__ import annotations

import contextlib
import csv
import io
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from taskaffinity._text import csv_rows
from taskaffinity.errors import InputError
from taskaffinity.tables._parse import parse_float
from taskaffinity.types import ScoreTable

__all__ = [
    "is_long_csv",
    "read_long_csv",
    "read_seeded_csv",
    "write_long_csv",
    "write_seeded_csv",
]

_COLUMNS = ("group", "task", "score", "cost", "seed")
_PAIR_COLUMNS = ("target", "source", "seed", "score")


def _header(first: list[str]) -> list[str] | None:
    cells = [c.strip().lower() for c in first]
    return cells if "group" in cells and "task" in cells and "score" in cells else None


def _pair_header(first: list[str]) -> bool:
    """Whether ``first`` is meant as a pairs header: two or more of its names are pair
    columns and none is a group column."""
    cells = {c.strip().lower() for c in first}
    return len(cells & set(_PAIR_COLUMNS)) >= 2 and not cells & {"group", "task"}


def _rows(path: Path) -> list[tuple[int, list[str]]]:
    rows = csv_rows(path)
    if not rows:
        raise InputError("empty table", file=path)
    return rows


def is_long_csv(path: str | Path) -> bool:
    """Whether the first non-blank row of ``path`` is a long-CSV header (groups:
    ``group``, ``task`` and ``score`` among its names; pairs: two or more of ``target``,
    ``source``, ``seed``, ``score`` and no group column). False for a missing or empty
    file and for a square score matrix."""
    path = Path(path)
    if not path.is_file():
        return False
    with path.open("rb") as fh:  # the first lines only; bad bytes are the reader's to report
        head = fh.read(1 << 16).decode("utf-8-sig", errors="replace")
    with contextlib.suppress(csv.Error):
        for row in csv.reader(io.StringIO(head)):
            if any(c.strip() for c in row):
                return _header(row) is not None or _pair_header(row)
    return False


def read_long_csv(
    path: str | Path,
    *,
    higher_is_better: bool = True,
    tasks: list[str] | tuple[str, ...] | None = None,
) -> ScoreTable:
    """Read a long CSV, either layout (see the module docstring), into a
    :class:`ScoreTable`; :func:`read_seeded_csv` also returns the seeds.

    Groups layout: groups in order of first appearance. Pairs layout: the single-task
    groups in target order, then the pairs in order of first appearance. ``tasks`` fixes
    the task order (and rejects any other task); by default tasks are taken in order of
    first appearance (pairs layout: targets, then source-only tasks). Raises
    :class:`~taskaffinity.errors.InputError` naming file, line and field for ragged rows,
    non-numeric cells, unknown tasks, a group scoring a task it does not contain,
    duplicate cells, or a group missing a score of its own task; for the pairs layout, a
    missing or unknown header column, a non-integer seed, a source equal to its target, a
    duplicate ``(target, source, seed)`` row, or a target without any single-task row.
    """
    return read_seeded_csv(path, higher_is_better=higher_is_better, tasks=tasks)[0]


def _label(seed: float) -> int | float:
    return int(seed) if float(seed).is_integer() else seed


def read_seeded_csv(
    path: str | Path,
    *,
    higher_is_better: bool = True,
    tasks: list[str] | tuple[str, ...] | None = None,
) -> tuple[ScoreTable, tuple[int | float, ...]]:
    """:func:`read_long_csv` and the seeds seen, sorted: the seed of each slice of the
    table's ``seed_scores`` (for a table without ``seed_scores``, its one seed when the
    file has a ``seed`` column, else none). Pass them on as
    ``taskaffinity.analysis.analyze(table, seeds=...)``."""
    path = Path(path)
    rows = _rows(path)
    if _pair_header(rows[0][1]):
        return _read_pairs(path, rows, higher_is_better, tasks)
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
    table = ScoreTable(
        tuple(order),
        tuple(k[0] for k in keys),
        scores,
        np.array([k[1] for k in keys]),
        higher_is_better,
        per_seed if len(seeds) > 1 else None,
    )
    labels = tuple(_label(s) for s in seeds) if "seed" in header else ()
    return table, labels


def _read_pairs(
    path: Path,
    rows: list[tuple[int, list[str]]],
    higher_is_better: bool,
    tasks: list[str] | tuple[str, ...] | None,
) -> tuple[ScoreTable, tuple[int, ...]]:
    """The pairs layout (see the module docstring); ``rows[0]`` is its header."""
    head_line, head = rows[0]
    header = [c.strip().lower() for c in head]
    for col in header:
        if col not in _PAIR_COLUMNS:
            hint = ""
            if col == "auxiliary":
                hint = (
                    " (a report's table of means and intervals, seed_intervals.csv, or the "
                    "seeds.csv of an earlier version: `taskaffinity report STUDY` writes "
                    "seeds.csv with the scores per seed)"
                )
            raise InputError(
                f"unknown column {col!r}; the columns are {', '.join(_PAIR_COLUMNS)}{hint}",
                file=path,
                line=head_line,
                field=col,
            )
        if header.count(col) > 1:
            raise InputError("column named twice", file=path, line=head_line, field=col)
    for col in _PAIR_COLUMNS:
        if col not in header:
            raise InputError(
                f"the header has no column {col!r}", file=path, line=head_line, field=col
            )
    fixed = list(tasks) if tasks is not None else None
    targets: list[str] = []
    others: list[str] = []
    cells: dict[tuple[str, str, int], float] = {}
    first: dict[tuple[str, str, int], int] = {}
    target_line: dict[str, int] = {}
    singles: set[str] = set()
    for line, row in rows[1:]:
        if len(row) != len(header):
            raise InputError(f"{len(row)} cells, expected {len(header)}", file=path, line=line)
        rec = dict(zip(header, (c.strip() for c in row), strict=True))
        target, source = rec["target"], rec["source"]
        if not target:
            raise InputError("empty target", file=path, line=line, field="target")
        if source == target:
            raise InputError(
                f"source {source!r} is its own target; leave source empty for the target "
                "trained alone",
                file=path,
                line=line,
                field="source",
            )
        for name, col in ((target, "target"), (source, "source")):
            if name and fixed is not None and name not in fixed:
                raise InputError(f"unknown task {name!r}", file=path, line=line, field=col)
        seed = parse_float(rec["seed"], file=path, line=line, field="seed")
        if not seed.is_integer():
            raise InputError(
                f"not an integer seed: {rec['seed']!r}", file=path, line=line, field="seed"
            )
        score = parse_float(rec["score"], file=path, line=line, field="score")
        key = (target, source, int(seed))
        if key in cells:
            raise InputError(
                f"second row for target {target!r}, source {source!r}, seed {int(seed)} "
                f"(first on line {first[key]})",
                file=path,
                line=line,
                field="seed",
            )
        cells[key], first[key] = score, line
        target_line.setdefault(target, line)
        if target not in targets:
            targets.append(target)
        if source and source not in others:
            others.append(source)
        if not source:
            singles.add(target)
    if not cells:
        raise InputError("the table has a header and no rows", file=path, line=head_line)
    for target in targets:
        if target not in singles:
            raise InputError(
                f"target {target!r} has no single-task score (a row with an empty source)",
                file=path,
                line=target_line[target],
                field="target",
            )
    order = fixed if fixed is not None else targets + [t for t in others if t not in targets]
    index = {t: i for i, t in enumerate(order)}
    groups: list[tuple[str, ...]] = [(t,) for t in order if t in singles]
    for target, source, _ in cells:
        group = tuple(sorted((target, source))) if source else (target,)
        if group not in groups:
            groups.append(group)
    seeds = sorted({s for _, _, s in cells})
    cube = np.full((len(seeds), len(groups), len(order)), np.nan)
    g_index = {g: k for k, g in enumerate(groups)}
    s_index = {s: k for k, s in enumerate(seeds)}
    for (target, source, seed), score in cells.items():
        group = tuple(sorted((target, source))) if source else (target,)
        cube[s_index[seed], g_index[group], index[target]] = score
    with warnings.catch_warnings():  # all-NaN cells outside each group
        warnings.simplefilter("ignore", RuntimeWarning)
        scores = np.nanmean(cube, axis=0)
    table = ScoreTable(
        tuple(order),
        tuple(groups),
        scores,
        np.ones(len(groups)),
        higher_is_better,
        cube,
    )
    return table, tuple(seeds)


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


def write_seeded_csv(
    table: ScoreTable, path: str | Path, *, seeds: Sequence[int] | None = None
) -> Path:
    """Write the singles and pairs of ``table`` in the pairs layout (module docstring),
    one row per (target, source, seed): ``target,source,seed,score``, source empty for
    the target trained alone; the file :func:`read_seeded_csv` reads back into the same
    scores per seed. Returns ``path``.

    Scores come from ``table.seed_scores`` (shape ``(n_seeds, n_groups, n_tasks)``), whose
    slices are the ``seeds`` (integers; default ``0 .. n_seeds - 1``); a table without
    ``seed_scores`` is written as one seed, ``seeds[0]`` (default 0). Rows are in task
    order: each target's single rows, then its pairs, sources in task order, seeds
    ascending; unmeasured cells (NaN) are left out, and so are networks of three or more
    tasks (the layout has no place for them). Values keep ``repr`` precision.
    """
    cube = table.seed_scores if table.seed_scores is not None else table.scores[None]
    labels = list(seeds) if seeds is not None else list(range(cube.shape[0]))
    if len(labels) != cube.shape[0]:
        raise ValueError(f"{len(labels)} seeds for {cube.shape[0]} slices of seed scores")
    if any(not float(s).is_integer() for s in labels):
        raise ValueError(f"the pairs layout takes integer seeds, got {labels}")
    by_group = {g: k for k, g in enumerate(table.groups) if len(g) <= 2}
    order = sorted(range(len(labels)), key=lambda k: labels[k])
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["target", "source", "seed", "score"])
        for i, target in enumerate(table.tasks):
            for source in (None, *table.tasks):
                if source == target:
                    continue
                key = (target,) if source is None else tuple(sorted((target, source)))
                g = by_group.get(key)
                if g is None:
                    continue
                for k in order:
                    value = float(cube[k, g, i])
                    if value == value:  # not NaN
                        out.writerow([target, source or "", int(labels[k]), repr(value)])
    return path
