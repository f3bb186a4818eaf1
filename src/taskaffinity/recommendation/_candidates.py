"""Every grouping a budget allows over a study's measured networks, scored per seed, to
find those the data cannot tell from the chosen one.

A *selection* is a set of networks (rows of a score table) that covers every task; each
task is served by the chosen network that scores it best on the mean over seeds of the
choosing split (its *assignment*), and a selection counts only when each of its networks
serves some task (a network serving none adds nothing). A *partition*'s networks are
disjoint. All arrays use signed scores (``sign * score``, maximised): ``mean`` of shape
``(n_groups, n_tasks)`` with ``-inf`` outside a network, ``cube`` of shape ``(n_seeds,
n_groups, n_tasks)`` with NaN where missing.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from math import comb

import numpy as np

__all__ = ["MAX_CANDIDATES", "Candidates", "assignment", "enumerate_candidates", "per_seed"]

#: The most selections enumerated to find the alternatives of a choice; beyond it the
#: alternatives are not searched (and the recommendation says so).
MAX_CANDIDATES = 200_000


def assignment(mean: np.ndarray, rows: tuple[int, ...]) -> np.ndarray:
    """Shape ``(n_tasks,)``: the row of ``rows`` serving each task (its best mean signed
    score among them; ties: the first in ``rows``), -1 for a task none of them contains."""
    vals = mean[list(rows)]
    best = np.argmax(vals, axis=0)
    out = np.asarray(rows)[best]
    return np.where(np.isfinite(vals.max(axis=0)), out, -1)


def per_seed(cube: np.ndarray, assign: np.ndarray) -> np.ndarray:
    """Shape ``(n_seeds,)``: per seed, the sum over tasks of each task's signed score in its
    assigned row (``assign``: shape ``(n_tasks,)``); NaN for a seed missing one of them."""
    return cube[:, assign, np.arange(len(assign))].sum(axis=1)


@dataclass(frozen=True, eq=False)
class Candidates:
    """Enumerated selections: ``rows[k]`` the sorted rows of selection ``k``, ``assign`` of
    shape ``(n, n_tasks)``, ``values`` of shape ``(n_seeds, n)`` (per-seed signed
    objective). ``complete`` is False when the budget allowed more than
    :data:`MAX_CANDIDATES` selections (then none were enumerated)."""

    rows: tuple[tuple[int, ...], ...]
    assign: np.ndarray
    values: np.ndarray
    complete: bool

    @property
    def sizes(self) -> np.ndarray:
        """Shape ``(n,)``: the number of networks of each selection."""
        return np.array([len(r) for r in self.rows], dtype=int)

    def within(self, max_networks: int) -> Candidates:
        """The selections of at most ``max_networks`` networks."""
        keep = np.flatnonzero(self.sizes <= max_networks)
        return Candidates(
            tuple(self.rows[k] for k in keep), self.assign[keep], self.values[:, keep],
            self.complete,
        )  # fmt: skip


def enumerate_candidates(
    mean: np.ndarray,
    cube: np.ndarray,
    max_networks: int,
    *,
    disjoint: bool = False,
    exactly: int | None = None,
) -> Candidates:
    """Every selection of at most ``max_networks`` rows (``exactly`` that many when given)
    covering every task, each network serving some task (``disjoint``: a partition, each
    task in exactly one network), with its assignment and per-seed objective."""
    n_groups, n_tasks = mean.shape
    sizes = [exactly] if exactly is not None else list(range(1, min(max_networks, n_groups) + 1))
    if sum(comb(n_groups, k) for k in sizes) > MAX_CANDIDATES:
        return Candidates((), np.zeros((0, n_tasks), int), np.zeros((cube.shape[0], 0)), False)
    inside = np.isfinite(mean)
    rows_out: list[tuple[int, ...]] = []
    assigns: list[np.ndarray] = []
    for k in sizes:
        if k > n_groups:
            continue
        combos = np.array(list(itertools.combinations(range(n_groups), k)), dtype=int)
        members = inside[combos]  # (m, k, n_tasks)
        count = members.sum(axis=1)
        ok = (count == 1).all(axis=1) if disjoint else (count >= 1).all(axis=1)
        combos, members = combos[ok], members[ok]
        if not len(combos):
            continue
        vals = mean[combos]  # (m, k, n_tasks)
        best = np.argmax(vals, axis=1)  # (m, n_tasks), index into the combo
        serves = np.stack([(best == j).any(axis=1) for j in range(k)], axis=1).all(axis=1)
        combos, best = combos[serves], best[serves]
        assign = np.take_along_axis(combos, best, axis=1)  # (m, n_tasks) rows
        rows_out.extend(tuple(int(x) for x in c) for c in combos)
        assigns.append(assign)
    assign = np.concatenate(assigns) if assigns else np.zeros((0, n_tasks), int)
    values = (
        cube[:, assign, np.arange(n_tasks)].sum(axis=2)
        if len(assign)
        else np.zeros((cube.shape[0], 0))
    )
    return Candidates(tuple(rows_out), assign, values, True)
