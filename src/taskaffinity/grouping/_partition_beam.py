"""Heuristic beam search for partitions out of exact reach (``exact=False``): partial
partitions grow by one network containing the first uncovered task; the ``width`` best by
``value + optimistic rest`` (each uncovered task's best score anywhere) survive.
"""

from __future__ import annotations

import numpy as np

from taskaffinity.errors import InputError
from taskaffinity.grouping._partition_exact import _masks
from taskaffinity.grouping._problem import EPS

__all__: list[str] = []


def _beam(prob, budget, k_max, n_groups, width) -> list[int]:
    n = prob.n_tasks
    masks, gains = _masks(prob)
    full = (1 << n) - 1
    best_task = prob.values.max(axis=0)
    by_low: dict[int, list[int]] = {}
    for r, m in enumerate(masks):
        by_low.setdefault(m & -m, []).append(r)
    # a row is usable for the lowest uncovered task t if it contains t and no lower task
    usable = {
        1 << t: [
            r for r in range(len(masks)) if masks[r] >> t & 1 and masks[r] & ((1 << t) - 1) == 0
        ]
        for t in range(n)
    }
    beam = [(0.0, 0, 0.0, ())]
    done: list[tuple[float, tuple[int, ...]]] = []
    while beam:
        nxt = []
        for value, covered, spent, rows in beam:
            free = full & ~covered
            low = free & -free
            for r in usable[low]:
                m = masks[r]
                cost = spent + prob.costs[r]
                if m & covered or (budget is not None and cost > budget + EPS):
                    continue
                if len(rows) + 1 > k_max:
                    continue
                state = (value + gains[r], covered | m, cost, (*rows, r))
                if state[1] == full:
                    if n_groups is None or len(state[3]) == n_groups:
                        done.append((state[0], state[3]))
                else:
                    nxt.append(state)
        rest = [sum(best_task[t] for t in range(n) if not s[1] >> t & 1) for s in nxt]
        order = np.argsort([-(s[0] + b) for s, b in zip(nxt, rest, strict=True)], kind="stable")
        beam = [nxt[i] for i in order[:width]]
    if not done:
        raise InputError("beam search found no partition that fits the constraints")
    return list(max(done, key=lambda d: d[0])[1])
