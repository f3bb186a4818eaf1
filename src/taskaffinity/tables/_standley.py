"""Importer for the network-selection tables of Standley et al., "Which Tasks Should Be
Learned Together in Multi-task Learning?", ICML 2020 (``network_selection/results*.txt``).

Format: tab-separated, one row per trained network, one column per task, an empty cell
where the network does not solve the task. **Row 1** holds five independent *half-size*
single-task networks (each a separate network of cost 0.5); every further row is one
full-size network (cost 1.0) on the tasks whose cells are filled. Values are losses
(lower is better).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from taskaffinity.errors import InputError
from taskaffinity.tables._parse import default_names, parse_float, read_lines
from taskaffinity.types import ScoreTable

__all__ = ["STANDLEY_TASKS", "read_standley"]

#: Column order of the published tables: semantic segmentation, depth, surface normals,
#: keypoints, edges.
STANDLEY_TASKS = ("s", "d", "n", "k", "e")


def read_standley(
    path: str | Path,
    *,
    names: list[str] | tuple[str, ...] | None = None,
    half_cost: float = 0.5,
    full_cost: float = 1.0,
    higher_is_better: bool = False,
) -> ScoreTable:
    """Read one Standley ``results*.txt`` table.

    Returns a :class:`ScoreTable` whose first ``n`` groups are the half-size single-task
    networks of row 1 (cost ``half_cost`` each, in column order), followed by one group per
    further row (cost ``full_cost``), in file order. Task names default to
    ``s, d, n, k, e`` for five columns and ``t0 ..`` otherwise. Raises
    :class:`~taskaffinity.errors.InputError` on ragged rows or non-numeric cells.
    """
    lines = read_lines(path)
    if not lines:
        raise InputError("empty table", file=path)
    width = len(lines[0][1].split("\t"))
    if names is None and width == len(STANDLEY_TASKS):
        names = STANDLEY_TASKS
    tasks = default_names(width, names)
    groups: list[tuple[str, ...]] = []
    rows: list[np.ndarray] = []
    costs: list[float] = []
    for k, (lineno, text) in enumerate(lines):
        cells = text.split("\t")
        if len(cells) != width:
            raise InputError(
                f"{len(cells)} tab-separated cells, expected {width}", file=path, line=lineno
            )
        values = np.full(width, np.nan)
        for j, cell in enumerate(cells):
            if cell.strip():
                values[j] = parse_float(cell.strip(), file=path, line=lineno, field=tasks[j])
        filled = [j for j in range(width) if not np.isnan(values[j])]
        if not filled:
            raise InputError("row has no value", file=path, line=lineno)
        if k == 0:  # independent half-size single-task networks
            for j in filled:
                row = np.full(width, np.nan)
                row[j] = values[j]
                groups.append((tasks[j],))
                rows.append(row)
                costs.append(half_cost)
        else:
            groups.append(tuple(tasks[j] for j in filled))
            rows.append(values)
            costs.append(full_cost)
    return ScoreTable(tasks, tuple(groups), np.array(rows), np.array(costs), higher_is_better)
