"""Importer for the gain tables of Song et al., "Efficient and Effective Multi-task
Grouping via Meta Learning on Task Combinations", NeurIPS 2022
(``gain_collection/collected_gain/``).

Format: a 0/1 membership matrix ``*_x.csv`` (one row per trained combination, one column
per task) and per-task gain matrices ``*_y*.csv`` of the same shape: the transfer gain of
the task in that combination relative to training it alone (higher is better; 0 where the
task is not in the combination, and 0 for single-task combinations by definition). Cells
are separated by spaces or commas. Every combination costs 1.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from taskaffinity.errors import InputError
from taskaffinity.tables._parse import default_names, parse_float, read_lines
from taskaffinity.types import ScoreTable

__all__ = ["read_matrix", "read_mtgnet"]

_SPLIT = re.compile(r"[,\s]+")


def read_matrix(path: str | Path, *, width: int | None = None) -> np.ndarray:
    """A numeric matrix (space- or comma-separated) of shape ``(n_rows, width)``."""
    out: list[list[float]] = []
    for lineno, text in read_lines(path):
        cells = [c for c in _SPLIT.split(text.strip()) if c]
        if width is None:
            width = len(cells)
        if len(cells) != width:
            raise InputError(f"{len(cells)} cells, expected {width}", file=path, line=lineno)
        out.append(
            [
                parse_float(c, file=path, line=lineno, field=f"column {j + 1}")
                for j, c in enumerate(cells)
            ]
        )
    if not out:
        raise InputError("empty table", file=path)
    return np.array(out)


def read_mtgnet(
    members: str | Path,
    gains: str | Path,
    *,
    names: list[str] | tuple[str, ...] | None = None,
    cost: float = 1.0,
) -> ScoreTable:
    """Read an MTG-Net membership file and one gain file into a :class:`ScoreTable`.

    Returns groups in file order (scores = gains, higher is better, NaN outside each
    group). Tasks are named ``t0 .. t{n-1}`` unless ``names`` is given. Raises
    :class:`~taskaffinity.errors.InputError` when the shapes differ, a membership cell is
    not 0/1, a row is empty, or a gain is non-zero for a task outside its combination.
    """
    x = read_matrix(members)
    y = read_matrix(gains, width=x.shape[1])
    if y.shape != x.shape:
        raise InputError(f"{y.shape[0]} rows, but {members} has {x.shape[0]}", file=gains)
    lines_x = [ln for ln, _ in read_lines(members)]
    lines_y = [ln for ln, _ in read_lines(gains)]
    tasks = default_names(x.shape[1], names)
    bad = np.argwhere((x != 0) & (x != 1))
    if len(bad):
        g, t = bad[0]
        raise InputError("membership must be 0 or 1", file=members, line=lines_x[g], field=tasks[t])
    inside = x == 1
    for g in np.flatnonzero(~inside.any(axis=1)):
        raise InputError("combination with no task", file=members, line=lines_x[g])
    outside = np.argwhere(~inside & (y != 0))
    if len(outside):
        g, t = outside[0]
        raise InputError(
            "gain given for a task that is not in the combination",
            file=gains,
            line=lines_y[g],
            field=tasks[t],
        )
    scores = np.where(inside, y, np.nan)
    groups = tuple(tuple(tasks[t] for t in np.flatnonzero(row)) for row in inside)
    return ScoreTable(tasks, groups, scores, np.full(len(groups), cost), True)
