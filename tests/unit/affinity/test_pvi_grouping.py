"""Grouping tasks by their PVI distributions: independent-samples tests (no pairing of
instances of different datasets) and the two rules that resolve a task similar to several."""

from __future__ import annotations

import numpy as np
import pytest
from _fake import FakeBackend
from test_probes import _suite

from taskaffinity.affinity import Budget, get_estimator, group_by_pvi, two_sample
from taskaffinity.errors import InputError


def _label_ordered(seed: int = 0) -> dict[str, np.ndarray]:
    """Two datasets' PVI stored in label order (instances of the hard label first)."""
    rng = np.random.default_rng(seed)
    a = np.concatenate([rng.normal(-1.0, 0.5, 60), rng.normal(1.0, 0.5, 140)])
    b = np.concatenate([rng.normal(-1.0, 0.5, 90), rng.normal(1.0, 0.5, 110)])
    return {"a": a, "b": b}


def test_datasets_in_label_order_give_one_result_for_any_order_and_seed():
    """Instances of two datasets are not paired: the test, its p-value and the proposed
    grouping do not depend on the order the instances are stored in, nor on a seed."""
    values = _label_ordered()
    ref = group_by_pvi(values, alpha=0.01)
    rng = np.random.default_rng(1)
    for _ in range(3):
        shuffled = {t: v[rng.permutation(len(v))] for t, v in values.items()}
        got = group_by_pvi(shuffled, alpha=0.01)
        assert got.tested[0].pvalue == pytest.approx(ref.tested[0].pvalue, rel=1e-12)
        assert got.proposed.groups == ref.proposed.groups
    budget = [Budget(seed=s) for s in (0, 7)]
    backend = FakeBackend(logp={("a", False): values["a"], ("a", True): np.zeros(200),
                                ("b", False): values["b"], ("b", True): np.zeros(200)})  # fmt: skip
    mats = [get_estimator("pvi").estimate(_suite(("a", "b")), backend, b).values for b in budget]
    np.testing.assert_array_equal(mats[0], mats[1])
    # a paired test would pair instances of different datasets by position: not offered
    with pytest.raises(InputError, match="paired"):
        two_sample(values["a"], values["b"], test="paired")
    with pytest.raises(InputError, match="paired"):
        group_by_pvi(values, test="paired")
    fresh = FakeBackend(logp=backend.logp)
    with pytest.raises(InputError, match="paired"):
        get_estimator("pvi", test="paired").estimate(_suite(("a", "b")), fresh, Budget())
    assert fresh.calls == []  # refused before any training


def test_student_test_of_two_tasks_is_the_two_group_anova():
    from scipy import stats

    a, b = _label_ordered().values()
    t, p = two_sample(a, b, test="student")
    f = stats.f_oneway(a, b)
    assert p == pytest.approx(f.pvalue, rel=1e-9) and t**2 == pytest.approx(f.statistic)
    assert two_sample(a, b)[1] == pytest.approx(stats.ttest_ind(a, b, equal_var=False).pvalue)


def _standardized(rng: np.random.Generator, n: int) -> np.ndarray:
    x = rng.normal(size=n)
    return (x - x.mean()) / x.std(ddof=1)


def _x_between_y_and_z() -> dict[str, np.ndarray]:
    """200 instances each, unit variance: y = x - 0.08, z = x + 0.24 in mean, so Welch's t
    is 0.8 for (x, y), 2.4 for (x, z) (both p > 0.01) and 3.2 for (y, z) (p < 0.01)."""
    rng = np.random.default_rng(0)
    return {
        "x": _standardized(rng, 200),
        "y": _standardized(rng, 200) - 0.08,
        "z": _standardized(rng, 200) + 0.24,
    }


def test_a_task_similar_to_two_others_follows_the_rule():
    values = _x_between_y_and_z()
    g = group_by_pvi(values, alpha=0.01)
    stat = {c.tasks: (abs(c.statistic), c.pvalue) for c in g.tested}
    assert stat[("x", "y")][0] == pytest.approx(0.8) and stat[("x", "z")][0] == pytest.approx(2.4)
    assert {c.tasks for c in g.candidates} == {("x", "y"), ("x", "z")}
    # largest group first, then the higher p-value: x joins y (the more similar PVI)
    assert g.proposed.groups == (("x", "y"), ("z",))
    assert group_by_pvi(values, rule="largest").proposed.groups == g.proposed.groups
    # the paper's rule: the grouping with the larger t statistic, x joins z
    paper = group_by_pvi(values, alpha=0.01, rule="paper")
    assert paper.proposed.groups == (("x", "z"), ("y",))
    assert paper.proposed.method == "pvi-welch-paper"
    with pytest.raises(InputError, match="rule"):
        group_by_pvi(values, rule="best")


def test_candidates_need_p_above_alpha():
    values = _x_between_y_and_z()
    p_xz = next(c.pvalue for c in group_by_pvi(values).tested if c.tasks == ("x", "z"))
    at = group_by_pvi(values, alpha=p_xz)
    assert not next(c for c in at.tested if c.tasks == ("x", "z")).candidate
    assert group_by_pvi(values, alpha=p_xz * 0.999).tested[1].candidate


def test_estimator_passes_its_rule_to_the_grouping():
    values = _x_between_y_and_z()
    backend = FakeBackend(logp={**{(t, False): v for t, v in values.items()},
                                **{(t, True): np.zeros(200) for t in values}})  # fmt: skip
    est = get_estimator("pvi", rule="paper")
    est.estimate(_suite(("x", "y", "z")), backend, Budget())
    assert est.grouping_.proposed.groups == (("x", "z"), ("y",))
    assert est.get_params()["rule"] == "paper"
