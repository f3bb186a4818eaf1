"""The recommendation of a stored study: for each budget, the networks to train, which
network serves each task, and the evidence behind the choice.

The choice is made on the **dev** scores of the measured runs (the exact searches of
:mod:`taskaffinity.grouping`: ``milp_select`` for networks under a budget, the partition
searches for disjoint groups) and judged on **test**, per seed, so every number carries its
95% Student-t interval over seeds. Each task is served by the chosen network that scores it
best on dev (mean over seeds). For every budget the recommendation also gives

* each task's gain rate on test in its network against its single run, with its interval
  and whether its sign is settled (for a pair, the analysis's own cell);
* the alternatives: other groupings the budget allows whose dev objective the data cannot
  tell from the chosen one's (the 95% interval of the per-seed difference includes 0);
* the comparison on test with training every task alone and all tasks together, and a
  plain sentence when the data cannot separate the choice from them;
* the groupings chosen from each stored estimate (``STUDY/estimates/*.json``, TAG's rule
  over the affinity matrix, :func:`taskaffinity.grouping.select_from_affinity`) with their
  measured value on test.

Objectives are in the scores' units: the sum over tasks of each task's score in its
network (a sum of losses for lower-is-better metrics); gains and differences are signed so
that positive always means better.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from taskaffinity.analysis import t_interval
from taskaffinity.errors import InputError
from taskaffinity.recommendation._candidates import (
    Candidates,
    assignment,
    enumerate_candidates,
    per_seed,
)
from taskaffinity.recommendation._interval import Interval, over_seeds
from taskaffinity.recommendation._scores import SplitScores, split_scores

if TYPE_CHECKING:
    from taskaffinity.analysis import Analysis
    from taskaffinity.study import StudyData
    from taskaffinity.types import AffinityMatrix

__all__ = [
    "SHOWN_ALTERNATIVES",
    "BudgetRecommendation",
    "Choice",
    "EstimateChoice",
    "Recommendation",
    "TaskEvidence",
    "default_budgets",
    "recommend",
    "recommend_study",
    "stored_estimates",
    "stored_pvi_grouping",
]

#: Alternatives kept (best first) in a :class:`BudgetRecommendation`; all are counted.
SHOWN_ALTERNATIVES = 5


@dataclass(frozen=True)
class TaskEvidence:
    """Task ``task`` is served by network ``network`` (index into the choice's
    ``networks``); ``alone`` when that network is the task by itself. ``gain_rate``: its
    gain rate on test in that network against its single run (percent, positive = better;
    None when alone or unmeasured), ``settled`` the sign of its interval (+1/-1, 0 when it
    includes 0, None without an interval)."""

    task: str
    network: int
    alone: bool
    gain_rate: Interval | None
    settled: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "task": self.task,
            "network": self.network,
            "alone": self.alone,
            "gain_rate": None if self.gain_rate is None else self.gain_rate.to_dict(),
            "settled": self.settled,
        }


@dataclass(frozen=True)
class Choice:
    """One grouping and its value: ``networks`` (sorted task tuples), ``assignment`` (task
    -> index in ``networks``), the objective on the choosing split (``dev``) and on
    ``test`` (sum over tasks, score units), ``gain`` on test over training every task
    alone (signed, score units; None without every single run) and ``gain_rate`` (the mean
    over tasks of their gain rates on test, percent), with ``tasks`` the per-task
    evidence."""

    networks: tuple[tuple[str, ...], ...]
    assignment: Mapping[str, int]
    dev: Interval
    test: Interval
    gain: Interval | None
    gain_rate: Interval | None
    tasks: tuple[TaskEvidence, ...] = ()

    def label(self) -> str:
        """``a+b | c``."""
        return " | ".join("+".join(n) for n in self.networks)

    def to_dict(self) -> dict[str, Any]:
        return {
            "networks": [{"tasks": list(n), "cost": 1.0} for n in self.networks],
            "assignment": dict(self.assignment),
            "dev_objective": self.dev.to_dict(),
            "test_objective": self.test.to_dict(),
            "test_gain": None if self.gain is None else self.gain.to_dict(),
            "test_gain_rate": None if self.gain_rate is None else self.gain_rate.to_dict(),
            "cells": [t.to_dict() for t in self.tasks],
        }


@dataclass(frozen=True)
class EstimateChoice:
    """The grouping chosen under the same budget from stored estimate ``method`` (TAG's
    rule over its affinity matrix) and, when every network of it was measured, its
    ``measured`` value (dev assignment, test objective) and ``difference`` on test from the
    recommendation (signed: positive = the estimate's grouping is better)."""

    method: str
    networks: tuple[tuple[str, ...], ...]
    measured: Choice | None
    difference: Interval | None
    same: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "networks": [{"tasks": list(n)} for n in self.networks],
            "same_as_recommended": self.same,
            "measured": None if self.measured is None else self.measured.to_dict(),
            "difference_on_test": None if self.difference is None else self.difference.to_dict(),
        }


@dataclass(frozen=True)
class BudgetRecommendation:
    """The answer for one ``budget`` (networks of cost 1 each; None for a partition without
    a budget): the ``choice`` (None with ``error`` when nothing fits), ``exact`` (the search
    proved its optimum on dev), up to :data:`SHOWN_ALTERNATIVES` ``alternatives`` of the
    ``n_alternatives`` the data cannot tell from it (``alternatives_searched`` False when
    there were too many groupings to enumerate, or no interval with one seed), the
    comparisons on test with training ``alone`` and ``together`` (signed differences,
    positive = the choice is better), a plain ``statement`` and the ``estimates``'
    groupings. ``n_considered``: the other groupings the budget allows (enumerated when
    the alternatives were searched)."""

    budget: float | None
    choice: Choice | None
    exact: bool = True
    alternatives: tuple[Choice, ...] = ()
    n_alternatives: int = 0
    alternatives_searched: bool = False
    alone: Interval | None = None
    together: Interval | None = None
    statement: str = ""
    estimates: tuple[EstimateChoice, ...] = ()
    error: str = ""
    n_considered: int = 0

    def to_dict(self, chosen_on: str) -> dict[str, Any]:
        """JSON record (module docstring of :mod:`taskaffinity.recommendation`)."""
        out: dict[str, Any] = {"budget": self.budget, "chosen_on": chosen_on}
        if self.choice is None:
            out["error"] = self.error
            return out
        out.update(self.choice.to_dict())
        out["exact"] = self.exact
        out["versus"] = {
            "alone": None if self.alone is None else self.alone.to_dict(),
            "together": None if self.together is None else self.together.to_dict(),
        }
        out["statement"] = self.statement
        out["alternatives"] = [a.to_dict() for a in self.alternatives]
        out["alternatives_count"] = self.n_alternatives
        out["alternatives_searched"] = self.alternatives_searched
        out["groupings_considered"] = self.n_considered
        out["estimates"] = [e.to_dict() for e in self.estimates]
        return out


@dataclass(frozen=True)
class Recommendation:
    """A study's recommendation: one :class:`BudgetRecommendation` per budget, chosen on
    ``chosen_on`` (``"dev"``, or ``"test"`` when no dev scores are stored: ``note`` says
    so), over ``tasks`` with their ``metrics``, ``seeds`` the seeds measured; ``kind`` is
    ``"select"`` (networks under a budget, a task served by its best chosen network) or
    ``"partition"`` (disjoint networks)."""

    tasks: tuple[str, ...]
    metrics: Mapping[str, str]
    higher_is_better: bool
    chosen_on: str
    seeds: tuple[int, ...]
    kind: str
    budgets: tuple[BudgetRecommendation, ...] = field(default=())
    note: str = ""

    def to_json(self) -> list[dict[str, Any]]:
        """One record per budget: ``budget``, ``chosen_on``, ``networks`` (each with its
        ``tasks`` and ``cost``), ``assignment`` ({task: index in ``networks``}),
        ``dev_objective`` and ``test_objective`` (each ``{mean, low, high, seeds}``),
        ``test_gain``, ``test_gain_rate``, ``cells``, ``exact``, ``versus``,
        ``statement``, ``alternatives``, ``alternatives_count``, ``alternatives_searched``,
        ``estimates``, and ``note`` when the choice could not be made on dev; or
        ``budget``, ``chosen_on`` and ``error`` when nothing fits the budget."""
        out = [b.to_dict(self.chosen_on) for b in self.budgets]
        if self.note:
            for rec in out:
                rec["note"] = self.note
        return out

    def __repr__(self) -> str:
        return (
            f"Recommendation({len(self.tasks)} tasks, {len(self.budgets)} budgets, "
            f"chosen on {self.chosen_on}, {len(self.seeds)} seeds)"
        )


# --- the computation -------------------------------------------------------------------


class _Scores:
    """Signed arrays of a :class:`SplitScores` (maximised; module docstring of
    :mod:`taskaffinity.recommendation._candidates`)."""

    def __init__(self, sc: SplitScores) -> None:
        self.sc = sc
        self.choose = sc.sign * sc.choose
        self.test = sc.sign * sc.test
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            mean = np.nanmean(self.choose, axis=0)
        self.mean = np.where(np.isfinite(mean), mean, -np.inf)  # (n_groups, n_tasks)
        self.row = {g: k for k, g in enumerate(sc.groups)}
        singles = [self.row.get((t,)) for t in sc.tasks]
        self.singles = None if any(r is None for r in singles) else np.array(singles)
        self.together = self.row.get(tuple(sorted(sc.tasks)))

    def assign_of(self, rows: Sequence[int]) -> np.ndarray:
        return assignment(self.mean, tuple(rows))

    def choice(self, rows: Sequence[int], analysis: Analysis | None) -> Choice:
        rows = sorted(rows)
        assign = self.assign_of(rows)
        sc, n = self.sc, len(self.sc.tasks)
        networks = tuple(sc.groups[r] for r in rows)
        index = {r: k for k, r in enumerate(rows)}
        gain = rate = None
        if self.singles is not None:
            alone = per_seed(self.test, self.singles)
            gain = over_seeds(per_seed(self.test, assign) - alone)
            single = self.test[:, self.singles, np.arange(n)]
            mine = self.test[:, assign, np.arange(n)]
            with np.errstate(invalid="ignore", divide="ignore"):
                rates = (mine - single) / np.abs(single) * 100  # signed scores: + = better
            rate = over_seeds(rates.mean(axis=1))
        evidence = tuple(
            self._evidence(t, int(assign[t]), index[int(assign[t])], analysis) for t in range(n)
        )
        return Choice(
            networks,
            {task: index[int(assign[t])] for t, task in enumerate(sc.tasks)},
            over_seeds(sc.sign * per_seed(self.choose, assign)),
            over_seeds(sc.sign * per_seed(self.test, assign)),
            gain,
            rate,
            evidence,
        )

    def _evidence(self, t: int, row: int, network: int, analysis: Analysis | None) -> TaskEvidence:
        sc = self.sc
        task, group = sc.tasks[t], sc.groups[row]
        if len(group) == 1:
            return TaskEvidence(task, network, True, None, None)
        if len(group) == 2 and analysis is not None and analysis.gain_rate_ci is not None:
            i = analysis.tasks.index(task) if task in analysis.tasks else None
            other = group[1 - group.index(task)]
            if i is not None and other in analysis.sources:
                j = analysis.sources.index(other)
                low, high = (float(x) for x in analysis.gain_rate_ci[i, j])
                sign = analysis.settled[i, j] if analysis.settled is not None else np.nan
                cell = Interval(
                    float(analysis.gain_rate[i, j]) if np.isfinite(analysis.gain_rate[i, j])
                    else None,
                    low if np.isfinite(low) else None,
                    high if np.isfinite(high) else None,
                    int(analysis.paired_seeds[i, j]) if analysis.paired_seeds is not None else 0,
                )  # fmt: skip
                return TaskEvidence(
                    task, network, False, cell, int(sign) if np.isfinite(sign) else None
                )
        single = self.row.get((task,))
        if single is None:
            return TaskEvidence(task, network, False, None, None)
        with np.errstate(invalid="ignore", divide="ignore"):
            rates = (
                (self.test[:, row, t] - self.test[:, single, t])
                / np.abs(self.test[:, single, t])
                * 100
            )
        cell = over_seeds(rates)
        return TaskEvidence(task, network, False, cell, cell.settled)


def _statement(b_alone: Interval | None, b_together: Interval | None, is_alone: bool,
               is_together: bool, n_seeds: int) -> str:  # fmt: skip
    """The plain sentence on whether the data separate the choice from the two defaults."""
    if n_seeds < 2:
        return (
            "One seed: there is no interval over seeds, so the data cannot tell whether this "
            "grouping is better than training every task alone or all together; train more "
            "seeds to find out."
        )
    parts, unclear = [], []
    for name, diff, same in (
        ("training every task alone", b_alone, is_alone),
        ("training all tasks together", b_together, is_together),
    ):
        if same or diff is None:
            continue
        if diff.settled in (None, 0):
            unclear.append(f"{name} (difference on test {diff.text()})")
        else:
            word = "beats" if diff.settled > 0 else "is worse than"
            parts.append(f"{word} {name} by {diff.text()} on test")
    text = ""
    if unclear:
        text = "The data cannot separate this grouping from " + " or ".join(unclear) + "."
    if parts:
        text += (" " if text else "") + "It " + " and ".join(parts) + "."
    if is_alone:
        text = "The choice is to train every task alone. " + text
    elif is_together:
        text = "The choice is to train all tasks together. " + text
    return text.strip()


def _alternatives(
    s: _Scores, rows: list[int], cands: Candidates, analysis: Analysis | None
) -> tuple[tuple[Choice, ...], int, bool, int]:
    """Up to :data:`SHOWN_ALTERNATIVES` other groupings among ``cands`` (those the budget
    allows) whose per-seed difference from the choice on the choosing split has a 95%
    interval including 0 (best first), their count, whether they were searched, and how
    many other groupings the budget allows (distinct assignments; 0 when not
    enumerated)."""
    if not cands.complete:
        return (), 0, False, 0
    same = (cands.assign == s.assign_of(rows)[None]).all(axis=1)
    considered = len({tuple(a) for a in cands.assign[~same]})
    if len(s.sc.seeds) < 2:
        return (), 0, False, considered
    mine = per_seed(s.choose, s.assign_of(rows))
    diff = mine[:, None] - cands.values
    _, low, _, n = t_interval(diff, axis=0)
    close = np.flatnonzero((low <= 0) & (n >= 2) & ~same)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        order = close[np.argsort(-np.nanmean(cands.values[:, close], axis=0), kind="stable")]
    shown, seen = [], set()
    for k in order:
        key = tuple(cands.assign[k])
        if key in seen:
            continue
        seen.add(key)
        shown.append(s.choice(list(cands.rows[k]), analysis))
        if len(shown) == SHOWN_ALTERNATIVES:
            break
    count = len({tuple(cands.assign[k]) for k in close})
    return tuple(shown), count, True, considered


def _measured(
    s: _Scores, method: str, groups: tuple[tuple[str, ...], ...], choice: Choice,
    analysis: Analysis | None,
) -> EstimateChoice:  # fmt: skip
    """``groups`` (sorted task tuples) measured like the choice: dev assignment, test
    objective and its per-seed difference from ``choice``; unmeasured when a network of it
    was never trained."""
    same = set(groups) == set(choice.networks)
    rows = [s.row.get(x) for x in groups]
    if any(r is None for r in rows):
        return EstimateChoice(method, groups, None, None, same)
    found = [int(r) for r in rows if r is not None]
    measured = s.choice(found, analysis)
    mine = [s.row[x] for x in choice.networks]
    diff = per_seed(s.test, s.assign_of(found)) - per_seed(s.test, s.assign_of(mine))
    return EstimateChoice(method, groups, measured, over_seeds(diff), same)


def _estimate_choice(
    s: _Scores, aff: AffinityMatrix, budget: int, choice: Choice, analysis: Analysis | None
) -> EstimateChoice | None:
    """The grouping TAG's rule picks from ``aff`` under ``budget``, measured; None when
    ``aff`` is over other tasks or nothing fits."""
    from taskaffinity.grouping import select_from_affinity

    if set(aff.tasks) != set(s.sc.tasks):
        return None
    try:
        g = select_from_affinity(aff, budget)
    except InputError:
        return None
    groups = tuple(tuple(sorted(x)) for x in g.groups)
    return _measured(s, aff.method, groups, choice, analysis)


def recommend(
    scores: SplitScores,
    budgets: Iterable[float | None],
    *,
    kind: str = "select",
    analysis: Analysis | None = None,
    estimates: Sequence[AffinityMatrix] = (),
    groupings: Mapping[str, Sequence[Sequence[str]]] | None = None,
    n_groups: int | None = None,
    max_groups: int | None = None,
    method: str = "auto",
) -> Recommendation:
    """The recommendation over ``scores`` for each of ``budgets`` (numbers of networks, cost
    1 each; ``None``: a partition without a budget). ``kind``: ``"select"`` (exact network
    selection, :func:`taskaffinity.grouping.select_networks`) or ``"partition"``
    (:func:`taskaffinity.grouping.partition` with ``n_groups``, ``max_groups`` and
    ``method``). ``analysis`` (of the same study) gives the pair cells' intervals and
    settled signs; ``estimates``: affinity matrices whose groupings (TAG's rule under each
    budget) are set beside the choice; ``groupings``: name -> a grouping proposed without a
    budget (e.g. PVI's), set beside every budget it fits. A budget nothing fits gets a
    record with its ``error``."""
    from taskaffinity.grouping import partition, select_networks

    if kind not in ("select", "partition"):
        raise InputError(f"kind must be select or partition, got {kind!r}", field="kind")
    s = _Scores(scores)
    table = scores.table("choose")
    n = len(scores.tasks)
    budgets = list(budgets)
    out = []
    pool: Candidates | None = None  # every selection of the largest budget, enumerated once
    if kind == "select" and budgets and None not in budgets:
        top = min(int(max(budgets)), n)  # type: ignore[type-var]
        pool = enumerate_candidates(s.mean, s.choose, top)
        if not pool.complete:  # too many for the largest budget: each budget on its own
            pool = None
    for budget in budgets:
        try:
            if kind == "select":
                if budget is None:
                    raise InputError("network selection needs a budget", field="budget")
                g = select_networks(table, float(budget))
            else:
                g = partition(table, budget=budget, n_groups=n_groups, max_groups=max_groups,
                              method=method)  # fmt: skip
        except InputError as err:
            out.append(BudgetRecommendation(budget, None, error=err.message))
            continue
        rows = [s.row[tuple(x)] for x in g.groups]
        choice = s.choice(rows, analysis)
        limit = n if budget is None else min(int(budget), n)
        if kind == "partition" and max_groups is not None:
            limit = min(limit, max_groups)
        if pool is not None:
            cands = pool.within(limit)
        else:
            cands = enumerate_candidates(
                s.mean, s.choose, limit, disjoint=kind == "partition",
                exactly=n_groups if kind == "partition" else None,
            )  # fmt: skip
        alts, count, searched, considered = _alternatives(s, rows, cands, analysis)
        assign = s.assign_of(rows)
        mine = per_seed(s.test, assign)
        alone = together = None
        if s.singles is not None:
            alone = over_seeds(mine - per_seed(s.test, s.singles))
        if s.together is not None:
            together = over_seeds(mine - per_seed(s.test, np.full(n, s.together)))
        is_alone = s.singles is not None and bool((assign == s.singles).all())
        is_together = s.together is not None and bool((assign == s.together).all())
        est = tuple(
            e
            for aff in estimates
            if (e := _estimate_choice(s, aff, limit, choice, analysis)) is not None
        ) + tuple(
            _measured(s, name, tuple(tuple(sorted(x)) for x in groups), choice, analysis)
            for name, groups in (groupings or {}).items()
            if len(groups) <= limit and sorted(t for x in groups for t in x) == sorted(scores.tasks)
        )
        out.append(
            BudgetRecommendation(
                budget, choice, g.exact, alts, count, searched, alone, together,
                _statement(alone, together, is_alone, is_together, len(scores.seeds)), est,
                n_considered=considered,
            )
        )  # fmt: skip
    return Recommendation(
        scores.tasks, scores.metrics, scores.higher_is_better, scores.chosen_on, scores.seeds,
        kind, tuple(out), scores.note,
    )  # fmt: skip


def stored_estimates(folder: str | Path) -> list[AffinityMatrix]:
    """The affinity matrices stored under ``folder/estimates`` (``taskaffinity estimate``
    and ``compare`` write them there), by file name; unreadable files are skipped."""
    from taskaffinity.affinity import load_affinity

    out = []
    for path in sorted((Path(folder) / "estimates").glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and "values" in data and "method" in data:
                out.append(load_affinity(data))
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return out


def stored_pvi_grouping(folder: str | Path) -> dict[str, tuple[tuple[str, ...], ...]]:
    """PVI's own grouping of the tasks (:func:`taskaffinity.affinity.group_by_pvi` with its
    defaults: Welch's t-test, alpha 0.01, the largest group first) from the per-instance
    PVI that ``taskaffinity estimate --method pvi`` stores as
    ``folder/estimates/pvi*_instances.csv`` (``task,split,index,pvi``), keyed by its
    method name; empty when none is stored or it cannot be read."""
    import csv

    from taskaffinity.affinity import group_by_pvi

    for path in sorted((Path(folder) / "estimates").glob("pvi*_instances.csv")):
        values: dict[str, list[float]] = {}
        try:
            with path.open(newline="", encoding="utf-8") as fh:
                for row in csv.DictReader(fh):
                    values.setdefault(row["task"], []).append(float(row["pvi"]))
            g = group_by_pvi({t: np.asarray(v) for t, v in values.items()})
        except (OSError, KeyError, ValueError, InputError):
            continue
        return {f"{g.proposed.method} grouping": tuple(g.proposed.groups)}
    return {}


def default_budgets(study: StudyData) -> list[float]:
    """The config's ``budgets`` when it has them, else 1 .. number of tasks."""
    given = getattr(study.config, "budgets", None)
    if given:
        return [float(b) for b in given]
    return [float(b) for b in range(1, len(study.score_table().tasks) + 1)]


def recommend_study(
    study: StudyData,
    budgets: Iterable[float | None] | None = None,
    *,
    kind: str = "select",
    analysis: Analysis | None = None,
    **options: Any,
) -> Recommendation:
    """:func:`recommend` over a stored study: its dev and test scores
    (:func:`split_scores`), its stored estimates, and ``budgets`` (default: the config's
    ``budgets``, else 1 .. number of tasks). ``options``: ``n_groups``, ``max_groups``,
    ``method`` of a partition."""
    if budgets is None:
        budgets = default_budgets(study) if kind == "select" else [None]
    return recommend(
        split_scores(study),
        list(budgets),
        kind=kind,
        analysis=analysis,
        estimates=stored_estimates(study.path),
        groupings=stored_pvi_grouping(study.path),
        **options,
    )
