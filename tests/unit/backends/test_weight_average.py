"""The exponential moving average of the trained weights (``ema``): the update against
hand-computed values, the in-place swap, and a run scored with the averaged weights (its
kept checkpoint holds the average, not the last iterate; off by default, so run keys of
stored studies are unchanged)."""

from __future__ import annotations

import pytest

from taskaffinity.backends import get_backend
from taskaffinity.backends.heads import HeadTrainer
from taskaffinity.backends.training import WeightAverage
from taskaffinity.errors import InputError
from taskaffinity.testing import TINY_SCRATCH, synthetic_suite


def test_update_follows_the_warmed_up_decay() -> None:
    import torch

    w = torch.nn.Parameter(torch.tensor([0.0, 2.0]))
    avg = WeightAverage([w], 0.9)
    assert avg.rate(1) == pytest.approx(1 - 2 / 11)  # warm-up: min(0.9, 2/11)
    assert avg.rate(1000) == pytest.approx(0.1)
    with torch.no_grad():
        w.copy_(torch.tensor([1.0, 0.0]))
    avg.update(1)
    r = 1 - 2 / 11
    expected = torch.tensor([0.0 + r * 1.0, 2.0 + r * (0.0 - 2.0)])
    assert torch.allclose(avg.average[0], expected)


def test_swapped_exchanges_and_restores_in_place() -> None:
    import torch

    w = torch.nn.Parameter(torch.tensor([1.0, 1.0]))
    avg = WeightAverage([w], 0.5)
    with torch.no_grad():
        w.copy_(torch.tensor([3.0, 5.0]))
    avg.update(100)  # rate 0.5 -> average (2, 3)
    with avg.swapped():
        assert torch.equal(w.detach(), torch.tensor([2.0, 3.0]))
    assert torch.equal(w.detach(), torch.tensor([3.0, 5.0]))
    assert torch.equal(avg.average[0], torch.tensor([2.0, 3.0]))


def _trained(ema: float) -> HeadTrainer:
    import torch

    backend = get_backend("scratch", dict(TINY_SCRATCH, ema=ema))
    suite = synthetic_suite()
    torch.manual_seed(0)
    body = backend.build_body(backend.config, suite)
    trainer = HeadTrainer(body, [suite.task("first")], backend.config, 0, null=False)
    trainer.fit()
    return trainer


def test_checkpoint_holds_the_average_not_the_last_weights() -> None:
    import torch

    plain, averaged = _trained(0.0), _trained(0.9)
    # the same run apart from scoring: the live (last) weights are identical
    for a, b in zip(plain.body.parameters(), averaged.body.parameters(), strict=True):
        assert torch.equal(a, b)
    state = averaged.states["first"]
    kept = state.best_state["body"]
    live = dict(averaged.body.state_dict())
    assert any(not torch.equal(kept[k], live[k]) for k in kept)


def test_ema_enters_the_run_key_only_when_set() -> None:
    backend = get_backend("scratch", dict(TINY_SCRATCH))
    assert "ema" not in backend.config.to_dict()
    assert get_backend("scratch", dict(TINY_SCRATCH, ema=0.99)).config.to_dict()["ema"] == 0.99


@pytest.mark.parametrize("bad", [-0.1, 1.0, "x"])
def test_bad_decay_names_the_field(bad) -> None:
    with pytest.raises(InputError) as err:
        get_backend("scratch", dict(TINY_SCRATCH, ema=bad))
    assert err.value.field == "ema"
