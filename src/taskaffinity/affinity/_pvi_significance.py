"""Task grouping by PVI distributions (Li, Miller, Bethard and Savova, Tables 1 and 2).

Tasks whose PVI distributions are **not** significantly different (p >= alpha) are a
candidate group: a two-sample t-test for pairs (Welch's unequal-variance test by default;
the paper's paired t-test as an option, on equal-size samples drawn with a fixed seed) and
a one-way ANOVA for 3 or more tasks (``scipy.stats``), at ``alpha = 0.01``. Every subset
of 2+ tasks is tested (at most 2^12 subsets). The proposed grouping is greedy: take the
largest candidate group (ties: higher p-value), remove its tasks, repeat; tasks left
over stay alone.
"""

from __future__ import annotations

import csv
import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from taskaffinity.errors import InputError
from taskaffinity.types import Grouping

__all__ = ["CandidateGroup", "PVIGrouping", "group_by_pvi", "two_sample"]

MAX_TASKS = 12


@dataclass(frozen=True)
class CandidateGroup:
    """One tested task set: ``test`` ("welch", "paired" or "anova"), its statistic
    (t or F), p-value, and whether it is a candidate group (p >= alpha)."""

    tasks: tuple[str, ...]
    test: str
    statistic: float
    pvalue: float
    candidate: bool


def _equal_samples(samples: list[np.ndarray], seed: int) -> list[np.ndarray]:
    n = min(len(s) for s in samples)
    rng = np.random.default_rng(seed)
    return [np.sort(rng.choice(s, size=n, replace=False)) if len(s) > n else s for s in samples]


def two_sample(a: np.ndarray, b: np.ndarray, *, test: str = "welch", seed: int = 0) -> tuple:
    """``(statistic, pvalue)`` of the two-sample t-test of PVI samples ``a`` vs ``b``.

    ``test="paired"``: ``scipy.stats.ttest_rel`` on equal-size samples drawn (without
    replacement) with ``seed`` - the paper's choice; pairs are formed by index."""
    from scipy import stats

    if test == "welch":
        r = stats.ttest_ind(a, b, equal_var=False)
    elif test == "paired":
        a2, b2 = _equal_samples([np.asarray(a), np.asarray(b)], seed)
        r = stats.ttest_rel(a2, b2)
    else:
        raise InputError(f"unknown test {test!r}; use 'welch' or 'paired'", field="test")
    return float(r.statistic), float(r.pvalue)


@dataclass(frozen=True)
class PVIGrouping:
    """Every tested task set (``tested``), the candidates among them, and ``proposed``."""

    alpha: float
    tested: tuple[CandidateGroup, ...]
    proposed: Grouping

    @property
    def candidates(self) -> tuple[CandidateGroup, ...]:
        return tuple(c for c in self.tested if c.candidate)

    def rows(self) -> list[dict[str, object]]:
        """One dict per tested set: tasks ("+"-joined), size, test, statistic, p, candidate."""
        return [
            {
                "tasks": "+".join(c.tasks),
                "size": len(c.tasks),
                "test": c.test,
                "statistic": c.statistic,
                "pvalue": c.pvalue,
                "candidate": c.candidate,
            }
            for c in self.tested
        ]

    def to_csv(self, path: str | Path) -> Path:
        path = Path(path)
        rows = self.rows()
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]) if rows else ["tasks"])
            w.writeheader()
            w.writerows(rows)
        return path


def group_by_pvi(
    values: dict[str, np.ndarray], *, alpha: float = 0.01, test: str = "welch", seed: int = 0
) -> PVIGrouping:
    """Test every subset of 2+ tasks of ``values`` (task -> per-instance PVI) and propose
    a grouping (see module docstring). ``Grouping.predicted`` = mean p-value of the
    proposed multi-task groups (NaN when none)."""
    from scipy import stats

    names = list(values)
    if len(names) > MAX_TASKS:
        raise InputError(f"PVI grouping tests every subset; at most {MAX_TASKS} tasks")
    tested = []
    for size in range(2, len(names) + 1):
        for combo in itertools.combinations(names, size):
            samples = [np.asarray(values[t], dtype=float) for t in combo]
            if size == 2:
                stat, p = two_sample(samples[0], samples[1], test=test, seed=seed)
                kind = test
            else:
                if test == "paired":
                    samples = _equal_samples(samples, seed)
                r = stats.f_oneway(*samples)
                stat, p, kind = float(r.statistic), float(r.pvalue), "anova"
            ok = bool(np.isfinite(p) and p >= alpha)
            tested.append(CandidateGroup(tuple(combo), kind, stat, p, ok))
    order = sorted((c for c in tested if c.candidate), key=lambda c: (-len(c.tasks), -c.pvalue))
    left, groups, ps = set(names), [], []
    for c in order:
        if set(c.tasks) <= left:
            groups.append(tuple(sorted(c.tasks)))
            ps.append(c.pvalue)
            left -= set(c.tasks)
    groups += [(t,) for t in names if t in left]
    proposed = Grouping(
        groups=tuple(groups),
        predicted=float(np.mean(ps)) if ps else float("nan"),
        exact=False,
        method=f"pvi-{test}",
    )
    return PVIGrouping(alpha, tuple(tested), proposed)
