"""The dev metrics a run reports are those of each task's kept checkpoint: taken when the
checkpoint was selected, and equal to scoring the restored checkpoint again (with and
without the weight average), so ``final_metrics`` need not score dev a second time."""

from __future__ import annotations

import pytest

from taskaffinity.backends import get_backend
from taskaffinity.backends.heads import HeadTrainer
from taskaffinity.testing import TINY_SCRATCH, synthetic_suite


@pytest.mark.parametrize("ema", [0.0, 0.9])
def test_reported_dev_metrics_are_the_kept_checkpoints(monkeypatch, ema) -> None:
    import torch

    backend = get_backend("scratch", dict(TINY_SCRATCH, ema=ema))
    suite = synthetic_suite()
    torch.manual_seed(0)
    body = backend.build_body(backend.config, suite)
    tasks = [suite.task("first"), suite.task("count")]
    trainer = HeadTrainer(body, tasks, backend.config, 0, null=False)
    trainer.fit()
    calls: list[tuple[str, str]] = []
    original = HeadTrainer.score

    def counting(self, name, split):
        calls.append((name, split))
        return original(self, name, split)

    monkeypatch.setattr(HeadTrainer, "score", counting)
    metrics = trainer.final_metrics()
    assert not [c for c in calls if c[1] == "dev"]  # taken from the selection
    for name in ("first", "count"):
        trainer.use_best(name)
        again = original(trainer, name, "dev")
        assert {k: metrics[name][f"dev_{k}"] for k in again} == again
        assert trainer.states[name].best_dev == again


def test_checkpoint_last_scores_dev_once_after_the_last_step(monkeypatch) -> None:
    import torch

    steps: list[int] = []
    original = HeadTrainer.evaluate_dev

    def recording(self, step):
        steps.append(step)
        return original(self, step)

    monkeypatch.setattr(HeadTrainer, "evaluate_dev", recording)
    suite = synthetic_suite()
    for checkpoint in ("best_dev", "last"):
        steps.clear()
        backend = get_backend("scratch", dict(TINY_SCRATCH, checkpoint=checkpoint))
        torch.manual_seed(0)
        body = backend.build_body(backend.config, suite)
        trainer = HeadTrainer(body, [suite.task("first")], backend.config, 0, null=False)
        trainer.fit()
        if checkpoint == "last":
            assert steps == [trainer.total_steps]
            assert trainer.states["first"].best_step == trainer.total_steps
        else:
            assert len(steps) > 1 and steps[-1] == trainer.total_steps
    assert "checkpoint" not in get_backend("scratch", dict(TINY_SCRATCH)).config.to_dict()
