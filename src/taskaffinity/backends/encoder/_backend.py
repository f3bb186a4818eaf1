"""``encoder``: a Hugging Face encoder (hub name or local path) + shared layer + heads.

Body = encoder -> sentence pooling (classification: masked mean or [CLS]) or the first
sub-word of every word (tagging, via the fast tokenizer's ``word_ids``) -> a trainable
shared layer ``Linear(H, shared_dim) + GELU + dropout``. Task heads sit on top.

``freeze=True`` is the fast mode: the encoder is frozen and only the shared layer and
heads train. Its outputs are then computed once per (encoder weights, tokenized examples)
in length-sorted chunks, kept in the worker process and, inside a study, in
``<study>/features/`` where all workers share them
(:mod:`taskaffinity.backends.encoder._features`), so a study encodes every split once.
Loading is cached per process too; set ``HF_HUB_OFFLINE=1`` to stay offline. Loading,
tokenization and read-out live in :mod:`taskaffinity.backends.encoder._hf`.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from taskaffinity.backends._base import Backend, register_backend
from taskaffinity.backends.encoder._config import EncoderConfig
from taskaffinity.backends.encoder._features import FeatureCache, feature_key, weights_digest
from taskaffinity.backends.encoder._hf import encode, load_encoder, tokenize
from taskaffinity.backends.heads import Body
from taskaffinity.models import check_pretrained

if TYPE_CHECKING:
    from torch import Tensor

    from taskaffinity.tasks import Example, Task, TaskSuite

__all__ = ["EncoderBackend"]

_FEATURES = FeatureCache(size=48)


def _build_body(cfg: EncoderConfig) -> Body:
    import torch
    from torch import nn

    tok, cached = load_encoder(cfg.model)

    class EncoderBody(nn.Module, Body):
        def __init__(self) -> None:
            super().__init__()
            self.frozen = cfg.freeze
            # the frozen encoder is shared (never modified); a fine-tuned one is a copy
            self.encoder = None if cfg.freeze else copy.deepcopy(cached)
            hidden = cached.config.hidden_size
            self.shared = nn.Sequential(
                nn.Linear(hidden, cfg.shared_dim), nn.GELU(), nn.Dropout(cfg.dropout)
            )
            self.out_dim = cfg.shared_dim

        def featurize(
            self, task: Task, examples: Sequence[Example], null: bool
        ) -> dict[str, Tensor]:
            data = tokenize(tok, task, examples, null, cfg.max_len)
            if not self.frozen:
                return data
            lengths = data["mask"].sum(1)

            def encode_rows(idx: Tensor) -> Tensor:
                with torch.inference_mode():
                    x = encode(cached, {k: v[idx] for k, v in data.items()}, task.kind,
                               cfg.pooling)  # fmt: skip
                if task.kind == "tagging" and x.shape[1] < data["tmask"].shape[1]:
                    x = nn.functional.pad(x, (0, 0, 0, data["tmask"].shape[1] - x.shape[1]))
                return x.clone()

            key = feature_key(weights_digest(cached), task.kind, cfg.pooling, data)
            folder = Path(cfg.artifacts_dir) / "features" if cfg.artifacts_dir else None
            feats = {"x": _FEATURES.get(key, lengths, encode_rows, folder)}
            if task.kind == "tagging":
                feats["tmask"] = data["tmask"]
            return feats

        def forward(self, batch: dict[str, Tensor], kind: str) -> Tensor:
            if not self.frozen:
                return self.shared(encode(self.encoder, batch, kind, cfg.pooling))
            x = batch["x"]
            if kind == "tagging":
                x = x[:, : max(1, int(batch["tmask"].sum(1).max()))]
            return self.shared(x)

        def param_groups(self, lr: float) -> list[dict[str, Any]]:
            groups = [{"params": list(self.shared.parameters()), "lr": lr}]
            if not self.frozen:
                groups.append({"params": list(self.encoder.parameters()), "lr": cfg.encoder_lr})
            return groups

    return EncoderBody()


@register_backend("encoder")
class EncoderBackend(Backend):
    """Any Hugging Face encoder, fine-tuned (``freeze=False``) or frozen (fast mode)."""

    config_class = EncoderConfig

    def build_body(self, config: EncoderConfig, suite: TaskSuite) -> Body:
        return _build_body(config)

    def check_resources(self) -> None:
        """The encoder: a local folder with its ``config.json``, or a hub name (in the local
        cache when the hub is offline)."""
        check_pretrained(self.config.model)
