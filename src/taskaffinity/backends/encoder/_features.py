"""The frozen encoder's features: computed once per (encoder weights, tokenized examples),
kept in this process and, inside a study, on disk where every worker shares them.

A split's features are computed in length-sorted chunks of :data:`CHUNK` examples (each
chunk padded only to its own longest example, so short texts do not pay for long ones),
then put back in example order. With a folder (``<study>/features/``, from the config's
``artifacts_dir``), each chunk is one file, written by whichever worker gets to it first:
a worker takes the chunks no one holds (a non-blocking file lock per chunk), encodes and
writes them, then waits for the chunks the others hold and reads them. So two workers
starting on the same runs encode each chunk once between them, a fresh worker (a later
adaptive round, a resumed study) reads instead of encoding, and a chunk whose writer died
is encoded by the next worker that needs it (the lock dies with its process). Files are
written whole (temporary file, then rename); one that does not read back is encoded again.
A folder that cannot be created or written (a Ray node without the study's folder, a full
disk) only costs the sharing: the chunks are then encoded in this process.

The key is a hash of the encoder's weights, the read-out (task kind, pooling) and the
tokenized tensors themselves (so the tokenizer, ``max_len`` and the null input are in it),
so a changed model or tokenizer never reads stale features. The folder can be deleted at
any time; it only costs the encoding again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from torch import Tensor

__all__ = ["CHUNK", "FeatureCache", "feature_key", "weights_digest"]

CHUNK = 128
"""Examples per encoder forward pass and per cached chunk file."""


@lru_cache(maxsize=4)
def weights_digest(model: Any) -> str:
    """sha256 of ``model``'s parameters and buffers (names, shapes, bytes) and the torch
    version; computed once per model object in this process (about 0.2 s for MiniLM)."""
    import torch

    h = hashlib.sha256()
    h.update(torch.__version__.encode())
    for name, tensor in model.state_dict().items():
        h.update(name.encode())
        h.update(str(tuple(tensor.shape)).encode())
        h.update(tensor.detach().cpu().contiguous().view(-1).view(torch.uint8).numpy().tobytes())
    return h.hexdigest()


def feature_key(weights: str, kind: str, pooling: str, data: dict[str, Tensor]) -> str:
    """Key of one split's features: the encoder's ``weights`` digest, the read-out
    (``kind``, ``pooling``) and the bytes of every tokenized tensor in ``data``."""
    h = hashlib.sha256(json.dumps([weights, kind, pooling]).encode())
    for name in sorted(data):
        t = data[name].contiguous()
        h.update(f"{name}:{tuple(t.shape)}:{t.dtype}".encode())
        h.update(t.view(-1).numpy().tobytes())
    return h.hexdigest()


class FeatureCache:
    """Features of splits by key: an LRU of ``size`` splits in this process, and chunk
    files under the ``folder`` given to :meth:`get` (None: this process only)."""

    def __init__(self, size: int = 48) -> None:
        self.size = size
        self._memory: OrderedDict[str, Tensor] = OrderedDict()

    def get(
        self,
        key: str,
        lengths: Tensor,
        encode_rows: Callable[[Tensor], Tensor],
        folder: str | Path | None,
    ) -> Tensor:
        """The features of one split, ``(N, H)`` or ``(N, T, H)`` in example order.

        ``lengths``: ``(N,)`` sub-word tokens of each example; ``encode_rows(idx)`` encodes
        the examples at positions ``idx`` (a ``(n,)`` long tensor, n <= :data:`CHUNK`),
        returning their features in that order; ``folder``: where the chunk files live.
        """
        import torch

        if key in self._memory:
            self._memory.move_to_end(key)
            return self._memory[key]
        order = torch.argsort(lengths, stable=True)
        chunks = [order[s : s + CHUNK] for s in range(0, len(order), CHUNK)]
        if folder is None:
            parts = [encode_rows(idx) for idx in chunks]
        else:
            parts = _shared_chunks(Path(folder) / key, chunks, encode_rows)
        ordered = torch.cat(parts)
        feats = torch.empty_like(ordered)
        feats[order] = ordered
        self._memory[key] = feats
        while len(self._memory) > self.size:
            self._memory.popitem(last=False)
        return feats


def _shared_chunks(
    where: Path, chunks: list[Tensor], encode_rows: Callable[[Tensor], Tensor]
) -> list[Tensor]:
    """Each chunk's features from ``where/<i>.pt``: read when there, else encoded here
    (chunks no other process holds first, then, waiting for each, the held ones)."""
    from filelock import FileLock, Timeout

    try:
        where.mkdir(parents=True, exist_ok=True)
    except OSError:  # e.g. a Ray node without the study's folder: encode here only
        return [encode_rows(idx) for idx in chunks]
    parts: dict[int, Tensor] = {}
    held: list[int] = []
    for i, idx in enumerate(chunks):
        got = _read(where / f"{i}.pt", len(idx))
        if got is not None:
            parts[i] = got
            continue
        lock = FileLock(where / f"{i}.lock")
        try:
            lock.acquire(blocking=False)
        except Timeout:
            held.append(i)  # another worker is encoding it
            continue
        except OSError:  # a folder this process cannot write
            parts[i] = encode_rows(idx)
            continue
        try:
            parts[i] = _read_or_encode(where / f"{i}.pt", idx, encode_rows)
        finally:
            lock.release()
    for i in held:
        with FileLock(where / f"{i}.lock"):  # waits for its writer
            parts[i] = _read_or_encode(where / f"{i}.pt", chunks[i], encode_rows)
    return [parts[i] for i in range(len(chunks))]


def _read_or_encode(path: Path, idx: Tensor, encode_rows: Callable[[Tensor], Tensor]) -> Tensor:
    """Chunk ``idx``'s features from ``path``, or encoded and written there (the caller
    holds the chunk's lock)."""
    got = _read(path, len(idx))
    if got is not None:
        return got
    features = encode_rows(idx)
    with contextlib.suppress(OSError):  # a full disk costs only the sharing
        _write(path, features)
    return features


def _read(path: Path, rows: int) -> Tensor | None:
    """The tensor in ``path`` when it is there, reads back and has ``rows`` rows."""
    import torch

    if not path.exists():
        return None
    try:
        t = torch.load(path, weights_only=True)
    except Exception:  # a damaged file: encode it again
        return None
    return t if isinstance(t, torch.Tensor) and t.shape[0] == rows else None


def _write(path: Path, features: Tensor) -> None:
    """Write ``features`` to ``path`` whole (a temporary file renamed over it)."""
    import torch

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        torch.save(features, tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
