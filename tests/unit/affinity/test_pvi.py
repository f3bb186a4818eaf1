"""PVI: the formula (bits, from natural logs), CSV export, statistical grouping, and the
known property that mislabelled instances get low PVI (Ethayarajh et al. 2022)."""

from __future__ import annotations

import csv
import math

import numpy as np
import pytest
from _fake import FakeBackend
from test_probes import _suite

from taskaffinity.affinity import Budget, compute_pvi, get_estimator, group_by_pvi, two_sample
from taskaffinity.tasks import TaskSuite
from taskaffinity.testing import TINY_SCRATCH, make_task


def _fake_logp():
    return {
        ("a", False): np.log([0.9, 0.5, 0.25]), ("a", True): np.log([0.5, 0.5, 0.5]),
        ("b", False): np.log([0.8, 0.7, 0.9]), ("b", True): np.log([0.4, 0.4, 0.4]),
    }  # fmt: skip


def test_pvi_formula_in_bits_and_csv(tmp_path):
    backend = FakeBackend(logp=_fake_logp())
    res = compute_pvi(_suite(("a", "b")), backend, seed=0)
    np.testing.assert_allclose(res.values["a"], [math.log2(0.9 / 0.5), 0.0, -1.0])
    np.testing.assert_allclose(res.values["b"], np.log2([2.0, 1.75, 2.25]))
    assert res.v_information["b"] == pytest.approx(np.mean(np.log2([2.0, 1.75, 2.25])))
    assert ("a", False, "test") in backend.calls and ("a", True, "test") in backend.calls
    assert res.cost.steps == 4 * 3
    rows = list(csv.DictReader(res.to_csv(tmp_path / "pvi.csv").open()))
    assert rows[0] == {"task": "a", "split": "test", "index": "0", "pvi": rows[0]["pvi"]}
    assert float(rows[2]["pvi"]) == pytest.approx(-1.0) and len(rows) == 6


def test_pvi_affinity_is_a_symmetric_similarity():
    est = get_estimator("pvi", similarity="mean_diff")
    aff = est.estimate(_suite(("a", "b")), FakeBackend(logp=_fake_logp()), Budget())
    gap = abs(np.mean([math.log2(1.8), 0.0, -1.0]) - np.mean(np.log2([2.0, 1.75, 2.25])))
    assert aff.values[0, 1] == pytest.approx(-gap) and aff.values[1, 0] == pytest.approx(-gap)
    assert est.result_.split == "test" and est.grouping_.proposed.groups
    p = get_estimator("pvi").estimate(_suite(("a", "b")), FakeBackend(logp=_fake_logp()), Budget())
    a, b = (np.log2([1.8, 1.0, 0.5]), np.log2([2.0, 1.75, 2.25]))
    assert p.values[0, 1] == pytest.approx(two_sample(a, b)[1] - 0.01)
    assert p.values[1, 0] == p.values[0, 1]


def test_grouping_finds_the_two_clusters():
    rng = np.random.default_rng(0)
    values = {
        "x1": rng.normal(0.0, 1, 300), "x2": rng.normal(0.05, 1, 300),
        "x3": rng.normal(0.0, 1, 250), "y1": rng.normal(3.0, 1, 300),
        "y2": rng.normal(3.05, 1, 300),
    }  # fmt: skip
    g = group_by_pvi(values, alpha=0.01)
    assert sorted(g.proposed.groups) == [("x1", "x2", "x3"), ("y1", "y2")]
    kinds = {c.tasks: c.test for c in g.tested}
    assert kinds[("x1", "x2")] == "welch" and kinds[("x1", "x2", "x3")] == "anova"
    assert len(g.tested) == 2**5 - 5 - 1
    assert not any(c.candidate for c in g.tested if {"x1", "y1"} <= set(c.tasks))
    student = group_by_pvi(values, alpha=0.01, test="student")
    assert {c.tasks: c.test for c in student.tested}[("x1", "x3")] == "student"
    assert sorted(student.proposed.groups) == [("x1", "x2", "x3"), ("y1", "y2")]
    assert g.rows()[0]["tasks"] == "x1+x2"


def test_flipped_labels_get_clearly_lower_pvi():
    """20% of a task's train and test labels flipped (seeded): the flipped test instances
    have clearly lower mean PVI than the clean ones."""
    from taskaffinity.backends import get_backend

    task, flipped = make_task("first", sizes=(320, 48, 160), flip=0.2)
    backend = get_backend("scratch", dict(TINY_SCRATCH, epochs=6.0, lr=1e-2))
    pvi = compute_pvi(TaskSuite("flip", (task,)), backend, seed=0).values["first"]
    mask = np.zeros(len(pvi), dtype=bool)
    mask[flipped] = True
    assert 0.1 < mask.mean() < 0.3
    assert pvi[mask].mean() < pvi[~mask].mean() - 0.5
    assert pvi[mask].mean() < 0 < pvi[~mask].mean()
