"""Lookahead affinity (TAG) and gradient cosine on hand-made losses with known answers."""

from __future__ import annotations

import numpy as np
import pytest
from _fake import TASK_LOSSES, FakeBackend, FakeContext

from taskaffinity.affinity import Budget, get_estimator, gradient_cosines, lookahead_step
from taskaffinity.tasks import TaskSuite


def _suite(names):
    from taskaffinity.testing import make_task

    tasks = []
    for n in names:
        t, _ = make_task("first", sizes=(4, 2, 2))
        tasks.append(type(t)(n, t.kind, t.category, t.metric, t.train, t.dev, t.test))
    return TaskSuite("fake", tuple(tasks))


def _z(src, tgt, lr=0.1):
    """Z[src -> tgt] by hand: one SGD step on src from w = 0."""
    import torch

    w = torch.zeros(2, requires_grad=True)
    (g,) = torch.autograd.grad(TASK_LOSSES[src](w), [w])
    w2 = (w - lr * g).detach()
    return 1 - float(TASK_LOSSES[tgt](w2)) / float(TASK_LOSSES[tgt](w.detach()))


def test_lookahead_step_row_is_target_column_is_source():
    import torch

    tasks = ("a", "b", "c", "d")
    ctx = FakeContext(list(tasks), torch.zeros(2, requires_grad=True), lr=0.1)
    out = lookahead_step(ctx, tasks, step="sgd")
    a, b, c, d = range(4)
    assert out[b, a] == pytest.approx(_z("a", "b"))  # values[target, source]
    assert out[b, a] > out[a, b] > 0  # a helps b much more (relative) than b helps a
    assert out[c, a] < 0  # a step on a hurts c
    assert out[d, a] == pytest.approx(0.0, abs=1e-9)  # d shares nothing with a
    assert float(ctx.shared_parameters()[0].detach().abs().sum()) == 0.0  # parameters restored


def test_tag_estimator_direction_and_order():
    names = ("c", "a", "b", "d")
    tag = get_estimator("tag", every=2, step="sgd")
    aff = tag.estimate(_suite(names), FakeBackend(steps=6), Budget())
    i = {t: k for k, t in enumerate(names)}
    assert aff.values[i["b"], i["a"]] == pytest.approx(_z("a", "b"))
    assert aff.values[i["a"], i["b"]] == pytest.approx(_z("b", "a"))
    assert aff.values[i["c"], i["a"]] < 0
    assert aff.cost.steps == 6 + int(3 * (4 + 4 * 5 / 3))  # 3 probes in step equivalents


def test_tag_lookahead_lr_overrides_the_run_lr():
    aff = get_estimator("tag", every=1, lookahead_lr=0.01, step="sgd").estimate(
        _suite(("a", "b")), FakeBackend(steps=2), Budget()
    )
    assert aff.values[1, 0] == pytest.approx(_z("a", "b", lr=0.01))


def test_gradient_cosines_signs():
    import torch

    tasks = ("a", "b", "c", "d")
    ctx = FakeContext(list(tasks), torch.zeros(2, requires_grad=True), lr=0.1)
    out = gradient_cosines(ctx, tasks)
    assert out[0, 1] == pytest.approx(1.0) and out[0, 2] == pytest.approx(-1.0)
    assert out[0, 3] == pytest.approx(0.0)
    np.testing.assert_allclose(out, out.T)


def test_gradient_estimator_symmetric():
    aff = get_estimator("gradient_cosine", every=3).estimate(
        _suite(("a", "c", "d")), FakeBackend(steps=6), Budget()
    )
    np.testing.assert_allclose(aff.values, aff.values.T)
    assert aff.values[0, 1] == pytest.approx(-1.0)


def test_adam_like_step_keeps_the_signs_and_scales_up_small_gradients():
    import torch

    tasks = ("a", "b", "c", "d")
    ctx = FakeContext(list(tasks), torch.zeros(2, requires_grad=True), lr=0.01)
    sgd, adam = lookahead_step(ctx, tasks, step="sgd"), lookahead_step(ctx, tasks, step="adam")
    off = ~np.eye(4, dtype=bool) & (np.abs(sgd) > 1e-12)
    np.testing.assert_array_equal(np.sign(adam[off]), np.sign(sgd[off]))
    # gradient (-2, 0) -> unit RMS (-sqrt 2, 0): a step of lr * sqrt(2) on w0
    assert adam[1, 0] == pytest.approx(1 - ((0.01 * 2**0.5 - 1) ** 2 + 0.1) / 1.1, rel=1e-4)
    with pytest.raises(Exception, match="unknown lookahead step"):
        lookahead_step(ctx, tasks, step="nope")
