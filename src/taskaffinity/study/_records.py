"""How a run is written into the store: its spec and result as JSON records, its test
predictions and gold log-probabilities as compact blobs.

Records: :func:`spec_to_dict` / :func:`spec_from_dict` (the ``spec`` column of table
``runs``: tasks, backend, backend config, seed, suite fingerprint) and
:func:`result_to_dict` / :func:`result_from_dict` (the ``result`` column: key, tasks, seed,
per-task scores and metrics, cost, status, error). A run's key (:attr:`RunSpec.key`) is a
hash of its spec, so these records must round-trip exactly.

Predictions (:func:`encode_predictions`): one task's test predictions become three blobs,
``labels`` the zlib-compressed JSON list of the distinct predicted values (sorted),
``codes`` every prediction as its index into that list (zlib-compressed little-endian
unsigned integers of the smallest width that holds them, the width in bytes as the first
byte; tagging: the tags of every example one after the other) and, for tagging,
``lengths`` the number of tags of each example (same encoding; None otherwise). A row
decodes without the suite.

Gold log-probabilities (:func:`pack_floats`): the natural-log probability of each test
example's gold label, in test order, as zlib-compressed little-endian float64.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from taskaffinity.types import Cost, RunResult, RunSpec

__all__ = [
    "decode_predictions",
    "encode_predictions",
    "pack_floats",
    "result_from_dict",
    "result_to_dict",
    "spec_from_dict",
    "spec_to_dict",
    "unpack_floats",
]


def spec_to_dict(spec: RunSpec) -> dict[str, Any]:
    """The JSON record of ``spec`` (``tasks`` as a list)."""
    return {
        "tasks": list(spec.tasks),
        "backend": spec.backend,
        "backend_config": dict(spec.backend_config),
        "seed": spec.seed,
        "suite": spec.suite,
    }


def spec_from_dict(d: dict[str, Any]) -> RunSpec:
    """The RunSpec of a :func:`spec_to_dict` record."""
    return RunSpec(tuple(d["tasks"]), d["backend"], d["backend_config"], d["seed"], d["suite"])


def result_to_dict(r: RunResult) -> dict[str, Any]:
    """The JSON record of ``r``, without its predictions and gold log-probabilities (they
    are stored apart, :func:`encode_predictions` and :func:`pack_floats`)."""
    return {
        "key": r.key,
        "tasks": list(r.tasks),
        "seed": r.seed,
        "scores": dict(r.scores),
        "metrics": {t: dict(m) for t, m in r.metrics.items()},
        "cost": r.cost.to_dict(),
        "status": r.status,
        "error": r.error,
    }


def result_from_dict(
    d: dict[str, Any],
    predictions: Mapping[str, tuple[Any, ...]] | None = None,
    gold_log_probs: Mapping[str, tuple[float, ...]] | None = None,
) -> RunResult:
    """The RunResult of a :func:`result_to_dict` record, with ``predictions`` and
    ``gold_log_probs`` (task -> one value per test example, in test order)."""
    return RunResult(
        key=d["key"],
        tasks=tuple(d["tasks"]),
        seed=d["seed"],
        scores=d["scores"],
        metrics=d["metrics"],
        cost=Cost(**d["cost"]),
        status=d["status"],
        error=d["error"],
        predictions=dict(predictions or {}),
        gold_log_probs=dict(gold_log_probs or {}),
    )


def _pack(values: np.ndarray) -> bytes:
    """zlib-compressed ``values`` (non-negative ints) in the smallest little-endian unsigned
    dtype that holds them, its byte size as the first byte."""
    top = int(values.max()) if values.size else 0
    dtype = next(d for d in ("<u1", "<u2", "<u4", "<u8") if top <= np.iinfo(d).max)
    raw = np.asarray(values, dtype=dtype).tobytes()
    return zlib.compress(bytes([np.dtype(dtype).itemsize]) + raw, 9)


def _unpack(blob: bytes) -> np.ndarray:
    raw = zlib.decompress(blob)
    return np.frombuffer(raw[1:], dtype=f"<u{raw[0]}").astype(np.int64)


def encode_predictions(values: Sequence[Any]) -> tuple[bytes, bytes, bytes | None]:
    """``(labels, codes, lengths)`` blobs of one task's predictions (one per example: a
    label or text string, or a sequence of tags for tagging); ``lengths`` is None unless the
    predictions are tag sequences. See the module docstring for the encoding."""
    nested = bool(values) and isinstance(values[0], list | tuple)
    flat = [v for seq in values for v in seq] if nested else list(values)
    labels = sorted(set(flat))
    index = {v: i for i, v in enumerate(labels)}
    codes = np.array([index[v] for v in flat], dtype=np.int64)
    lengths = _pack(np.array([len(seq) for seq in values], dtype=np.int64)) if nested else None
    text = json.dumps(labels, ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(text.encode(), 9), _pack(codes), lengths


def decode_predictions(labels: bytes, codes: bytes, lengths: bytes | None) -> tuple[Any, ...]:
    """The predictions :func:`encode_predictions` encoded: a tuple with one entry per
    example (tagging: a tuple of tags)."""
    table = json.loads(zlib.decompress(labels).decode())
    flat = [table[i] for i in _unpack(codes).tolist()]
    if lengths is None:
        return tuple(flat)
    out, start = [], 0
    for n in _unpack(lengths).tolist():
        out.append(tuple(flat[start : start + n]))
        start += n
    return tuple(out)


def pack_floats(values: Sequence[float]) -> bytes:
    """``values`` as zlib-compressed little-endian float64."""
    return zlib.compress(np.asarray(values, dtype="<f8").tobytes(), 9)


def unpack_floats(blob: bytes) -> tuple[float, ...]:
    """The values :func:`pack_floats` packed."""
    return tuple(np.frombuffer(zlib.decompress(blob), dtype="<f8").tolist())
