"""Predictor base class and registry.

A predictor learns from measured combinations (a gain :class:`~taskaffinity.types.ScoreTable`:
task set -> each task's gain relative to training it alone, per seed when the table has
``seed_scores``) and predicts each task's gain in any other combination, with an interval.
Contract (docs/design.md, "Contracts"), checked by :class:`taskaffinity.testing.PredictorChecks`:

* constructor: keyword hyperparameters only, stored unchanged, no work
  (:meth:`Predictor.get_params` returns them);
* ``predict(measured, groups, *, level, n_draws, seed) -> Prediction`` over ``groups`` in
  the given order, columns in ``measured.tasks`` order; single-task combinations predict 0
  exactly; deterministic under ``seed``; permutation equivariant;
* registered by name with :func:`register_predictor`; :func:`get_predictor` builds one.

Seeds are measurement noise: every seed of a combination is one observation of the same
unknown mean gain (``seed_scores[s, g, t]``), never a separate truth.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

import numpy as np

from taskaffinity._registry import Registry
from taskaffinity.errors import InputError
from taskaffinity.prediction._prediction import Prediction, group_members
from taskaffinity.types import ScoreTable

__all__ = [
    "MAX_ALL_SUBSETS",
    "PREDICTORS",
    "Observations",
    "Predictor",
    "available_predictors",
    "get_predictor",
    "observations",
    "register_predictor",
]

MAX_ALL_SUBSETS = 12
"""Without explicit candidate ``groups``, every subset is predicted up to this many tasks."""


@dataclass(frozen=True, eq=False)
class Observations:
    """The measured gains as observations: ``members`` bool ``(n_obs, n_tasks)``, ``gains``
    ``(n_obs, n_tasks)`` (NaN outside the combination or where a seed is missing),
    ``row`` ``(n_obs,)`` the measured table's row of each observation (one observation per
    row and seed), ``n_tasks`` columns in the table's task order."""

    members: np.ndarray
    gains: np.ndarray
    row: np.ndarray

    def of_target(self, t: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Observations of target ``t`` in combinations of two or more tasks:
        ``(others (k, n_tasks) bool with column t cleared, gains (k,), rows (k,))``."""
        keep = self.members[:, t] & (self.members.sum(axis=1) >= 2) & ~np.isnan(self.gains[:, t])
        others = self.members[keep].copy()
        others[:, t] = False
        return others, self.gains[keep, t], self.row[keep]


def observations(measured: ScoreTable) -> Observations:
    """One observation per (row, seed) of ``measured`` (per row when it has no seeds)."""
    members = group_members(measured.tasks, measured.groups)
    per_seed = measured.seed_scores if measured.seed_scores is not None else None
    if per_seed is None:
        per_seed = measured.scores[None]
    per_seed = np.asarray(per_seed, dtype=float)
    n_seeds, n_rows, _ = per_seed.shape
    gains = per_seed.reshape(n_seeds * n_rows, -1)
    rows = np.tile(np.arange(n_rows), n_seeds)
    mem = np.tile(members, (n_seeds, 1))
    gains = np.where(mem, gains, np.nan)
    seen = ~np.all(np.isnan(np.where(mem, gains, np.nan)), axis=1)
    return Observations(mem[seen], gains[seen], rows[seen])


def _check_table(measured: ScoreTable) -> None:
    if not isinstance(measured, ScoreTable):
        raise InputError(f"measured must be a ScoreTable, not {type(measured).__name__}")
    if not measured.higher_is_better:
        raise InputError(
            "predictors take gains (higher is better); convert a loss table with "
            "taskaffinity.prediction.gain_table first",
            field="measured",
        )


class Predictor:
    """Base class: stores nothing but its keyword hyperparameters (set by subclasses).
    Subclasses implement :meth:`_predict`; ``additive`` says which purely pairwise table
    the predictor recovers exactly from all pairs (``"sum"``: a task's gain in a group is
    the sum of its pair gains; ``"mean"``: their mean, as in HOA)."""

    name: ClassVar[str] = ""
    additive: ClassVar[str] = "sum"

    def get_params(self) -> dict[str, Any]:
        """The constructor's keyword hyperparameters and their current values."""
        sig = inspect.signature(type(self).__init__)
        return {p: getattr(self, p) for p in sig.parameters if p != "self"}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    def predict(
        self,
        measured: ScoreTable,
        groups: Sequence[Sequence[str]] | None = None,
        *,
        level: float = 0.9,
        n_draws: int = 0,
        seed: int = 0,
    ) -> Prediction:
        """Predict every task's gain in each of ``groups`` (default: every subset of
        ``measured.tasks``, up to :data:`MAX_ALL_SUBSETS` tasks) from the gain table
        ``measured``.

        Returns a :class:`Prediction` with rows in ``groups`` order and columns in
        ``measured.tasks`` order, ``level`` intervals and ``n_draws`` joint posterior draws
        (``seed`` seeds them and any randomness of the fit). Raises
        :class:`~taskaffinity.errors.InputError` for a loss table, an unknown task, or too
        many tasks to enumerate every subset.
        """
        _check_table(measured)
        tasks = measured.tasks
        if groups is None:
            if len(tasks) > MAX_ALL_SUBSETS:
                raise InputError(
                    f"{len(tasks)} tasks: name the candidate combinations (every subset of "
                    f"more than {MAX_ALL_SUBSETS} tasks is too many)",
                    field="groups",
                )
            from taskaffinity.tables import all_groups

            groups = all_groups(tasks)
        cands = tuple(tuple(sorted(g)) for g in groups)
        try:
            members = group_members(tasks, cands)
        except KeyError as err:
            raise InputError(str(err.args[0]), field="groups") from None
        if len(cands) and not members.any(axis=1).all():
            raise InputError("an empty combination was given", field="groups")
        rng = np.random.default_rng(seed)
        obs = observations(measured)
        mean, sd, draws = self._predict(tasks, obs, members, int(n_draws), rng)
        solo = members.sum(axis=1) == 1
        mean = np.where(members, mean, np.nan)
        sd = np.where(members, sd, np.nan)
        mean[solo] = np.where(members[solo], 0.0, np.nan)
        sd[solo] = np.where(members[solo], 0.0, np.nan)
        if draws is not None:
            draws = np.where(members[None], draws, np.nan)
            draws[:, solo] = np.where(members[solo], 0.0, np.nan)
        done = set(measured.groups)
        measured_rows = np.array([g in done for g in cands], dtype=bool)
        return Prediction(
            tasks, cands, mean, sd, measured_rows, draws, level, self.name, self.get_params()
        )

    def _predict(
        self,
        tasks: tuple[str, ...],
        obs: Observations,
        members: np.ndarray,
        n_draws: int,
        rng: np.random.Generator,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """``(mean, sd, draws)`` of shapes ``(G, n)``, ``(G, n)`` and ``(n_draws, G, n)``
        (``None`` when ``n_draws`` is 0) for the candidates ``members`` (bool ``(G, n)``)."""
        raise NotImplementedError


PREDICTORS: Registry[type[Predictor]] = Registry("predictor", field="predictor")
P = TypeVar("P", bound=type[Predictor])


def register_predictor(name: str) -> Callable[[P], P]:
    """Class decorator: register a :class:`Predictor` subclass under ``name``."""
    return PREDICTORS.register(name)


def available_predictors() -> list[str]:
    """Names of the registered predictors, sorted."""
    return PREDICTORS.names()


def get_predictor(name: str, **params: Any) -> Predictor:
    """Build the predictor registered as ``name`` with keyword hyperparameters ``params``."""
    return PREDICTORS.lookup(name)(**params)
