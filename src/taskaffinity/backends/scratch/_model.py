"""The ``scratch`` backend's shared body: a character-level Transformer encoder.

Pre-norm Transformer layers over learned character and position embeddings. Input: the
ids of ``BOS`` + at most ``max_len`` characters (a tagging example: its tokens' characters
one after the other). Classification pools the outputs by masked mean (``BOS`` included,
so an empty input is well defined): ``(B, d_model)``; tagging reads the output at each
token's first character: ``(B, T, d_model)``.

torch is imported with this module: the backend imports it only when a run starts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import torch
from torch import Tensor, nn

from taskaffinity.backends.heads import Body, pad_2d
from taskaffinity.backends.scratch._vocab import BOS, MASK, PAD, UNK, CharVocab

if TYPE_CHECKING:
    from taskaffinity.backends.scratch._config import ScratchConfig
    from taskaffinity.tasks import Example, Task

__all__ = ["CharTransformer"]


class CharTransformer(nn.Module, Body):
    """The character Transformer of ``cfg`` over the ids of ``vocab`` (module docstring)."""

    def __init__(self, cfg: ScratchConfig, vocab: CharVocab) -> None:
        super().__init__()
        self.vocab, self.max_len, self.out_dim = vocab, cfg.max_len, cfg.d_model
        self.embed = nn.Embedding(len(vocab), cfg.d_model, padding_idx=PAD)
        self.pos = nn.Embedding(cfg.max_len + 1, cfg.d_model)
        layer = nn.TransformerEncoderLayer(
            cfg.d_model,
            cfg.heads,
            cfg.ff_dim,
            cfg.dropout,
            batch_first=True,
            norm_first=True,
        )
        self.encoder = nn.TransformerEncoder(layer, cfg.layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(cfg.d_model)
        self.drop = nn.Dropout(cfg.dropout)

    def featurize(self, task: Task, examples: Sequence[Example], null: bool) -> dict[str, Tensor]:
        """``ids``/``mask`` ``(N, L)`` (``L <= max_len + 1``); tagging also ``first``
        ``(N, T)`` (position of each token's first character, -1 past the kept tokens) and
        ``tmask`` ``(N, T)``. ``null``: no characters (tagging: one ``MASK`` per token)."""
        limit = self.max_len + 1  # BOS + max_len characters
        ids, firsts = [], []
        for ex in examples:
            if task.kind != "tagging":
                ids.append(([BOS] + ([] if null else self.vocab.encode(ex.text)))[:limit])
                continue
            seq, first = [BOS], []
            for tok in ex.tokens:
                if len(seq) >= limit:
                    break
                first.append(len(seq))
                seq.extend([MASK] if null else (self.vocab.encode(tok) or [UNK]))
            ids.append(seq[:limit])
            firsts.append(first)
        out = {"ids": pad_2d(ids, PAD)}
        out["mask"] = out["ids"] != PAD
        if task.kind == "tagging":
            width = max(len(ex.tokens) for ex in examples)
            out["first"] = pad_2d(firsts, -1, width)
            out["tmask"] = out["first"] >= 0
        return out

    def forward(self, batch: dict[str, Tensor], kind: str) -> Tensor:
        """``(B, d_model)`` pooled vectors, or ``(B, T, d_model)`` for tagging."""
        mask = batch["mask"]
        length = int(mask.sum(1).max())
        ids, mask = batch["ids"][:, :length], mask[:, :length]
        pos = torch.arange(length, device=ids.device)
        h = self.drop(self.embed(ids) + self.pos(pos))
        h = self.norm(self.encoder(h, src_key_padding_mask=~mask))
        if kind != "tagging":
            m = mask.unsqueeze(-1).to(h.dtype)
            return (h * m).sum(1) / m.sum(1).clamp(min=1.0)
        n_tok = max(1, int(batch["tmask"].sum(1).max()))
        first = batch["first"][:, :n_tok].clamp(min=0)
        return h.gather(1, first.unsqueeze(-1).expand(-1, -1, h.shape[-1]))
