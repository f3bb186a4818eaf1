"""The ``encoder`` backend's shared body: a Hugging Face encoder + a trainable shared layer.

Encoder -> sentence pooling (classification: masked mean or [CLS], ``(B, H)``) or the
first sub-word of every word (tagging, ``(B, T, H)``) -> ``Linear(H, shared_dim) + GELU
+ dropout``: ``(B, shared_dim)`` or ``(B, T, shared_dim)`` for the task heads.

Fine-tuned (``freeze: false``): the body holds its own copy of the loaded encoder, trained
at ``encoder_lr``. Frozen (``freeze: true``): the loaded encoder is shared, never
modified nor registered as a submodule (so it is neither copied into checkpoints nor
moved by ``.to(device)``); :meth:`EncoderBody.featurize` computes its outputs once per
split (:mod:`taskaffinity.backends.encoder._features`) and only the shared layer trains.

torch is imported with this module: the backend imports it only when a run starts.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch
from torch import Tensor, nn

from taskaffinity.backends.encoder._features import FeatureCache, feature_key, weights_digest
from taskaffinity.backends.encoder._hf import encode, tokenize
from taskaffinity.backends.heads import Body

if TYPE_CHECKING:
    from taskaffinity.backends.encoder._config import EncoderConfig
    from taskaffinity.tasks import Example, Task

__all__ = ["FEATURES", "EncoderBody"]

FEATURES = FeatureCache(size=48)
"""The frozen encoder's features of this process (and of the study's folder)."""


class EncoderBody(nn.Module, Body):
    """The body of ``cfg`` on the loaded ``(tokenizer, encoder)`` (module docstring)."""

    def __init__(self, cfg: EncoderConfig, tokenizer: Any, encoder: Any) -> None:
        super().__init__()
        self.cfg = cfg
        self.frozen = cfg.freeze
        # a plain tuple: the shared loaded encoder is not a submodule of the body
        self.loaded = (tokenizer, encoder)
        # the frozen encoder is shared (never modified); a fine-tuned one is a copy
        self.encoder = None if cfg.freeze else copy.deepcopy(encoder)
        hidden = encoder.config.hidden_size
        self.shared = nn.Sequential(
            nn.Linear(hidden, cfg.shared_dim), nn.GELU(), nn.Dropout(cfg.dropout)
        )
        self.out_dim = cfg.shared_dim

    def featurize(self, task: Task, examples: Sequence[Example], null: bool) -> dict[str, Tensor]:
        """Sub-word ``ids``/``mask`` (and tagging ``first``/``tmask``), or, frozen, the
        encoder's outputs ``x`` ``(N, H)`` / ``(N, T, H)`` (and tagging ``tmask``)."""
        cfg = self.cfg
        tok, loaded = self.loaded
        data = tokenize(tok, task, examples, null, cfg.max_len)
        if not self.frozen:
            return data
        lengths = data["mask"].sum(1)

        def encode_rows(idx: Tensor) -> Tensor:
            with torch.inference_mode():
                x = encode(loaded, {k: v[idx] for k, v in data.items()}, task.kind, cfg.pooling)
            if task.kind == "tagging" and x.shape[1] < data["tmask"].shape[1]:
                x = nn.functional.pad(x, (0, 0, 0, data["tmask"].shape[1] - x.shape[1]))
            return x.clone()

        key = feature_key(weights_digest(loaded), task.kind, cfg.pooling, data)
        folder = Path(cfg.artifacts_dir) / "features" if cfg.artifacts_dir else None
        feats = {"x": FEATURES.get(key, lengths, encode_rows, folder)}
        if task.kind == "tagging":
            feats["tmask"] = data["tmask"]
        return feats

    def forward(self, batch: dict[str, Tensor], kind: str) -> Tensor:
        """``(B, shared_dim)``, or ``(B, T, shared_dim)`` for tagging."""
        if not self.frozen:
            return self.shared(encode(self.encoder, batch, kind, self.cfg.pooling))
        x = batch["x"]
        if kind == "tagging":
            x = x[:, : max(1, int(batch["tmask"].sum(1).max()))]
        return self.shared(x)

    def param_groups(self, lr: float) -> list[dict[str, Any]]:
        """The shared layer at ``lr``; a fine-tuned encoder at ``encoder_lr``."""
        groups = [{"params": list(self.shared.parameters()), "lr": lr}]
        if self.encoder is not None:
            groups.append({"params": list(self.encoder.parameters()), "lr": self.cfg.encoder_lr})
        return groups
