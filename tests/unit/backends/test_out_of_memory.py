"""Out of memory: retried with smaller micro-batches (same run key, same examples per
step), or told in one line; checked without a GPU by a scratch body that raises torch's
CUDA out-of-memory error on training batches above a threshold."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from taskaffinity.backends import RunOutOfMemoryError, ScratchBackend, get_backend
from taskaffinity.backends.heads import HeadTrainer
from taskaffinity.backends.scratch._model import CharTransformer
from taskaffinity.backends.scratch._vocab import CharVocab
from taskaffinity.backends.training import fit_in_memory, is_out_of_memory, micro_weights
from taskaffinity.backends.training._loop import _backward_in_pieces
from taskaffinity.study import ResultStore, safe_run

TINY = {"d_model": 32, "ff_dim": 64, "heads": 2, "max_steps": 8, "threads": 1, "batch_size": 8}


class _Cramped(CharTransformer):
    """Runs out of (pretend CUDA) memory on a training batch of more than ``limit`` rows."""

    limit = 2

    def forward(self, batch, kind):  # type: ignore[no-untyped-def]
        rows = batch["ids"].shape[0]
        if self.training and rows > self.limit:
            raise torch.cuda.OutOfMemoryError(
                f"CUDA out of memory. Tried to allocate {rows} rows (limit {self.limit})"
            )
        return super().forward(batch, kind)


class CrampedScratch(ScratchBackend):
    """The scratch backend on a device that fits training batches of ``limit`` rows."""

    def build_body(self, config, suite):  # type: ignore[no-untyped-def]
        return _Cramped(config, CharVocab(suite, config.min_char_count))


def test_retry_completes_at_the_largest_micro_batch_that_fits(suite, tmp_path) -> None:
    """8 -> 4 -> 2: the run completes at micro-batch 2 (the threshold), its key is the
    key without oom_retry, the store keeps the micro-batch, and it is exactly the run
    trained with micro_batch 2 from the start (each attempt restarts from the seed)."""
    retried = CrampedScratch({**TINY, "oom_retry": True})
    plain = get_backend("scratch", TINY)
    spec = retried.spec(["vowel", "mark"], 0, suite)
    assert spec.key == plain.spec(["vowel", "mark"], 0, suite).key
    result = safe_run(retried, spec, suite)
    assert result.ok and result.key == spec.key
    with ResultStore(tmp_path / "study.sqlite") as store:
        store.sync_plan([spec])
        store.record(result)
        (stored,) = store.results()
    assert stored.key == spec.key and stored.ok
    assert {m["micro_batch"] for m in stored.metrics.values()} == {2.0}
    assert result.cost.examples == 8 * 8  # every step drew its whole batch of 8
    direct = get_backend("scratch", {**TINY, "micro_batch": 2}).run(spec, suite)
    assert direct.scores == result.scores
    assert direct.metrics == result.metrics


@pytest.mark.parametrize("limit", [3, 5])
def test_retry_halves_down_to_what_fits(suite, limit: int, monkeypatch) -> None:
    """A threshold between powers of two: 8 -> 4 -> 2 fits 3; 8 -> 4 fits 5."""
    monkeypatch.setattr(_Cramped, "limit", limit)
    result = CrampedScratch({**TINY, "oom_retry": True}).run(
        get_backend("scratch", TINY).spec(["vowel"], 1, suite), suite
    )
    assert result.metrics["vowel"]["micro_batch"] == {3: 2.0, 5: 4.0}[limit]


def test_batch_size_auto_is_the_default_with_retry(suite) -> None:
    auto = get_backend("scratch", {**TINY, "batch_size": "auto"})
    assert auto.config.batch_size == 32 and auto.config.oom_retry
    default = get_backend("scratch", {k: v for k, v in TINY.items() if k != "batch_size"})
    assert auto.spec(["mark"], 0, suite).key == default.spec(["mark"], 0, suite).key
    assert "oom_retry" not in auto.config.to_dict()
    assert "micro_batch" not in auto.config.to_dict()
    lora = get_backend("lora", {"batch_size": "auto"})
    assert lora.config.batch_size == 8 and lora.config.oom_retry


def test_without_retry_the_run_fails_in_one_line(suite, tmp_path) -> None:
    backend = CrampedScratch(TINY)
    spec = backend.spec(["vowel", "mark"], 0, suite)
    with pytest.raises(RunOutOfMemoryError) as caught:
        backend.run(spec, suite)
    text = str(caught.value)
    assert "\n" not in text
    for part in (spec.key, "mark+vowel", "seed 0", "on cpu", "batch_size 8", "max_len 64",
                 "lower batch_size", "oom_retry: true", "OutOfMemoryError"):  # fmt: skip
        assert part in text, part
    # a study stores that line as the run's error, not a traceback
    failed = safe_run(backend, spec, suite)
    assert failed.status == "failed" and failed.error == text
    with ResultStore(tmp_path / "study.sqlite") as store:
        store.sync_plan([spec])
        store.record(failed)
        (stored,) = store.results()
    assert stored.status == "failed" and stored.error == text


def test_nothing_fits_even_at_micro_batch_one(suite, monkeypatch) -> None:
    monkeypatch.setattr(_Cramped, "limit", 0)
    backend = CrampedScratch({**TINY, "oom_retry": True})
    with pytest.raises(RunOutOfMemoryError, match=r"even at micro-batch 1.*lower max_len"):
        backend.run(backend.spec(["vowel"], 0, suite), suite)


def test_other_errors_are_not_retried() -> None:
    calls = []

    def attempt(cfg):  # type: ignore[no-untyped-def]
        calls.append(cfg.micro_batch)
        raise ValueError("not a memory problem")

    cfg = get_backend("scratch", {**TINY, "oom_retry": True}).config
    with pytest.raises(ValueError, match="not a memory problem"):
        fit_in_memory(cfg, "run x", attempt)
    assert calls == [8]


def test_each_attempt_halves_micro_batch_and_eval_batch() -> None:
    seen = []

    def attempt(cfg):  # type: ignore[no-untyped-def]
        seen.append((cfg.micro_batch, cfg.eval_batch_size, cfg.batch_size, cfg.grad_accum))
        if cfg.micro_batch > 3:
            raise MemoryError()
        return "done"

    cfg = get_backend("scratch", {**TINY, "batch_size": 12, "oom_retry": True}).config
    assert fit_in_memory(cfg, "run x", attempt) == ("done", 3)
    assert seen == [(12, 256, 12, 1), (6, 128, 12, 1), (3, 64, 12, 1)]


@pytest.mark.parametrize(
    ("err", "oom"),
    [
        (MemoryError(), True),
        (torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB"), True),
        (RuntimeError("MPS backend out of memory (MPS allocated: 8.00 GB)"), True),
        (RuntimeError("[enforce fail] DefaultCPUAllocator: can't allocate memory: 9 bytes"), True),
        (RuntimeError("CUDA out of memory. Tried to allocate 20.00 MiB"), True),
        (RuntimeError("shape mismatch"), False),
        (ValueError("CUDA out of memory"), False),
    ],
)
def test_out_of_memory_is_recognised(err: BaseException, oom: bool) -> None:
    assert is_out_of_memory(err) is oom


def test_micro_batches_follow_the_gradient_of_the_whole_batch(suite) -> None:
    """Tagging examples hold different numbers of tokens: weighting each piece's mean
    loss by its share of the tokens gives the whole batch's gradient."""
    cfg = get_backend("scratch", {**TINY, "dropout": 0.0}).config
    torch.manual_seed(0)
    body = CharTransformer(cfg, CharVocab(suite))
    trainer = HeadTrainer(body, [suite.task("mark"), suite.task("vowel")], cfg, 0, null=False)
    trainer.set_training(True)
    params = [p for p in trainer.body.parameters()] + trainer.head_parameters("mark")
    for name in ("mark", "vowel"):
        idx = np.array([3, 17, 5, 40, 11, 2, 29])
        trainer.loss(name, trainer.batch(name, idx)).backward()
        whole = [p.grad.clone() for p in params if p.grad is not None]
        for p in params:
            p.grad = None
        _backward_in_pieces(trainer, name, idx, 3, 1)
        pieces = [p.grad.clone() for p in params if p.grad is not None]
        for p in params:
            p.grad = None
        assert len(whole) == len(pieces) > 0
        for a, b in zip(whole, pieces, strict=True):
            torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)


def test_micro_weights() -> None:
    assert micro_weights([3, 1]) == [0.75, 0.25]
    assert micro_weights([0, 0]) == [0.5, 0.5]


def test_the_micro_batch_is_an_execution_field() -> None:
    backend = get_backend("scratch", {**TINY, "micro_batch": 3, "oom_retry": True})
    other = dataclasses.replace(backend.config, micro_batch=None, oom_retry=False)
    assert backend.config.to_dict() == other.to_dict()


def test_a_probed_run_is_not_retried(suite) -> None:
    """A probe sees every step once: running out of memory ends a probed run at once."""

    class Counting:
        every, steps = 1, 0

        def on_step(self, ctx) -> None:  # type: ignore[no-untyped-def]
            Counting.steps += 1

    backend = CrampedScratch({**TINY, "oom_retry": True})
    with pytest.raises(RunOutOfMemoryError, match="a probed run is not retried"):
        backend.train_with_probe(["vowel"], suite, 0, Counting())
    assert Counting.steps == 1  # the first step's probe, then the first batch failed
