"""The recommendation over every combination, measured or predicted: a study that measured
a few combinations (an active plan, or any plan) chooses among all the combinations it
could train, each unmeasured one valued by a predictor with an interval.

:func:`recommend_predicted` fits a predictor (:mod:`taskaffinity.prediction`; the config's
``plan.active.predictor`` with its ``params``, or one named by the caller) on the study's
measured gains on the choosing split (each task's score in a combination minus its score
alone, per seed: the paired design; dev scores, or test when no dev scores are stored),
predicts each task's gain in every candidate combination (the backend's own candidates,
e.g. a replayed table's rows, else every combination up to 10 tasks, see
:func:`taskaffinity.study.plan_candidates`) and, for each network budget, chooses the
networks exactly (:func:`taskaffinity.prediction.recommend`: measured combinations at their
measured mean gains, unmeasured ones by ``rule``: the predicted mean, the lower end of its
interval, or not at all).

Each budget's answer (:class:`PredictedBudget`) gives the chosen networks (``measured`` or
not, each task's gain with its interval: over seeds for a measured network, the
predictor's ``level`` interval for a predicted one), the assignment (each task served by
the chosen network where its gain is highest), the objective (the sum over tasks of their
gains, in the scores' units, signed so that higher is better) with its interval over the
predictor's posterior draws, and how settled the choice is: the share of draws in which
it is optimal (``settled``) and the ``level`` quantile of its shortfall from each draw's
optimum (``regret``). Beyond 256 candidates a draw's optimum is found greedily over its
plausible networks (so ``settled`` is then an upper bound): an exact selection on a dense
random draw of many networks takes HiGHS tens of seconds. The choice itself is always
exact (about 45 s per budget over the ~1,000 candidates of 30 tasks on one core).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from taskaffinity.errors import InputError
from taskaffinity.recommendation._interval import over_seeds
from taskaffinity.recommendation._scores import split_scores
from taskaffinity.types import ScoreTable

if TYPE_CHECKING:
    from taskaffinity.prediction import Prediction, Predictor
    from taskaffinity.study import StudyData

__all__ = [
    "PredictedBudget",
    "PredictedNetwork",
    "PredictedRecommendation",
    "recommend_predicted",
    "study_predictor",
]


def _span(mean: float, low: float | None, high: float | None) -> dict[str, float | None]:
    def num(x: float | None) -> float | None:
        return float(x) if x is not None and np.isfinite(x) else None

    return {"mean": num(mean), "low": num(low), "high": num(high)}


@dataclass(frozen=True)
class PredictedNetwork:
    """One chosen network: ``tasks`` (sorted), whether it was ``measured``, and ``gains``:
    task -> ``{mean, low, high}`` its gain in this network (score units, positive =
    better than alone; a measured network's interval is the 95% interval over seeds, a
    predicted one's the predictor's ``level`` interval)."""

    tasks: tuple[str, ...]
    measured: bool
    gains: Mapping[str, Mapping[str, float | None]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "tasks": list(self.tasks),
            "measured": self.measured,
            "gains": {t: dict(v) for t, v in self.gains.items()},
        }


@dataclass(frozen=True)
class PredictedBudget:
    """The answer for ``budget`` networks: ``networks`` (:class:`PredictedNetwork`),
    ``assignment`` (task -> index in ``networks``), ``objective`` ``{mean, low, high}`` (the
    sum over tasks of each task's gain in its network: the mean with measured networks at
    their measured means, the interval the ``level`` range of its values over the
    posterior draws, shifted by the difference of the draws' mean from that mean),
    ``settled`` (share of draws in which this choice is optimal), ``regret`` (the
    ``level`` quantile over draws of the draw's optimum minus this choice's value),
    ``exact`` (the selection was proved optimal); ``error`` instead when nothing fits."""

    budget: float
    networks: tuple[PredictedNetwork, ...] = ()
    assignment: Mapping[str, int] = field(default_factory=dict)
    objective: Mapping[str, float | None] = field(default_factory=dict)
    settled: float | None = None
    regret: float | None = None
    exact: bool = True
    error: str = ""

    def label(self) -> str:
        """``a+b | c*`` (``*``: a predicted network, never measured)."""
        return " | ".join("+".join(n.tasks) + ("" if n.measured else "*") for n in self.networks)

    def to_dict(self) -> dict[str, Any]:
        if self.error:
            return {"budget": self.budget, "error": self.error}
        return {
            "budget": self.budget,
            "networks": [n.to_dict() for n in self.networks],
            "assignment": dict(self.assignment),
            "objective": dict(self.objective),
            "settled": self.settled,
            "regret": self.regret,
            "exact": self.exact,
        }


@dataclass(frozen=True, eq=False)
class PredictedRecommendation:
    """:func:`recommend_predicted`'s answer: ``budgets`` (one :class:`PredictedBudget`
    each), the ``prediction`` behind it (rows = candidate combinations, columns =
    ``prediction.tasks``), the ``measured`` gain table it was fit on, the predictor's
    ``method`` and ``params``, ``rule``, ``chosen_on`` (``dev`` or ``test``) and ``note``."""

    budgets: tuple[PredictedBudget, ...]
    prediction: Prediction
    measured: ScoreTable
    method: str
    params: Mapping[str, Any]
    rule: str
    chosen_on: str
    note: str = ""

    def to_json(self) -> list[dict[str, Any]]:
        """One record per budget (:meth:`PredictedBudget.to_dict`) with ``chosen_on``,
        ``predictor`` ``{name, params, level}``, ``rule``, ``candidates`` and
        ``measured_combinations`` (counts), and ``note`` when there is one."""
        pred = self.prediction
        common: dict[str, Any] = {
            "chosen_on": self.chosen_on,
            "predictor": {"name": self.method, "params": dict(self.params), "level": pred.level},
            "rule": self.rule,
            "candidates": len(pred.groups),
            "measured_combinations": int(pred.measured.sum()),
        }
        if self.note:
            common["note"] = self.note
        return [{**b.to_dict(), **common} for b in self.budgets]


def study_predictor(study: StudyData, name: str | None = None) -> Predictor:
    """The predictor ``name`` (default parameters), or the study's active plan's
    (``plan.active.predictor`` with its ``params``), or ``pairwise``. Raises
    :class:`~taskaffinity.errors.InputError` (field ``predictor``) for an unknown name."""
    from taskaffinity.prediction import available_predictors, get_predictor

    active = study.config.plan.active or {}
    params: dict[str, Any] = {}
    if name is None:
        name = str(active.get("predictor", "pairwise"))
        params = dict(active.get("params") or {})
    if name not in available_predictors():
        raise InputError(
            f"unknown predictor {name!r}; known: {available_predictors()}", field="predictor"
        )
    return get_predictor(name, **params)


def _candidates(study: StudyData, measured: Sequence[tuple[str, ...]]):
    """Every combination the study could train (:func:`taskaffinity.study.plan_candidates`
    with its backend when it can be made here) and every measured one."""
    from taskaffinity.study import make_backend, plan_candidates

    seed = int((study.config.plan.active or {}).get("seed", 0))
    try:
        backend = make_backend(study.config)
    except InputError:  # e.g. a replayed table not beside a moved folder
        backend = None
    cands = list(plan_candidates(backend, study.suite, np.random.default_rng(seed)))
    seen = set(cands)
    cands += [g for g in measured if g not in seen]
    return tuple(cands)


def _value(values: np.ndarray, members: np.ndarray, rows: Sequence[int]) -> float:
    """Sum over tasks of each task's best value among ``rows`` (``values`` ``(G, n)``)."""
    vals = np.where(members[list(rows)], values[list(rows)], -np.inf)
    return float(vals.max(axis=0).sum())


#: above this many candidates a draw's optimum is found greedily over its plausible
#: networks (each task's 8 best in the draw, the singles and the choice), as the active
#: plan does: an exact selection on a dense random draw of many networks is slow
EXACT_UP_TO = 256


def _optimum(
    table: ScoreTable, members: np.ndarray, draw: np.ndarray, rows: Sequence[int], budget: float
) -> float:
    """The best selection's value on one posterior draw (exact, or greedy over the
    plausible networks beyond :data:`EXACT_UP_TO` candidates)."""
    from taskaffinity.grouping import greedy_select, select_networks
    from taskaffinity.tables import take_rows

    if len(table.groups) <= EXACT_UP_TO:
        return select_networks(table, budget).predicted
    signed = np.where(members, draw, -np.inf)
    keep = np.union1d(np.flatnonzero(members.sum(axis=1) == 1), np.argsort(-signed, axis=0)[:8])
    keep = np.union1d(keep, list(rows))
    return max(greedy_select(take_rows(table, keep.tolist()), budget).predicted,
               _value(draw, members, rows))  # fmt: skip


def recommend_predicted(
    study: StudyData,
    budgets: Iterable[float],
    *,
    predictor: Predictor | str | None = None,
    rule: str = "mean",
    n_draws: int = 64,
    level: float = 0.9,
    seed: int = 0,
) -> PredictedRecommendation:
    """The recommendation of ``study`` over every candidate combination (module docstring)
    for each of ``budgets`` (numbers of networks, cost 1 each). ``predictor``: a
    :class:`~taskaffinity.prediction.Predictor`, a registered name, or None (the study's
    own, :func:`study_predictor`); ``rule``: how unmeasured combinations are valued
    (:data:`taskaffinity.prediction.RULES`); ``n_draws`` posterior draws (seeded by
    ``seed``) give the objective's interval and how settled the choice is; ``level``: the
    intervals' nominal coverage. Raises :class:`~taskaffinity.errors.InputError` when the
    study has no complete single-task run of a task."""
    from taskaffinity.prediction import gain_table, recommend

    if predictor is None or isinstance(predictor, str):
        predictor = study_predictor(study, predictor)
    scores = split_scores(study)
    table = scores.table("choose")
    gains = gain_table(table)
    cands = _candidates(study, gains.groups)
    pred = predictor.predict(gains, cands, n_draws=n_draws, seed=seed, level=level)
    assert pred.draws is not None
    members = pred.members
    row_of = {g: i for i, g in enumerate(pred.groups)}
    measured_row = {g: i for i, g in enumerate(gains.groups)}
    cols = [gains.index(t) for t in pred.tasks]
    seed_gains = (
        np.asarray(gains.seed_scores, dtype=float) if gains.seed_scores is not None else None
    )
    mean = np.array(pred.mean, copy=True)
    for g, grp in enumerate(pred.groups):
        if grp in measured_row:
            row = gains.scores[measured_row[grp], cols]
            mean[g] = np.where(np.isnan(row), mean[g], row)
    out = []
    for b in budgets:
        try:
            choice = recommend(pred, float(b), measured=gains, rule=rule)
        except InputError as err:
            out.append(PredictedBudget(float(b), error=err.message))
            continue
        rows = [row_of[g] for g in choice.groups]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            signed = np.where(members[rows], mean[rows], -np.inf)
        best = np.argmax(signed, axis=0)  # (n_tasks,) index into rows
        networks = []
        for k, grp in enumerate(choice.groups):
            g = rows[k]
            spans: dict[str, dict[str, float | None]] = {}
            for t in grp:
                j = pred.tasks.index(t)
                if grp in measured_row and seed_gains is not None:
                    iv = over_seeds(seed_gains[:, measured_row[grp], gains.index(t)])
                    spans[t] = _span(mean[g, j], iv.low, iv.high)
                elif len(grp) == 1:
                    spans[t] = _span(0.0, 0.0, 0.0)
                else:
                    spans[t] = _span(mean[g, j], pred.lower[g, j], pred.upper[g, j])
            networks.append(PredictedNetwork(grp, bool(pred.measured[g]), spans))
        values, optimal, regrets = [], 0, []
        for d in range(len(pred.draws)):
            draw = pred.draws[d]
            mine = _value(draw, members, rows)
            values.append(mine)
            try:
                top = _optimum(pred.table(draw), members, draw, rows, float(b))
            except InputError:
                continue
            regrets.append(top - mine)
            optimal += top - mine <= 1e-9
        centre = _value(mean, members, rows)  # the draws' spread, around the measured means
        lo, hi = centre + np.quantile(values, [(1 - level) / 2, (1 + level) / 2]) - np.mean(values)
        out.append(
            PredictedBudget(
                float(b),
                tuple(networks),
                {t: int(best[i]) for i, t in enumerate(pred.tasks)},
                _span(centre, float(lo), float(hi)),
                optimal / len(regrets) if regrets else None,
                float(np.quantile(regrets, level)) if regrets else None,
                choice.exact,
            )
        )
    return PredictedRecommendation(
        tuple(out),
        pred,
        gains,
        predictor.name,
        predictor.get_params(),
        rule,
        scores.chosen_on,
        scores.note,
    )
