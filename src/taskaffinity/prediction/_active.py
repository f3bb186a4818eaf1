"""Active choice of the next combinations to train, by Thompson sampling, and the rule that
says when to stop.

Each round (:func:`choose_next`): the predictor's posterior gives ``n_draws`` joint gain
tables over the candidate combinations; on each draw the exact network selection
(:func:`taskaffinity.grouping.select_networks`, Standley et al. 2020) is solved for every
network budget; the unmeasured combinations those solutions use are the ones whose
measurement can change the answer, and the ``k`` used most often are chosen (ties and
any shortfall: the most uncertain unmeasured combinations, by the sum of their tasks'
posterior sd). Thompson sampling for combinatorial choice: Russo et al., "A Tutorial on
Thompson Sampling", 2018, Section 7.

Stopping (:func:`settled`), two ways to say "the recommendation no longer changes within
the intervals":

* **certain**: for every budget, in at least a ``level`` share of the draws, the
  recommendation's value under the draw is within ``tolerance`` of that draw's optimum.
  With many candidates this rarely holds: the best of thousands of uncertain draws is
  always a little better than any one choice (the winner's curse of the draws);
* **stable**: the round did not change the recommendation, for every budget: either it is
  the previous round's, or the previous round's recommendation is within the current
  one's interval (the ``level`` interval over the draws of the difference between the
  two recommendations' values includes ``tolerance``: the data cannot tell them apart).
  A plan stops after ``patience`` consecutive stable rounds (:func:`settled`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from taskaffinity.errors import InputError
from taskaffinity.grouping import greedy_select, select_networks
from taskaffinity.prediction._base import Predictor
from taskaffinity.prediction._prediction import Prediction
from taskaffinity.tables import take_rows
from taskaffinity.types import Grouping, ScoreTable

__all__ = ["RULES", "ActiveChoice", "choose_next", "recommend", "settled", "stable_rounds"]


@dataclass(frozen=True)
class ActiveChoice:
    """One round's answer: ``groups`` the next combinations to train (sorted tuples, most
    useful first); ``votes`` ``(len(groups),)`` the share of (draw, budget) solutions that
    use each; ``recommendation`` budget -> the current :class:`Grouping`; ``regret`` budget
    -> the ``level`` quantile over draws of (draw's optimum - the recommendation's value
    under the draw), in the table's units (sum over tasks); ``settled`` whether every
    regret is within the tolerance; ``prediction`` the posterior it came from."""

    groups: tuple[tuple[str, ...], ...]
    votes: tuple[float, ...]
    recommendation: dict[float, Grouping]
    regret: dict[float, float]
    settled: bool
    prediction: Prediction
    changed: bool = True


def _with_measured(pred: Prediction, values: np.ndarray, measured: ScoreTable | None) -> np.ndarray:
    """``values`` (G, n) with measured combinations' cells replaced by their measured mean
    gains (when ``measured`` is given)."""
    if measured is None:
        return values
    where = {grp: g for g, grp in enumerate(measured.groups)}
    out = np.array(values, dtype=float, copy=True)
    cols = [measured.index(t) for t in pred.tasks]
    for g, grp in enumerate(pred.groups):
        if grp in where:
            row = measured.scores[where[grp], cols]
            out[g] = np.where(np.isnan(row), out[g], row)
    return out


RULES = ("mean", "lower", "measured")
"""How :func:`recommend` values an unmeasured combination: its predicted mean, the lower end
of its interval, or not at all (only measured combinations may be chosen)."""


def recommend(
    pred: Prediction,
    budget: float,
    *,
    measured: ScoreTable | None = None,
    rule: str = "mean",
    time_limit: float | None = None,
) -> Grouping:
    """Exact network selection under ``budget`` networks over the predicted gains
    (measured combinations at their measured mean gains when ``measured`` is given).
    ``rule`` (:data:`RULES`): ``"mean"`` values every combination at its predicted mean;
    ``"lower"`` values unmeasured combinations at the lower end of their interval (the
    choice cannot profit from a prediction's optimism); ``"measured"`` chooses among
    measured combinations (and single tasks) only. Returns the :class:`Grouping`
    (``predicted`` = sum over tasks of each task's best gain). Raises
    :class:`~taskaffinity.errors.InputError` for an unknown rule."""
    if rule not in RULES:
        raise InputError(f"rule {rule!r} is not one of {RULES}", field="rule")
    values = pred.mean
    if rule == "lower":
        values = np.where(pred.measured[:, None], pred.mean, pred.lower)
    table = pred.table(_with_measured(pred, values, measured))
    if rule == "measured":
        rows = np.flatnonzero(pred.measured | (pred.members.sum(axis=1) == 1))
        table = take_rows(table, rows.tolist())
    return select_networks(table, budget, time_limit=time_limit)


def _value(table_values: np.ndarray, members: np.ndarray, rows: Sequence[int]) -> float:
    vals = np.where(members[list(rows)], table_values[list(rows)], -np.inf)
    return float(vals.max(axis=0).sum())


def choose_next(
    predictor: Predictor,
    measured: ScoreTable,
    candidates: Sequence[Sequence[str]],
    budgets: Sequence[float],
    k: int,
    *,
    n_draws: int = 16,
    seed: int = 0,
    level: float = 0.9,
    tolerance: float = 0.0,
    rule: str = "mean",
    time_limit: float | None = None,
    pool: int | None = None,
    solver: str = "exact",
    pin_measured: bool = False,
    previous: Mapping[float, Grouping] | None = None,
) -> ActiveChoice:
    """Choose the next ``k`` combinations to train among ``candidates`` (every combination
    the study may train; measured ones are never chosen again).

    ``measured``: the gain table so far; ``budgets``: the network budgets the answer is for;
    ``n_draws`` posterior draws (seeded by ``seed``); ``level`` / ``tolerance``: the
    stopping rule (module docstring); ``rule``: how the recommendation values unmeasured
    combinations (:func:`recommend`); ``time_limit``: seconds per exact selection on a
    draw (HiGHS's best selection when it runs out; ``None``: proved optimal); ``pool``:
    solve each draw over its plausible networks only, the single tasks and each task's
    ``pool`` best combinations in that draw (``None``: every candidate); ``solver``:
    ``"exact"`` (:func:`~taskaffinity.grouping.select_networks`) or ``"greedy"``
    (:func:`~taskaffinity.grouping.greedy_select`, for draws too large to solve exactly
    in time: dense random gains make the MILP hard); ``pin_measured``: in every draw,
    measured combinations keep their measured mean gains (what ``rule="measured"``
    chooses on) instead of posterior draws; ``previous``: the previous round's
    recommendation (budget -> :class:`Grouping`), to say whether this round ``changed``
    it (module docstring, the *stable* rule). Returns an
    :class:`ActiveChoice`. Raises :class:`~taskaffinity.errors.InputError` when ``k`` < 1
    or no budget is given.
    """
    if k < 1:
        raise InputError(f"batch {k} must be at least 1", field="batch")
    if not budgets:
        raise InputError("no network budget given", field="budgets")
    if solver not in ("exact", "greedy"):
        raise InputError(f"solver {solver!r} is not 'exact' or 'greedy'", field="solver")
    pred = predictor.predict(measured, candidates, n_draws=n_draws, seed=seed, level=level)
    assert pred.draws is not None
    members = pred.members
    index = {g: i for i, g in enumerate(pred.groups)}
    votes = np.zeros(len(pred.groups))
    recs = {
        float(b): recommend(pred, b, measured=measured, rule=rule, time_limit=time_limit)
        for b in budgets
    }
    regrets: dict[float, list[float]] = {b: [] for b in recs}
    before = {
        b: [index[g] for g in previous[b].groups if g in index]
        for b in recs
        if previous is not None and b in previous and previous[b].groups != recs[b].groups
    }
    shifts: dict[float, list[float]] = {b: [] for b in before}
    solo = members.sum(axis=1) == 1
    for d in range(n_draws):
        vals = _with_measured(pred, pred.draws[d], measured if pin_measured else None)
        signed = np.where(members, vals, -np.inf)
        for b, rows in before.items():
            rec_rows = [index[g] for g in recs[b].groups]
            shifts[b].append(_value(signed, members, rec_rows) - _value(signed, members, rows))
        table = pred.table(vals)
        if pool is not None:
            top = np.argsort(-signed, axis=0)[:pool].ravel()
            keep = np.union1d(np.flatnonzero(solo), top)
            keep = np.union1d(keep, [index[g] for r in recs.values() for g in r.groups])
            table = take_rows(table, keep.tolist())
        for b, rec in recs.items():
            try:
                if solver == "greedy":
                    sol = greedy_select(table, b)
                else:
                    sol = select_networks(table, b, time_limit=time_limit)
            except InputError:  # HiGHS found no selection within the time limit
                continue
            for grp in sol.groups:
                votes[index[grp]] += 1
            rec_rows = [index[g] for g in rec.groups]
            regrets[b].append(sol.predicted - _value(signed, members, rec_rows))
    votes /= n_draws * len(recs)
    open_ = np.flatnonzero(~pred.measured & (members.sum(axis=1) >= 2))
    uncertainty = np.nansum(pred.sd, axis=1)
    order = sorted(open_.tolist(), key=lambda g: (-votes[g], -uncertainty[g], g))
    chosen = order[:k]
    regret = {b: float(np.quantile(r, level)) if r else np.inf for b, r in regrets.items()}
    # the stable rule: a changed budget's shift (current minus previous value over the
    # draws) must have an interval that reaches the tolerance
    low = (1.0 - level) / 2.0
    changed = previous is None or any(
        b not in previous
        or (b in shifts and float(np.quantile(shifts[b], low)) > tolerance + 1e-12)
        for b in recs
    )
    return ActiveChoice(
        tuple(pred.groups[g] for g in chosen),
        tuple(float(votes[g]) for g in chosen),
        recs,
        regret,
        all(r <= tolerance + 1e-12 for r in regret.values()),
        pred,
        changed,
    )


def settled(choice: ActiveChoice, stable_rounds: int = 0, patience: int = 2) -> bool:
    """The stopping rule (module docstring): ``choice`` is *certain* (every budget's
    recommendation within the tolerance of the optimum in at least the ``level`` share of
    the posterior draws), or ``stable_rounds`` (consecutive rounds up to and including
    this one whose choice did not change the recommendation, see :func:`stable_rounds`)
    reaches ``patience`` (``patience`` 0: the stable rule is off)."""
    return choice.settled or (patience > 0 and stable_rounds >= patience)


def stable_rounds(before: int, choice: ActiveChoice) -> int:
    """Consecutive stable rounds after ``choice``: ``before`` + 1 when it did not change
    the recommendation, else 0."""
    return 0 if choice.changed else before + 1
