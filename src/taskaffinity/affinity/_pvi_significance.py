"""Task grouping by PVI distributions (Li, Miller, Bethard and Savova, "Identifying Task
Groupings for Multi-Task Learning Using Pointwise V-Usable Information").

Tasks whose PVI distributions are **not** significantly different (``p > alpha``, as in the
paper) are a candidate group: a two-sample t-test for pairs and a one-way ANOVA for 3 or
more tasks (``scipy.stats``), at ``alpha = 0.01``. The instances of two datasets are
independent samples, so the tests are independent-samples tests: Welch's unequal-variance
t-test by default, or Student's pooled-variance t-test (``test="student"``, for two tasks
the same p-value as the one-way ANOVA). No paired test is offered: instances of different
datasets have no pairing, and pairing them by position would make the result depend on
the order they are stored in. Every subset of 2+ tasks is tested (at most 2^12 subsets).

The proposed grouping is greedy over the candidate groups, each task in at most one group,
tasks left over alone. ``rule`` says which candidate comes first when a task is in
several:

* ``"largest"`` (default): the largest candidate group, ties broken by the higher p-value
  (the most similar PVI distributions);
* ``"paper"``: the rule of Li et al.: a task similar to several others is trained with the
  grouping of the larger test statistic. Statistics of pairs and of larger groups are
  compared on the F scale (``t**2`` for a pair, which is the two-group ANOVA's F for
  Student's test); ties broken by the larger group.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from taskaffinity.errors import InputError
from taskaffinity.types import Grouping

__all__ = ["PVI_RULES", "PVI_TESTS", "CandidateGroup", "PVIGrouping", "group_by_pvi", "two_sample"]

MAX_TASKS = 12
#: The two-sample tests offered for pairs of tasks (independent samples).
PVI_TESTS = ("welch", "student")
#: The rules that resolve a task in several candidate groups (see module docstring).
PVI_RULES = ("largest", "paper")


@dataclass(frozen=True)
class CandidateGroup:
    """One tested task set: ``test`` ("welch", "student" or "anova"), its statistic
    (t or F), p-value, and whether it is a candidate group (p > alpha)."""

    tasks: tuple[str, ...]
    test: str
    statistic: float
    pvalue: float
    candidate: bool


def _check_test(test: str) -> None:
    if test == "paired":
        raise InputError(
            "no paired test: instances of different datasets are independent samples, with "
            "no pairing; use 'welch' or 'student'",
            field="test",
        )
    if test not in PVI_TESTS:
        raise InputError(f"unknown test {test!r}; use 'welch' or 'student'", field="test")


def two_sample(a: np.ndarray, b: np.ndarray, *, test: str = "welch") -> tuple[float, float]:
    """``(t, p)`` of the independent two-sample t-test of PVI samples ``a`` vs ``b`` (any
    lengths; the order of the instances does not matter): Welch's (``"welch"``) or
    Student's pooled-variance test (``"student"``), ``scipy.stats.ttest_ind``."""
    from scipy import stats

    _check_test(test)
    r = stats.ttest_ind(np.asarray(a, float), np.asarray(b, float), equal_var=test == "student")
    return float(r.statistic), float(r.pvalue)


def _order_key(rule: str) -> Callable[[CandidateGroup], tuple[float, float]]:
    """Sort key of the candidate groups under ``rule``: the first in order is taken first."""
    if rule == "largest":
        return lambda c: (-len(c.tasks), -c.pvalue)
    # the paper: the larger statistic first, on the F scale (t**2 for a pair)
    return lambda c: (-(c.statistic**2 if len(c.tasks) == 2 else c.statistic), -len(c.tasks))


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
    values: dict[str, np.ndarray],
    *,
    alpha: float = 0.01,
    test: str = "welch",
    rule: str = "largest",
) -> PVIGrouping:
    """Test every subset of 2+ tasks of ``values`` (task -> per-instance PVI, any lengths)
    and propose a grouping by ``rule`` (``"largest"``, the default, or ``"paper"``; see
    the module docstring). ``Grouping.predicted`` = mean p-value of the proposed
    multi-task groups (NaN when none); ``Grouping.method`` = ``pvi-<test>`` for the
    default rule, ``pvi-<test>-paper`` for the paper's."""
    from scipy import stats

    _check_test(test)
    if rule not in PVI_RULES:
        raise InputError(f"unknown rule {rule!r}; use 'largest' or 'paper'", field="rule")
    names = list(values)
    if len(names) > MAX_TASKS:
        raise InputError(f"PVI grouping tests every subset; at most {MAX_TASKS} tasks")
    tested = []
    for size in range(2, len(names) + 1):
        for combo in itertools.combinations(names, size):
            samples = [np.asarray(values[t], dtype=float) for t in combo]
            if size == 2:
                stat, p = two_sample(samples[0], samples[1], test=test)
                kind = test
            else:
                r = stats.f_oneway(*samples)
                stat, p, kind = float(r.statistic), float(r.pvalue), "anova"
            ok = bool(np.isfinite(p) and p > alpha)
            tested.append(CandidateGroup(tuple(combo), kind, stat, p, ok))
    order = sorted((c for c in tested if c.candidate), key=_order_key(rule))
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
        method=f"pvi-{test}" if rule == "largest" else f"pvi-{test}-{rule}",
    )
    return PVIGrouping(alpha, tuple(tested), proposed)
