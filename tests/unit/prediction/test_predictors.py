"""Every registered predictor passes the shared contract; each one's own behaviour."""

from __future__ import annotations

import numpy as np
import pytest

from taskaffinity.errors import InputError
from taskaffinity.prediction import (
    available_predictors,
    gain_table,
    get_predictor,
    observations,
)
from taskaffinity.tables import hoa
from taskaffinity.testing import Planted, PredictorChecks, planted_table
from taskaffinity.types import AffinityMatrix, ScoreTable


def _affinity(planted: Planted) -> dict[str, AffinityMatrix]:
    rng = np.random.default_rng(0)
    noisy = planted.pairs + 0.3 * rng.standard_normal(planted.pairs.shape)
    return {"affinity": AffinityMatrix(planted.tasks, noisy, "planted")}


PARAMS = {"affinity_prior": _affinity}


@pytest.mark.parametrize("check", PredictorChecks.CHECKS)
@pytest.mark.parametrize("name", available_predictors())
def test_contract(name: str, check: str) -> None:
    getattr(PredictorChecks(name, PARAMS.get(name)), check)()


def test_every_predictor_is_checked() -> None:
    assert set(available_predictors()) >= {"hoa", "pairwise", "kernel", "affinity_prior"}


def test_coverage_check_catches_overconfident_intervals(monkeypatch: pytest.MonkeyPatch) -> None:
    """Intervals a third as wide as the pairwise model's fail the coverage check."""
    from taskaffinity.prediction import PairwiseBayes

    original = PairwiseBayes._predict

    def narrow(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        mean, sd, draws = original(self, *args, **kwargs)
        return mean, sd / 3.0, draws

    monkeypatch.setattr(PairwiseBayes, "_predict", narrow)
    with pytest.raises(AssertionError, match="cover the planted truth"):
        PredictorChecks("pairwise").check_coverage()


def test_recovery_check_catches_a_mean_model_on_additive_data() -> None:
    """HOA with ``combine='mean'`` cannot recover a sum-additive table (the check bites)."""
    planted = planted_table(5, seed=1, combine="sum")
    out = get_predictor("hoa").predict(planted.measured, planted.groups)
    assert np.nanmax(np.abs(out.mean - planted.truth)) > 0.1
    out = get_predictor("hoa", combine="sum").predict(planted.measured, planted.groups)
    assert np.nanmax(np.abs(out.mean - planted.truth)) < 1e-9


def test_hoa_predictor_matches_the_table_hoa() -> None:
    """On singles + pairs of a score table, the HOA predictor's gains are ``tables.hoa``'s
    scores minus the singles."""
    rng = np.random.default_rng(4)
    tasks = ("a", "b", "c", "d")
    mat = rng.normal(size=(4, 4)) + 5.0
    scores = ScoreTable.from_matrix(tasks, mat)
    gains = gain_table(scores)
    big = [("a", "b", "c"), ("a", "b", "c", "d"), ("b", "c", "d")]
    pred = get_predictor("hoa").predict(gains, big)
    ref = hoa(scores, big)
    for g, grp in enumerate(big):
        row = ref.groups.index(grp)
        for t in grp:
            i = tasks.index(t)
            assert pred.mean[g, i] == pytest.approx(ref.scores[row, i] - mat[i, i])


def test_gain_table_pairs_each_seed_with_its_own_single() -> None:
    tasks = ("a", "b")
    seeds = np.array(
        [
            [[1.0, np.nan], [np.nan, 2.0], [1.5, 2.5]],
            [[2.0, np.nan], [np.nan, 3.0], [2.0, 3.5]],
        ]
    )
    table = ScoreTable(tasks, (("a",), ("b",), ("a", "b")), seeds.mean(0), np.ones(3), True, seeds)
    out = gain_table(table)
    assert out.seed_scores is not None
    assert out.seed_scores[:, 2].tolist() == [[0.5, 0.5], [0.0, 0.5]]
    assert out.scores[2].tolist() == [0.25, 0.5]
    assert out.scores[0, 0] == 0.0
    losses = ScoreTable(tasks, table.groups, table.scores, table.costs, False)
    assert gain_table(losses).scores[2].tolist() == [-0.25, -0.5]
    rate = gain_table(
        ScoreTable(tasks, table.groups, table.scores, table.costs, True), relative=True
    )
    assert rate.scores[2, 0] == pytest.approx(0.25 / 1.5 * 100)


def test_gain_table_names_a_task_without_a_single() -> None:
    table = ScoreTable(("a", "b"), (("a",), ("a", "b")), [[1.0, np.nan], [1.0, 2.0]], [1, 1])
    with pytest.raises(InputError, match=r"\['b'\]"):
        gain_table(table)


def test_seeds_are_observations_of_one_mean() -> None:
    planted = planted_table(4, seed=0, noise=0.5, n_seeds=3)
    obs = observations(planted.measured)
    assert len(obs.row) == 3 * len(planted.measured.groups)
    assert np.array_equal(obs.row[: len(planted.measured.groups)], np.arange(10))


def test_more_seeds_narrow_the_interval() -> None:
    few = planted_table(5, seed=2, noise=0.4, n_seeds=2, n_extra=6)
    many = planted_table(5, seed=2, noise=0.4, n_seeds=8, n_extra=6)
    pred = get_predictor("pairwise")
    sd_few = np.nanmean(pred.predict(few.measured, few.groups).sd)
    sd_many = np.nanmean(pred.predict(many.measured, many.groups).sd)
    assert sd_many < sd_few


def test_bad_input_is_refused_clearly() -> None:
    planted = planted_table(4, seed=0)
    pred = get_predictor("pairwise")
    with pytest.raises(InputError, match="unknown task 'zz'"):
        pred.predict(planted.measured, [("t0", "zz")])
    losses = ScoreTable(
        planted.measured.tasks,
        planted.measured.groups,
        planted.measured.scores,
        planted.measured.costs,
        False,
    )
    with pytest.raises(InputError, match="gains"):
        pred.predict(losses, [("t0", "t1")])
    with pytest.raises(InputError, match="affinity"):
        get_predictor("affinity_prior").predict(planted.measured, [("t0", "t1", "t2")])
    with pytest.raises(InputError, match="combine"):
        get_predictor("hoa", combine="max").predict(planted.measured, [("t0", "t1", "t2")])
    big = ScoreTable(tuple(f"x{i}" for i in range(13)), (("x0",),), [[0.0] + [np.nan] * 12], [1.0])
    with pytest.raises(InputError, match="name the candidate combinations"):
        pred.predict(big)


def test_affinity_prior_beats_no_prior_with_few_measurements() -> None:
    """With only a few measured combinations, a good affinity matrix helps (ETAP's point)."""
    errs = {"with": [], "without": []}
    for seed in range(3):
        planted = planted_table(6, seed=seed, noise=0.1, n_seeds=2)
        keep = [g for g, grp in enumerate(planted.measured.groups) if len(grp) == 1][:6]
        pairs = [g for g, grp in enumerate(planted.measured.groups) if len(grp) == 2][::3]
        from taskaffinity.tables import take_rows

        few = take_rows(planted.measured, keep + pairs)
        truth_aff = AffinityMatrix(planted.tasks, planted.pairs, "truth")
        for label, pred in (
            ("with", get_predictor("affinity_prior", affinity=truth_aff)),
            ("without", get_predictor("pairwise", interactions=False)),
        ):
            out = pred.predict(few, planted.groups)
            errs[label].append(float(np.sqrt(np.nanmean((out.mean - planted.truth) ** 2))))
    assert np.mean(errs["with"]) < 0.8 * np.mean(errs["without"])


def test_folding_seeds_is_exact() -> None:
    """The GP folds a combination's seeds into their mean (noise / count): its posterior
    equals the one computed on every seed as a separate observation."""
    from taskaffinity.prediction._gp import fit_gp, gp_predict

    planted = planted_table(5, seed=7, noise=0.3, n_seeds=3, n_extra=4)
    obs = observations(planted.measured)
    x, y, rows = obs.of_target(0)
    fit = fit_gp([obs.of_target(t) for t in range(5)], ("linear",))
    x_new = np.array([[0, 1, 1, 1, 0], [0, 1, 1, 1, 1]], dtype=bool)
    mean, sd, _ = gp_predict(fit, 0, x, y, rows, x_new, None, 0, np.random.default_rng(0))
    sc, s2, nz = fit.y_scale[0], fit.scales["linear"], fit.noise
    xf = x.astype(float)
    k = s2 * xf @ xf.T + nz * np.eye(len(y))
    ks = s2 * x_new.astype(float) @ xf.T
    full_mean = ks @ np.linalg.solve(k, y / sc) * sc
    prior = s2 * x_new.sum(axis=1)
    full_sd = np.sqrt(prior - np.einsum("ij,ji->i", ks, np.linalg.solve(k, ks.T))) * sc
    assert np.allclose(mean, full_mean, atol=1e-6)
    assert np.allclose(sd, full_sd, atol=1e-6)
