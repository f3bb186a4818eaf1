"""A planted many-task gain table for the scaling benchmark: n tasks (up to hundreds), a
candidate set that grows with n^2 (every pair) instead of 2^n, a noise-free truth and a
noisy, seeded measurement of it.

The generator (:func:`planted_many`), everything drawn from one ``numpy`` generator seeded
by ``seed`` in a fixed order, so a table is the same for the same arguments:

* **tasks** ``t000 .. t{n-1}`` (zero-padded to the width of ``n - 1``);
* **planted groups**: ``K = max(2, round(n / group_size))`` groups, a partition of the
  tasks in a random order, of random sizes ``2 + Multinomial(n - 2K, Dirichlet(2, .., 2))``
  (every group has at least two tasks; sizes average ``n / K``);
* **pair effects** ``a[t, u]`` (row = target ``t``, column = partner ``u``):
  ``N(inside, pair_sd^2)`` when ``u`` is in ``t``'s planted group, ``N(across,
  pair_sd^2)`` otherwise (the mean of the effect plus ``N(0, pair_sd^2)`` noise);
* **the gain of target t in a combination S** (two or more tasks; ``M`` = ``t``'s group
  mates in ``S``, ``O`` = the other partners in ``S``)::

      g_t(S) = sum_{u in M} a[t, u] / (1 + saturation * max(|M| - 1, 0))
             + sum_{u in O} a[t, u]
             + sum_{(u, v) in T_t, u in S, v in S} c_t(u, v)

  The first term is a higher-order effect of the group: the benefit of group mates
  saturates with how many of them are present (with one mate it is the pair effect);
  ``T_t`` are ``n_triples`` random third-order effects per target, each a pair of
  partners (``u`` one of ``t``'s group mates, ``v`` any other task, both drawn uniformly)
  with ``c_t(u, v) ~ N(0, triple_sd^2)``, active when both are in ``S`` (never in a pair).
  A task alone gains 0;
* **candidates** (rows, sorted by size then names, no duplicates): every single task,
  every pair, every planted group, every planted group less one task (groups of four or
  more), the union of consecutive planted groups ``(G_k, G_{k+1})`` for k = 1..K-1,
  ``random_per_task * n`` random combinations of 3 to 8 tasks (size uniform, tasks
  uniform), and, with ``all_task``, all tasks together;
* **measurement**: ``n_seeds`` seeds, each ``g_t(S) + N(0, noise^2)`` independently per
  (seed, combination, task); single tasks are exactly 0 in every seed (a gain is relative
  to the same seed's single-task run). ``measured.scores`` is the mean over seeds and
  ``measured.seed_scores`` the seeds, shape ``(n_seeds, G, n)``.

The plan is served ``measured``; ``truth`` (noise-free, same rows and columns) scores what
it recommends.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from taskaffinity.types import ScoreTable

__all__ = ["PlantedMany", "planted_many"]


@dataclass(frozen=True, eq=False)
class PlantedMany:
    """A planted many-task table: ``tasks``; ``partition`` the planted groups (sorted
    tuples); ``pairs`` ``(n, n)`` the pair effects ``a[target, partner]`` (diagonal 0);
    ``truth`` the noise-free gain table (rows = candidates, columns = tasks, NaN outside a
    combination, no seeds); ``measured`` the same rows measured with seed noise
    (``seed_scores`` ``(n_seeds, G, n)``, ``scores`` their mean)."""

    tasks: tuple[str, ...]
    partition: tuple[tuple[str, ...], ...]
    pairs: np.ndarray
    truth: ScoreTable
    measured: ScoreTable


def _candidates(
    n: int, parts: list[np.ndarray], random_per_task: int, all_task: bool, rng: np.random.Generator
) -> list[tuple[int, ...]]:
    """Candidate combinations as sorted index tuples (see the module docstring)."""
    out: set[tuple[int, ...]] = {(i,) for i in range(n)}
    out.update((i, j) for i in range(n) for j in range(i + 1, n))
    for p in parts:
        out.add(tuple(sorted(p.tolist())))
        if len(p) >= 4:
            for drop in p:
                out.add(tuple(sorted(int(x) for x in p if x != drop)))
    for k in range(len(parts) - 1):
        out.add(tuple(sorted(np.concatenate([parts[k], parts[k + 1]]).tolist())))
    for _ in range(random_per_task * n):
        size = int(rng.integers(3, min(8, n) + 1)) if n >= 3 else n
        out.add(tuple(sorted(rng.choice(n, size=size, replace=False).tolist())))
    if all_task:
        out.add(tuple(range(n)))
    return sorted(out, key=lambda g: (len(g), g))


def planted_many(
    n_tasks: int,
    *,
    seed: int = 0,
    group_size: float = 8.0,
    inside: float = 1.0,
    across: float = -0.2,
    pair_sd: float = 0.5,
    saturation: float = 0.3,
    n_triples: int = 2,
    triple_sd: float = 0.5,
    noise: float = 0.5,
    n_seeds: int = 3,
    random_per_task: int = 1,
    all_task: bool = True,
) -> PlantedMany:
    """The planted table of ``n_tasks`` tasks (module docstring: every argument's role).
    Deterministic under ``seed``. Raises ``ValueError`` for fewer than 4 tasks or no seed."""
    if n_tasks < 4:
        raise ValueError(f"n_tasks {n_tasks} < 4: two planted groups need four tasks")
    if n_seeds < 1:
        raise ValueError("n_seeds must be at least 1")
    n = n_tasks
    rng = np.random.default_rng(seed)
    width = len(str(n - 1))
    tasks = tuple(f"t{i:0{width}d}" for i in range(n))
    k = max(2, round(n / group_size))
    extra = rng.multinomial(n - 2 * k, rng.dirichlet(np.full(k, 2.0)))
    sizes = 2 + extra
    order = rng.permutation(n)
    parts = np.split(order, np.cumsum(sizes)[:-1])
    label = np.empty(n, dtype=int)
    for g, p in enumerate(parts):
        label[p] = g
    same = label[:, None] == label[None, :]
    a = np.where(same, inside, across) + pair_sd * rng.standard_normal((n, n))
    np.fill_diagonal(a, 0.0)
    triples: list[list[tuple[int, int, float]]] = []
    for t in range(n):
        mates = parts[label[t]][parts[label[t]] != t]
        mine = []
        for _ in range(n_triples):
            u = int(rng.choice(mates))
            v = int(rng.choice([x for x in range(n) if x not in (t, u)]))
            mine.append((u, v, float(triple_sd * rng.standard_normal())))
        triples.append(mine)
    groups = _candidates(n, parts, random_per_task, all_task, rng)
    members = np.zeros((len(groups), n), dtype=bool)
    for g, grp in enumerate(groups):
        members[g, list(grp)] = True
    truth = np.full(members.shape, np.nan)
    sizes_g = members.sum(axis=1)
    truth[sizes_g == 1] = np.where(members[sizes_g == 1], 0.0, np.nan)
    x = members.astype(float)
    for t in range(n):
        rows = np.flatnonzero(members[:, t] & (sizes_g >= 2))
        xt = x[rows]
        mate = same[t].copy()
        mate[t] = False
        m = xt[:, mate].sum(axis=1)
        inner = xt[:, mate] @ a[t, mate] / (1.0 + saturation * np.maximum(m - 1.0, 0.0))
        other = ~same[t]
        outer = xt[:, other] @ a[t, other]
        third = sum(c * xt[:, u] * xt[:, v] for u, v, c in triples[t]) if triples[t] else 0.0
        truth[rows, t] = inner + outer + third
    noisy = truth[None] + noise * rng.standard_normal((n_seeds, *truth.shape))
    noisy[:, sizes_g == 1] = truth[sizes_g == 1]
    names = tuple(tuple(tasks[i] for i in grp) for grp in groups)
    costs = np.ones(len(groups))
    truth_table = ScoreTable(tasks, names, truth, costs, True)
    measured = ScoreTable(tasks, names, noisy.mean(axis=0), costs, True, noisy)
    partition = tuple(sorted(tuple(tasks[i] for i in sorted(p.tolist())) for p in parts))
    return PlantedMany(tasks, partition, a, truth_table, measured)
