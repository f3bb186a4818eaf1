"""The paired (common-random-number) run design: for one seed, a task's head
initialisation, the shared body's initialisation and the task's batch sequence are the
same in its single-task run and in a joint run that contains it; ``per_run`` streams (the
former design) do not keep the batch sequence, so the check can fail."""

from __future__ import annotations

import numpy as np
import pytest

from taskaffinity.backends import get_backend
from taskaffinity.backends.heads import HeadTrainer
from taskaffinity.testing import TINY_SCRATCH, synthetic_suite


def _batches(monkeypatch: pytest.MonkeyPatch, streams: str, tasks: list[str]) -> list[tuple]:
    """The ``(task, batch indices)`` of every training step of one scratch run, in order."""
    calls: list[tuple] = []
    original = HeadTrainer.batch

    def recording(self, name, idx):
        calls.append((name, tuple(int(i) for i in idx)))
        return original(self, name, idx)

    monkeypatch.setattr(HeadTrainer, "batch", recording)
    backend = get_backend("scratch", dict(TINY_SCRATCH, random_streams=streams))
    suite = synthetic_suite()
    backend.run(backend.spec(tasks, 3, suite), suite)
    return calls


def _of(calls: list[tuple], task: str) -> list[tuple]:
    return [idx for name, idx in calls if name == task]


def test_batch_sequence_of_a_task_is_shared_by_its_runs(monkeypatch) -> None:
    alone = _of(_batches(monkeypatch, "per_task", ["first"]), "first")
    joint_calls = _batches(monkeypatch, "per_task", ["count", "first"])
    joint = _of(joint_calls, "first")
    n = min(len(alone), len(joint))
    assert n >= 5 and alone[:n] == joint[:n]
    assert {name for name, _ in joint_calls} == {"count", "first"}


def test_per_run_streams_change_the_batch_sequence(monkeypatch) -> None:
    alone = _of(_batches(monkeypatch, "per_run", ["first"]), "first")
    joint = _of(_batches(monkeypatch, "per_run", ["count", "first"]), "first")
    n = min(len(alone), len(joint))
    assert alone[:n] != joint[:n]


def test_body_and_head_initialisation_shared_by_single_and_joint_runs() -> None:
    import torch

    suite = synthetic_suite()
    backend = get_backend("scratch", dict(TINY_SCRATCH))
    trainers = []
    for names in (["first"], ["count", "first"], ["count", "first", "first_copy"]):
        torch.manual_seed(5)
        body = backend.build_body(backend.config, suite)
        tasks = [suite.task(n) for n in names]
        trainers.append(HeadTrainer(body, tasks, backend.config, 5, null=False))
    single = trainers[0]
    for joint in trainers[1:]:
        for (k, a), (_, b) in zip(
            single.body.state_dict().items(), joint.body.state_dict().items(), strict=True
        ):
            assert torch.equal(a, b), k
        for pa, pb in zip(
            single.head_parameters("first"), joint.head_parameters("first"), strict=True
        ):
            assert torch.equal(pa, pb)
    other = trainers[1].head_parameters("count")[0].detach().numpy()
    assert not np.array_equal(other[:1], single.head_parameters("first")[0].detach().numpy()[:1])


def test_unknown_stream_mode_is_an_input_error() -> None:
    from taskaffinity.errors import InputError

    with pytest.raises(InputError, match="random_streams"):
        get_backend("scratch", dict(TINY_SCRATCH, random_streams="shuffled"))


def test_shared_torch_variant_pairs_batches_and_keeps_dropout_state(monkeypatch) -> None:
    alone = _of(_batches(monkeypatch, "per_task_shared_torch", ["first"]), "first")
    joint = _of(_batches(monkeypatch, "per_task_shared_torch", ["count", "first"]), "first")
    n = min(len(alone), len(joint))
    assert n >= 5 and alone[:n] == joint[:n]
