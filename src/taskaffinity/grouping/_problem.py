"""Array view of a :class:`ScoreTable` shared by every search, the common objective, and
the HiGHS call (``scipy.optimize.milp``) the exact searches share (:func:`solve_milp`).

Internally every search **maximises**: ``values = sign * scores`` with ``sign = +1`` for
higher-is-better tables and ``-1`` for losses, and ``-inf`` where a network does not
contain a task. Objectives are reported back in the table's own units (a sum of losses for
a lower-is-better table).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from taskaffinity.errors import InputError
from taskaffinity.types import Grouping

if TYPE_CHECKING:
    from scipy.optimize import OptimizeResult

    from taskaffinity.types import ScoreTable

__all__ = ["EPS", "Problem", "evaluate_grouping", "problem", "score_on", "solve_milp"]

EPS = 1e-9


@dataclass(frozen=True, eq=False)
class Problem:
    """``members``: bool ``(n_groups, n_tasks)``; ``values``: signed scores, ``-inf``
    outside; ``costs``: ``(n_groups,)``; ``sign``: +1 or -1 (table units = sign * value)."""

    table: ScoreTable
    members: np.ndarray
    values: np.ndarray
    costs: np.ndarray
    sign: float

    @property
    def n_tasks(self) -> int:
        return self.members.shape[1]

    def value(self, rows: Sequence[int]) -> float:
        """Internal (maximised) objective of networks ``rows``; ``-inf`` if a task is uncovered."""
        if len(rows) == 0:
            return -np.inf
        return float(np.max(self.values[list(rows)], axis=0).sum())

    def grouping(self, rows: Sequence[int], *, exact: bool, method: str) -> Grouping:
        """A :class:`Grouping` of ``rows`` (sorted by row) with its objective in table units."""
        rows = sorted(int(r) for r in rows)
        return Grouping(
            groups=tuple(self.table.groups[r] for r in rows),
            predicted=self.sign * self.value(rows),
            costs=tuple(float(self.costs[r]) for r in rows),
            exact=exact,
            method=method,
        )


def problem(table: ScoreTable) -> Problem:
    """Validate ``table`` for searching and build its :class:`Problem`.

    Raises :class:`~taskaffinity.errors.InputError` when a network has no score for one of
    its own tasks, a cost is negative, or two networks share tasks and cost (a network is
    identified by its tasks and cost, e.g. Standley's half- and full-size singles).
    """
    n = table.n_tasks
    members = np.zeros((len(table.groups), n), dtype=bool)
    for g, group in enumerate(table.groups):
        members[g, [table.index(t) for t in group]] = True
        missing = [t for t in group if np.isnan(table.scores[g, table.index(t)])]
        if missing:
            raise InputError(
                f"network {'+'.join(group)} has no score for its task {missing[0]!r}",
                field="score",
            )
    if np.any(table.costs < 0):
        raise InputError("negative network cost", field="cost")
    seen: set[tuple[tuple[str, ...], float]] = set()
    for group, cost in zip(table.groups, table.costs, strict=True):
        key = (group, round(float(cost), 9))
        if key in seen:
            raise InputError(
                f"two networks {'+'.join(group)} of the same cost {cost:g}: networks are "
                "identified by tasks and cost; average repeated runs (seeds) into one row",
                field="group",
            )
        seen.add(key)
    sign = 1.0 if table.higher_is_better else -1.0
    values = np.where(members, sign * np.nan_to_num(table.scores), -np.inf)
    return Problem(table, members, values, table.costs.astype(float), sign)


def _row_of(table: ScoreTable, group: tuple[str, ...], cost: float | None) -> int:
    rows = [g for g, grp in enumerate(table.groups) if grp == tuple(sorted(group))]
    if cost is not None:
        same = [g for g in rows if abs(table.costs[g] - cost) <= EPS]
        rows = same or rows
    if not rows:
        raise InputError(f"network {'+'.join(group)} is not in the table", field="group")
    return rows[0]


def evaluate_grouping(
    table: ScoreTable,
    groups: Sequence[Sequence[str]],
    costs: Sequence[float] | None = None,
) -> float:
    """Objective of the networks ``groups`` on ``table``: the sum over tasks of each task's
    best score among the networks that contain it (for disjoint groups, the plain sum), in
    the table's units. A network is matched by its tasks and, when ``costs`` is given, its
    cost (so Standley's half-size and full-size single-task networks stay apart). Raises
    :class:`~taskaffinity.errors.InputError` when a network is missing or a task uncovered.
    """
    prob = problem(table)
    cs = list(costs) if costs else [None] * len(groups)
    rows = [_row_of(table, tuple(g), c) for g, c in zip(groups, cs, strict=True)]
    value = prob.value(rows)
    if not np.isfinite(value):
        covered = prob.members[rows].any(axis=0) if rows else np.zeros(prob.n_tasks, bool)
        missing = [t for t, c in zip(table.tasks, covered, strict=True) if not c]
        raise InputError(f"tasks not covered by the chosen networks: {missing}", field="group")
    return prob.sign * value


def score_on(grouping: Grouping, table: ScoreTable) -> Grouping:
    """``grouping`` with ``measured`` set to its objective on ``table`` (e.g. the test table)."""
    from dataclasses import replace

    measured = evaluate_grouping(table, grouping.groups, grouping.costs or None)
    return replace(grouping, measured=measured)


def solve_milp(
    c: np.ndarray,
    a: Any,
    lb: Sequence[float] | np.ndarray,
    ub: Sequence[float] | np.ndarray,
    n_int: int,
    time_limit: float | None,
) -> OptimizeResult:
    """Minimise ``c @ z`` subject to ``lb <= a @ z <= ub`` and ``0 <= z <= 1``, the first
    ``n_int`` entries of ``z`` binary, with HiGHS (``scipy.optimize.milp``) to a zero
    relative gap. ``a``: (constraints, variables) dense or sparse matrix; ``lb``/``ub``:
    (constraints,); ``time_limit`` in seconds (None: unlimited). Returns scipy's result
    (``x`` None when no solution was found; ``status`` 0 when proved optimal)."""
    from scipy.optimize import LinearConstraint, milp

    integrality = np.zeros(len(c))
    integrality[:n_int] = 1
    options: dict[str, float] = {"mip_rel_gap": 0.0}
    if time_limit is not None:
        options["time_limit"] = time_limit
    return milp(
        c,
        constraints=LinearConstraint(a, np.array(lb), np.array(ub)),
        integrality=integrality,
        bounds=(np.zeros(len(c)), np.ones(len(c))),
        options=options,
    )
