"""The active plan replayed on a complete (or sampled) table of measured combinations: each
combination the plan chooses is "trained" by reading its row, so a plan, a predictor or a
stopping rule can be benchmarked offline on published data in seconds."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from taskaffinity.errors import InputError
from taskaffinity.prediction._active import choose_next, settled, stable_rounds
from taskaffinity.prediction._base import Predictor
from taskaffinity.tables import take_rows
from taskaffinity.types import ScoreTable

__all__ = ["ReplayRun", "replay_active", "start_rows"]


@dataclass(frozen=True)
class ReplayRun:
    """What one replayed plan trained: ``rows`` the table rows in training order (the
    start first), ``rounds`` the active rounds run, ``settled_at`` the number of rows
    trained when the stopping rule first held (``None``: never within ``max_runs``),
    ``measured`` the table of those rows."""

    rows: tuple[int, ...]
    rounds: int
    settled_at: int | None
    measured: ScoreTable


def start_rows(table: ScoreTable, n_random: int, rng: np.random.Generator) -> list[int]:
    """The plan's start: every single-task row, the all-task row (when the table has it)
    and ``n_random`` further rows drawn uniformly (a random space-filling design)."""
    n = table.n_tasks
    fixed = [g for g, grp in enumerate(table.groups) if len(grp) in (1, n)]
    taken = set(fixed)
    rest = [g for g in range(len(table.groups)) if g not in taken]
    k = max(0, min(n_random, len(rest)))
    return fixed + [int(g) for g in rng.choice(rest, size=k, replace=False)]


def replay_active(
    table: ScoreTable,
    predictor: Predictor,
    max_runs: int,
    budgets: tuple[float, ...],
    *,
    seed: int = 0,
    n_start: int | None = None,
    rounds: int = 6,
    n_draws: int = 12,
    rule: str = "measured",
    solver: str = "exact",
    pool: int | None = None,
    stop: bool = False,
    pin_measured: bool = False,
    patience: int = 2,
    batch: int | None = None,
) -> ReplayRun:
    """Replay the active plan on the gain table ``table`` (its rows are the candidate
    combinations) until ``max_runs`` rows are trained (singles and the all-task run
    included), or, with ``stop``, until the stopping rule holds.

    Start: :func:`start_rows` with ``n_start`` random rows (default: half of what is left
    after the singles and the all-task run, at most ``n_tasks``); then up to ``rounds``
    rounds of :func:`~taskaffinity.prediction.choose_next` of equal batches, or, with
    ``batch``, rounds of ``batch`` combinations until ``max_runs`` (what a study's
    ``plan.active.batch`` does; ``rounds`` is then ignored) (``n_draws``,
    ``rule``, ``solver``, ``pool`` and ``pin_measured`` are its options; the stopping rule
    is :func:`~taskaffinity.prediction.settled` with ``patience``). ``seed``
    seeds the start and every round. Raises :class:`~taskaffinity.errors.InputError` when
    ``max_runs`` is below the start."""
    n = table.n_tasks
    rng = np.random.default_rng(seed)
    spare = max_runs - n - 1
    if n_start is None:
        n_start = min(n, spare // 2) if spare > 1 else max(spare, 0)
    rows = start_rows(table, n_start, rng)
    if len(rows) > max_runs:
        raise InputError(
            f"max_runs {max_runs} is below the plan's start ({len(rows)} runs)",
            field="max_runs",
        )
    index = {g: i for i, g in enumerate(table.groups)}
    settled_at, done, stable, previous = None, 0, 0, None
    while len(rows) < max_runs:
        left = max_runs - len(rows)
        if batch is not None:
            k = min(left, max(1, batch))
        else:
            k = min(left, max(1, math.ceil(left / max(1, rounds - done))))
        choice = choose_next(
            predictor,
            take_rows(table, rows),
            table.groups,
            budgets,
            k,
            n_draws=n_draws,
            seed=seed * 1000 + done,
            rule=rule,
            solver=solver,
            pool=pool,
            pin_measured=pin_measured,
            previous=previous,
        )
        done += 1
        stable, previous = stable_rounds(stable, choice), choice.recommendation
        if settled(choice, stable, patience) and settled_at is None:
            settled_at = len(rows)
            if stop:
                break
        if not choice.groups:
            break
        rows += [index[g] for g in choice.groups]
    return ReplayRun(tuple(rows), done, settled_at, take_rows(table, rows))
