"""The active plan: measure a few combinations, predict the rest, train what can change the
answer.

``plan: {active: {max_runs: R, seed: S, batch: k, predictor: NAME, until: grouping|budget}}``
replaces the grid of singles and pairs (``pairs``/``all`` are not trained as such):

* **start**: every task alone, all tasks together (when the backend can train it), the
  ``plan.groups`` listed in the config, and ``start`` further combinations chosen as a
  *maximin space-filling design* over the candidates' 0/1 membership vectors: one at a
  time, the candidate whose smallest Hamming distance to everything chosen so far is
  largest (ties broken by an order drawn from ``seed``). Next to the singles and the
  all-task run that picks combinations of about half the tasks, spread so that every
  pair of tasks meets in some of them. Default ``start``: half of what ``max_runs``
  leaves after the singles and the all-task run, at most the number of tasks;
* **rounds**: the predictor (:mod:`taskaffinity.prediction`, hyperparameters ``params``)
  is fit on the measured gains (each task's score in a combination minus its score alone,
  per seed: seeds are measurement noise of one mean gain), and
  :func:`~taskaffinity.prediction.choose_next` picks the next ``batch`` combinations by
  Thompson sampling (``draws`` posterior draws, each solved exactly for every network
  budget of the study's ``budgets``; default 1 .. min(tasks, 5); ``solver: auto`` solves
  them exactly up to 256 candidates and greedily beyond); they are trained with
  every seed of the config through the study's executor, then the next round;
* **stop**: ``until: grouping`` (the default) when :func:`~taskaffinity.prediction.settled`
  holds (every budget's recommendation is optimal in at least 90% of the draws, or the
  recommendation stayed unchanged within its interval for ``patience`` rounds, default 2:
  it no longer changes within the predictor's intervals), or when ``max_runs`` combinations
  (singles and the all-task run included; each trained with every seed) are spent, or
  no candidate is left; ``until: budget`` spends ``max_runs``.

Candidates (what may be proposed): the backend's own when it declares them
(``candidates(suite)``, e.g. the ``replay`` backend: the rows of its table), else every
combination up to 10 tasks, and beyond that every single, pair and the all-task group
plus ``20 * n`` combinations of 3 .. n-1 tasks drawn from ``seed``.

The plan holds no state of its own: each round is recomputed from the runs stored and the
seed (the fits are deterministic under the seed), so a plan killed at any point (kill -9)
resumes with the same choices, never trains a run twice, and several drivers on one
study (or Ray) agree on every round: a round starts once every run of the previous one is
stored, by whichever driver. A failed run counts as spent; the gains leave it out.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING, Any

import numpy as np

from taskaffinity.errors import InputError, did_you_mean
from taskaffinity.study._driver import Driven, drive
from taskaffinity.study._progress import StudyProgress
from taskaffinity.study._records import result_from_dict
from taskaffinity.types import Grouping, RunResult, RunSpec, ScoreTable

if TYPE_CHECKING:
    from taskaffinity.backends import RunBackend
    from taskaffinity.config import StudyConfig
    from taskaffinity.prediction import ActiveChoice, Predictor
    from taskaffinity.study._context import StudyContext
    from taskaffinity.study._store import ResultStore
    from taskaffinity.tasks import TaskSuite

log = logging.getLogger(__name__)

__all__ = ["ActivePlan", "ActiveRound", "active_rounds", "plan_candidates", "space_filling"]

#: every combination is a candidate up to this many tasks
ALL_COMBINATIONS_UP_TO = 10
#: per task, random combinations of 3 .. n-1 tasks among the candidates beyond that
RANDOM_PER_TASK = 20
#: default network budgets: 1 .. this many (or fewer tasks)
DEFAULT_MAX_BUDGET = 5
#: above this many candidates each draw is solved over its plausible networks only (each
#: task's 8 best in the draw) and, with ``solver: auto``, greedily: an exact selection on a
#: dense random draw of 30 tasks' ~240 plausible networks takes HiGHS about 25 s
POOL_ABOVE = 256


def space_filling(
    candidates: Sequence[tuple[str, ...]],
    tasks: Sequence[str],
    chosen: Sequence[tuple[str, ...]],
    n: int,
    rng: np.random.Generator,
) -> list[tuple[str, ...]]:
    """``n`` combinations of ``candidates`` (not in ``chosen``) by the maximin rule: each
    next one has the largest smallest Hamming distance between its membership vector
    (over ``tasks``) and those of ``chosen`` and the ones picked before it; ties go to the
    earlier in a random order drawn from ``rng``. Returns them in the order picked."""
    index = {t: i for i, t in enumerate(tasks)}

    def vector(group: Sequence[str]) -> np.ndarray:
        v = np.zeros(len(tasks), dtype=bool)
        v[[index[t] for t in group]] = True
        return v

    taken = set(chosen)
    pool = [g for g in candidates if g not in taken]
    if not pool or n <= 0:
        return []
    order = rng.permutation(len(pool))
    pool = [pool[i] for i in order]
    vectors = np.array([vector(g) for g in pool])
    if chosen:
        seen = np.array([vector(g) for g in chosen])
        nearest = (vectors[:, None, :] != seen[None]).sum(axis=2).min(axis=1)
    else:
        nearest = np.full(len(pool), len(tasks) + 1)
    out: list[tuple[str, ...]] = []
    free = np.ones(len(pool), dtype=bool)
    for _ in range(min(n, len(pool))):
        pick = int(np.argmax(np.where(free, nearest, -1)))
        out.append(pool[pick])
        free[pick] = False
        nearest = np.minimum(nearest, (vectors != vectors[pick]).sum(axis=1))
    return out


@dataclass(frozen=True)
class ActiveRound:
    """One step of the plan: ``number`` (0: the start), ``groups`` the combinations it
    trains (empty: the plan stops), ``spent`` combinations trained before it, ``choice``
    the predictor's answer that chose it (None for the start and when stopping before a
    fit), ``reason`` in words, ``before`` the combinations of the rounds before it,
    ``stable`` the consecutive rounds up to it that left the recommendation unchanged."""

    number: int
    groups: tuple[tuple[str, ...], ...]
    spent: int
    choice: ActiveChoice | None
    reason: str
    before: tuple[tuple[str, ...], ...] = ()
    stable: int = 0


def plan_candidates(
    backend: RunBackend | None, suite: TaskSuite, rng: np.random.Generator
) -> tuple[tuple[str, ...], ...]:
    """The combinations an active plan may propose (module docstring): ``backend``'s own
    ``candidates(suite)`` when it declares them, else every combination up to
    :data:`ALL_COMBINATIONS_UP_TO` tasks, else the singles, pairs, the all-task group and
    random larger ones drawn from ``rng``. Sorted tuples."""
    declared = getattr(backend, "candidates", None)
    if callable(declared):
        return tuple(tuple(sorted(g)) for g in declared(suite))
    names = suite.names
    n = len(names)
    if n <= ALL_COMBINATIONS_UP_TO:
        return tuple(tuple(sorted(c)) for k in range(1, n + 1) for c in combinations(names, k))
    pairs = [tuple(sorted(c)) for c in combinations(names, 2)]
    fixed = [(t,) for t in names] + pairs + [tuple(sorted(names))]
    seen = set(fixed)
    extra: list[tuple[str, ...]] = []
    for _ in range(RANDOM_PER_TASK * n * 4):
        if len(extra) >= RANDOM_PER_TASK * n:
            break
        size = int(rng.integers(3, n))
        group = tuple(sorted(names[i] for i in rng.choice(n, size=size, replace=False)))
        if group not in seen:
            seen.add(group)
            extra.append(group)
    return tuple(fixed + extra)


class ActivePlan:
    """The active plan of a study (module docstring): built from the config, the suite and
    the backend; :meth:`next_round` decides from the stored runs alone. Raises
    :class:`~taskaffinity.errors.InputError` (file, line, field ``plan.active.*``) for an
    unknown predictor, bad predictor hyperparameters, or ``max_runs`` below the start."""

    def __init__(self, config: StudyConfig, suite: TaskSuite, backend: RunBackend) -> None:
        from taskaffinity.prediction import available_predictors, get_predictor

        spec: dict[str, Any] = dict(config.plan.active or {})
        self.config, self.suite, self.backend = config, suite, backend
        self.tasks = suite.names
        self.max_runs = int(spec["max_runs"])
        self.seed = int(spec.get("seed", 0))
        self.until = str(spec.get("until", "grouping"))
        self.rule = str(spec.get("rule", "measured"))
        self.draws = int(spec.get("draws", 16))
        self.solver = str(spec.get("solver", "auto"))
        self.patience = int(spec.get("patience", 2))
        n = len(self.tasks)
        self.batch = int(spec.get("batch") or max(1, math.ceil(n / 2)))
        name = str(spec.get("predictor", "pairwise"))
        if name not in available_predictors():
            known = available_predictors()
            raise config.error(
                f"unknown predictor {name!r}{did_you_mean(name, known)}; known: {known}",
                "plan.active.predictor",
            )
        try:
            self.predictor: Predictor = get_predictor(name, **dict(spec.get("params") or {}))
        except (TypeError, InputError) as err:
            raise config.error(str(err), "plan.active.params") from None
        budgets = config.budgets or range(1, min(n, DEFAULT_MAX_BUDGET) + 1)
        self.budgets = tuple(float(b) for b in budgets if b <= n) or (1.0,)
        rng = np.random.default_rng(self.seed)
        self.candidates = plan_candidates(backend, suite, rng)
        if self.solver == "auto":  # dense random draws make the MILP slow on many networks
            self.solver = "exact" if len(self.candidates) <= POOL_ABOVE else "greedy"
        can = set(self.candidates)
        fixed: list[tuple[str, ...]] = [(t,) for t in self.tasks]
        if tuple(sorted(self.tasks)) in can and n > 1:
            fixed.append(tuple(sorted(self.tasks)))
        for group in config.plan.groups:
            key = tuple(sorted(group))
            if key not in fixed:
                fixed.append(key)
        spare = self.max_runs - len(fixed)
        given = spec.get("start")
        n_start = int(given) if given is not None else (min(n, spare // 2) if spare > 1 else 0)
        n_start = max(0, min(n_start, spare))
        self.start = tuple(fixed + space_filling(self.candidates, self.tasks, fixed, n_start, rng))
        if len(fixed) > self.max_runs:
            raise config.error(
                f"max_runs {self.max_runs} is below the plan's start: {len(fixed)} "
                "combinations (every task alone, all tasks together and plan.groups)",
                "plan.active.max_runs",
            )
        self._rounds: list[tuple[frozenset[tuple[str, ...]], ActiveRound]] = []

    # ---- runs --------------------------------------------------------------------
    def specs(self, groups: Sequence[tuple[str, ...]]) -> list[RunSpec]:
        """The runs of ``groups`` under every seed of the config, seed-major; an
        InputError of the backend (e.g. a seed a replayed table lacks) names ``seeds``."""
        try:
            return [
                self.backend.spec(g, seed, self.suite) for seed in self.config.seeds for g in groups
            ]
        except InputError as err:
            if err.file is not None:
                raise
            raise self.config.error(err.message, err.field or "plan.active") from None

    def _gains(self, groups: Sequence[tuple[str, ...]], results: dict[str, RunResult]):
        """The gain table (higher is better; per seed) of the complete runs of ``groups``:
        rows in a fixed order (by size, then names) so a resumed plan fits the same table."""
        from taskaffinity.metrics import higher_is_better
        from taskaffinity.prediction import gain_table

        rows = sorted(set(groups), key=lambda g: (len(g), g))
        seeds = list(self.config.seeds)
        cube = np.full((len(seeds), len(rows), len(self.tasks)), np.nan)
        for g, group in enumerate(rows):
            for s, seed in enumerate(seeds):
                r = results.get(self.backend.spec(group, seed, self.suite).key)
                if r is not None and r.ok:
                    for t, v in r.scores.items():
                        cube[s, g, self.tasks.index(t)] = v
        keep = [g for g in range(len(rows)) if np.isfinite(cube[:, g]).any()]
        directions = {higher_is_better(self.suite.task(t).metric) for t in self.tasks}
        higher = directions.pop() if len(directions) == 1 else True
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            mean = np.nanmean(cube[:, keep], axis=0)
        table = ScoreTable(
            self.tasks,
            tuple(rows[g] for g in keep),
            mean,
            np.ones(len(keep)),
            higher,
            cube[:, keep],
        )
        return gain_table(table)

    def next_round(self, results: dict[str, RunResult]) -> ActiveRound:
        """The round to train next given the stored finished runs ``results`` (key ->
        result, complete or failed): the first round (from the start on) with a run not
        stored, re-deciding each earlier round from the runs it had (cached while they
        are unchanged); ``groups`` empty once the plan stops."""
        done = set(results)
        chosen: list[tuple[str, ...]] = []
        step = ActiveRound(0, self.start, 0, None, "start")
        number = 0
        while True:
            if any(s.key not in done for s in self.specs(step.groups)):
                return dataclasses.replace(step, before=tuple(chosen))
            chosen += list(step.groups)
            number += 1
            key = frozenset(chosen)
            if number - 1 < len(self._rounds) and self._rounds[number - 1][0] == key:
                step = self._rounds[number - 1][1]
            else:
                step = self._decide(number, chosen, results)
                del self._rounds[number - 1 :]
                self._rounds.append((key, step))
            if not step.groups:
                return dataclasses.replace(step, before=tuple(chosen))

    def _decide(
        self, number: int, chosen: list[tuple[str, ...]], results: dict[str, RunResult]
    ) -> ActiveRound:
        from taskaffinity.prediction import choose_next, settled, stable_rounds

        spent = len(chosen)
        last = (
            self._rounds[number - 2][1] if number >= 2 and len(self._rounds) >= number - 1 else None
        )
        previous = last.choice if last is not None else None
        left = self.max_runs - spent
        try:
            measured = self._gains(chosen, results)
        except InputError as err:  # e.g. every seed of a task's single run failed
            return ActiveRound(number, (), spent, None, f"stopped: {err.message}")
        choice = choose_next(
            self.predictor,
            measured,
            self.candidates,
            self.budgets,
            max(1, min(self.batch, left)),
            n_draws=self.draws,
            seed=self.seed * 1000 + number,
            rule=self.rule,
            pool=8 if len(self.candidates) > POOL_ABOVE else None,
            solver=self.solver,
            previous=previous.recommendation if previous is not None else None,
        )
        stable = stable_rounds(last.stable if last is not None else 0, choice)
        if self.until == "grouping" and settled(choice, stable, self.patience):
            why = "certain" if choice.settled else f"unchanged for {stable} rounds"
            return ActiveRound(
                number, (), spent, choice, f"the recommendation is settled: {why}", stable=stable
            )
        if left <= 0:
            reason = f"max_runs ({self.max_runs}) spent"
            return ActiveRound(number, (), spent, choice, reason, stable=stable)
        fresh = tuple(g for g in choice.groups if g not in set(chosen))
        if not fresh:
            reason = "no candidate combination is left"
            return ActiveRound(number, (), spent, choice, reason, stable=stable)
        return ActiveRound(number, fresh, spent, choice, f"round {number}", stable=stable)


def describe(rec: dict[float, Grouping]) -> str:
    """The recommendation in words: ``B=2: a+b | c; B=3: ...`` (at most three budgets)."""
    parts = []
    for b, g in list(rec.items())[:3]:
        parts.append(f"B={b:g}: " + " | ".join("+".join(grp) for grp in g.groups))
    return "; ".join(parts) + (" ..." if len(rec) > 3 else "")


def stored_results(store: ResultStore) -> dict[str, RunResult]:
    """Every finished run stored (in the plan or not: a resumed plan's chosen runs are
    found before the plan is synced again), key -> result."""
    out = {}
    for row in store.rows(plan_only=False):
        if row["result"] and row["status"] in ("complete", "failed"):
            out[row["key"]] = result_from_dict(json.loads(row["result"]), {}, {})
    return out


def active_rounds(
    ctx: StudyContext, plan: ActivePlan, specs: list[RunSpec]
) -> tuple[list[RunSpec], Driven, int]:
    """Run the active plan's rounds after its start ``specs`` on the study's executor;
    returns the whole plan's runs, what was driven and the runs found stored."""
    store = ctx.store
    done, skipped = Driven(), 0
    while True:
        step = plan.next_round(stored_results(store))
        rec = describe(step.choice.recommendation) if step.choice is not None else "none yet"
        planned = {s.key for s in specs}
        earlier = [s for s in plan.specs(step.before) if s.key not in planned]
        if earlier:  # a resumed plan: the rounds stored before this call
            specs = [*specs, *earlier]
            store.sync_plan(specs)
            skipped += len(earlier)
        if not step.groups:
            message = (
                f"active plan: stop after round {step.number - 1}, {step.spent}/"
                f"{plan.max_runs} combinations trained ({step.reason}); recommendation {rec}"
            )
            if ctx.progress:
                from rich.console import Console

                Console(log_path=False).log(message, markup=False, highlight=False)
            else:
                log.info(message)
            return specs, done, skipped
        new = plan.specs(step.groups)
        planned = {s.key for s in specs}
        specs = [*specs, *(s for s in new if s.key not in planned)]
        store.sync_plan(specs)
        status = store.status_of(s.key for s in new)
        todo = deque(s for s in new if status.get(s.key) not in ("complete", "failed"))
        skipped += len(new) - len(todo)
        with StudyProgress(len(new), len(new) - len(todo), enabled=ctx.progress) as bar:
            bar.log(
                f"active plan: round {step.number}, {step.spent}/{plan.max_runs} combinations "
                f"trained, recommendation {rec}; training {len(step.groups)} more"
            )
            if todo:
                done = done + drive(ctx, bar, todo)
