"""Contract every predictor of combination gains meets, runnable by anyone.

``check_predictor(name)`` runs every check on the registered predictor ``name`` and raises
``AssertionError`` naming the first broken rule; :class:`PredictorChecks` exposes them one
by one (``CHECKS`` names them) for a parametrized test:

* hyperparameters stored unchanged, ``get_params`` round-trips, the class name in ``repr``;
* shapes and order: rows in the order of the candidates asked for, columns in the
  table's task order, NaN outside each combination, single tasks exactly 0, sd >= 0,
  draws of shape ``(n_draws, n_groups, n_tasks)``;
* deterministic under a seed; permutation equivariant (reordering the tasks reorders the
  columns and nothing else);
* calibrated: the intervals cover a planted truth at about their nominal rate
  (:func:`planted_table`: pairwise effects, a little third-order effect, seed noise);
* exact on pairwise data: from every pair of a purely pairwise table (gains combined by
  the predictor's ``additive`` rule, ``"sum"`` or ``"mean"``), every larger combination
  is recovered.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import combinations
from typing import Any, ClassVar

import numpy as np

from taskaffinity.prediction import PREDICTORS, Prediction, Predictor, get_predictor
from taskaffinity.types import ScoreTable

__all__ = ["Planted", "PredictorChecks", "check_predictor", "planted_table"]


@dataclass(frozen=True, eq=False)
class Planted:
    """A synthetic gain table with its truth: ``tasks``; ``groups`` every combination;
    ``truth`` ``(n_groups, n_tasks)`` the true mean gains (NaN outside); ``pairs``
    ``(n_tasks, n_tasks)`` the pairwise effects (row = target, column = partner);
    ``measured`` the table of the measured rows (with ``seed_scores`` when noisy)."""

    tasks: tuple[str, ...]
    groups: tuple[tuple[str, ...], ...]
    truth: np.ndarray
    pairs: np.ndarray
    measured: ScoreTable


def planted_table(
    n_tasks: int = 6,
    *,
    seed: int = 0,
    combine: str = "sum",
    third: float = 0.0,
    noise: float = 0.0,
    n_seeds: int = 1,
    n_extra: int = 0,
) -> Planted:
    """A planted gain table over every combination of ``n_tasks`` tasks ``t0 ..``: target
    ``t``'s gain in ``S`` is the ``combine`` (``"sum"`` or ``"mean"``) of pair effects
    ``a[t, u] ~ N(0, 1)`` over ``u in S \\ {t}`` plus ``third`` times the sum of
    third-order effects ``b[t, u, v] ~ N(0, 1)`` over pairs of partners. Measured: every
    single and pair plus ``n_extra`` random larger combinations, ``n_seeds`` seeds of
    ``N(0, noise^2)`` noise each (``seed_scores`` only when ``n_seeds > 1``)."""
    rng = np.random.default_rng(seed)
    tasks = tuple(f"t{i}" for i in range(n_tasks))
    a = rng.standard_normal((n_tasks, n_tasks))
    np.fill_diagonal(a, 0.0)
    b = rng.standard_normal((n_tasks, n_tasks, n_tasks))
    groups = tuple(c for k in range(1, n_tasks + 1) for c in combinations(tasks, k))
    truth = np.full((len(groups), n_tasks), np.nan)
    for g, grp in enumerate(groups):
        idx = [int(t[1:]) for t in grp]
        for t in idx:
            others = [u for u in idx if u != t]
            if not others:
                truth[g, t] = 0.0
                continue
            main = a[t, others].sum()
            if combine == "mean":
                main /= len(others)
            extra = sum(b[t, u, v] for u, v in combinations(others, 2))
            truth[g, t] = main + third * extra
    small = [g for g, grp in enumerate(groups) if len(grp) <= 2]
    large = [g for g, grp in enumerate(groups) if len(grp) > 2]
    pick = sorted(rng.choice(large, size=min(n_extra, len(large)), replace=False).tolist())
    rows = small + pick
    base = truth[rows]
    seeds = base[None] + rng.standard_normal((n_seeds, *base.shape)) * noise
    for i, g in enumerate(rows):
        if len(groups[g]) == 1:
            seeds[:, i] = np.where(np.isnan(base[i]), np.nan, 0.0)
    table = ScoreTable(
        tasks,
        tuple(groups[g] for g in rows),
        seeds.mean(axis=0),
        np.ones(len(rows)),
        True,
        seeds if n_seeds > 1 else None,
    )
    return Planted(tasks, groups, truth, a, table)


def _permute(table: ScoreTable, order: list[int]) -> ScoreTable:
    tasks = tuple(table.tasks[i] for i in order)
    seeds = None if table.seed_scores is None else table.seed_scores[:, :, order]
    return ScoreTable(tasks, table.groups, table.scores[:, order], table.costs, True, seeds)


class PredictorChecks:
    """The predictor contract for the registered predictor ``name``; ``params``: its
    keyword hyperparameters, or a function of the :class:`Planted` table that returns them
    (e.g. an affinity matrix over its tasks); ``coverage``: the accepted range of the
    observed coverage of the nominal-90% intervals."""

    CHECKS: ClassVar[tuple[str, ...]] = (
        "check_params",
        "check_shape_and_order",
        "check_deterministic",
        "check_permutation_equivariant",
        "check_coverage",
        "check_pairwise_recovery",
    )

    def __init__(
        self,
        name: str,
        params: Mapping[str, Any] | Callable[[Planted], Mapping[str, Any]] | None = None,
        *,
        coverage: tuple[float, float] = (0.7, 1.0),
    ) -> None:
        self.name = name
        self.params = params
        self.coverage = coverage

    def make(self, planted: Planted) -> Predictor:
        params = self.params(planted) if callable(self.params) else dict(self.params or {})
        return get_predictor(self.name, **params)

    def _noisy(self, seed: int = 0) -> Planted:
        return planted_table(5, seed=seed, third=0.1, noise=0.2, n_seeds=3, n_extra=6)

    def check_params(self) -> None:
        pred = self.make(self._noisy())
        params = pred.get_params()
        changed = [k for k, v in params.items() if getattr(pred, k) is not v]
        assert not changed, f"{self.name}: constructor changed parameters {changed}"
        again = get_predictor(self.name, **params)
        assert again.get_params() == params, f"{self.name}: get_params does not round-trip"
        assert type(pred).__name__ in repr(pred), f"{self.name}: repr lacks the class name"

    def check_shape_and_order(self) -> None:
        planted = self._noisy()
        cands = list(planted.groups)[::-1]
        out = self.make(planted).predict(planted.measured, cands, n_draws=3, seed=0)
        assert isinstance(out, Prediction), f"{self.name}: predict returned {type(out)}"
        n, g = len(planted.tasks), len(cands)
        assert out.tasks == planted.tasks, f"{self.name}: tasks {out.tasks} not in table order"
        assert out.groups == tuple(cands), f"{self.name}: rows not in the order asked for"
        assert out.mean.shape == (g, n) and out.sd.shape == (g, n), f"{self.name}: shape"
        assert out.draws is not None and out.draws.shape == (3, g, n), f"{self.name}: draws"
        inside = out.members
        assert np.isnan(out.mean[~inside]).all(), f"{self.name}: value outside a combination"
        assert np.isfinite(out.mean[inside]).all(), f"{self.name}: non-finite prediction"
        assert (out.sd[inside] >= 0).all(), f"{self.name}: negative sd"
        solo = inside.sum(axis=1) == 1
        assert np.all(out.mean[solo][inside[solo]] == 0.0), f"{self.name}: single gain != 0"
        done = set(planted.measured.groups)
        assert list(out.measured) == [c in done for c in cands], f"{self.name}: measured"
        assert out.method == self.name, f"{self.name}: method is {out.method!r}"

    def check_deterministic(self) -> None:
        planted = self._noisy()
        a = self.make(planted).predict(planted.measured, planted.groups, n_draws=2, seed=3)
        b = self.make(planted).predict(planted.measured, planted.groups, n_draws=2, seed=3)
        for field in ("mean", "sd", "draws"):
            assert np.array_equal(getattr(a, field), getattr(b, field), equal_nan=True), (
                f"{self.name}: {field} differs between two runs with one seed"
            )

    def check_permutation_equivariant(self) -> None:
        planted = self._noisy()
        order = [3, 0, 4, 1, 2]
        base = self.make(planted).predict(planted.measured, planted.groups)
        perm = self.make(planted).predict(_permute(planted.measured, order), planted.groups)
        assert perm.tasks == tuple(planted.tasks[i] for i in order)
        for field in ("mean", "sd"):
            x, y = getattr(base, field)[:, order], getattr(perm, field)
            assert np.allclose(x, y, rtol=1e-4, atol=1e-6, equal_nan=True), (
                f"{self.name}: {field} not permutation equivariant"
            )

    def check_coverage(self) -> None:
        hits, total = 0, 0
        for seed in range(4):
            planted = planted_table(6, seed=seed, third=0.15, noise=0.3, n_seeds=3, n_extra=12)
            out = self.make(planted).predict(planted.measured, planted.groups, level=0.9)
            keep = (~out.measured)[:, None] & out.members & (out.members.sum(1) >= 2)[:, None]
            ok = (planted.truth >= out.lower - 1e-12) & (planted.truth <= out.upper + 1e-12)
            hits += int(ok[keep].sum())
            total += int(keep.sum())
        rate = hits / total
        lo, hi = self.coverage
        assert lo <= rate <= hi, (
            f"{self.name}: nominal-90% intervals cover the planted truth at {rate:.2f} "
            f"(accepted {lo}..{hi})"
        )

    def check_pairwise_recovery(self) -> None:
        cls = PREDICTORS.lookup(self.name)
        planted = planted_table(5, seed=1, combine=cls.additive)
        out = self.make(planted).predict(planted.measured, planted.groups)
        err = float(np.nanmax(np.abs(out.mean - planted.truth)))
        scale = float(np.nanmax(np.abs(planted.truth)))
        assert err <= 1e-4 * scale, (
            f"{self.name}: a purely pairwise ({cls.additive}) table is not recovered from "
            f"its pairs (max error {err:.3g})"
        )

    def run(self) -> None:
        for check in self.CHECKS:
            getattr(self, check)()


def check_predictor(
    name: str,
    params: Mapping[str, Any] | Callable[[Planted], Mapping[str, Any]] | None = None,
) -> None:
    """Run every check of :class:`PredictorChecks` on the registered predictor ``name``."""
    PredictorChecks(name, params).run()
