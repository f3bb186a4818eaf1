"""``encoder``: a Hugging Face encoder (hub name or local path) + shared layer + heads.

Body = encoder -> sentence pooling (classification: masked mean or [CLS]) or the first
sub-word of every word (tagging, via the fast tokenizer's ``word_ids``) -> a trainable
shared layer ``Linear(H, shared_dim) + GELU + dropout``. Task heads sit on top.

``freeze=True`` is the fast mode: the encoder is frozen and only the shared layer and
heads train. Its outputs are then computed once per (model, examples) and cached in the
worker process (an LRU of a few splits), so a grid of runs encodes every split once.
Loading is cached per process too; set ``HF_HUB_OFFLINE=1`` to stay offline. Loading,
tokenization and read-out live in :mod:`taskaffinity.backends.encoder._hf`.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from taskaffinity.backends._base import Backend, register_backend
from taskaffinity.backends.encoder._config import EncoderConfig
from taskaffinity.backends.encoder._hf import encode, load_encoder, tokenize
from taskaffinity.backends.heads import Body
from taskaffinity.models import check_pretrained

if TYPE_CHECKING:
    from torch import Tensor

    from taskaffinity.tasks import Example, Task, TaskSuite

__all__ = ["EncoderBackend"]

_FEATURES: OrderedDict[str, dict[str, Tensor]] = OrderedDict()
_FEATURES_MAX = 48


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
            key = json.dumps([cfg.model, cfg.max_len, cfg.pooling, task.kind, null])
            key += hashlib.sha256(
                json.dumps([[ex.text, ex.tokens] for ex in examples]).encode()
            ).hexdigest()
            if key in _FEATURES:
                _FEATURES.move_to_end(key)
                return dict(_FEATURES[key])
            parts = []
            with torch.inference_mode():
                for s in range(0, len(examples), 128):
                    chunk = {k: v[s : s + 128] for k, v in data.items()}
                    x = encode(cached, chunk, task.kind, cfg.pooling)
                    if x.dim() == 3 and x.shape[1] < data.get("tmask", x).shape[1]:
                        x = nn.functional.pad(x, (0, 0, 0, data["tmask"].shape[1] - x.shape[1]))
                    parts.append(x.clone())
            feats = {"x": torch.cat(parts)}
            if task.kind == "tagging":
                feats["tmask"] = data["tmask"]
            _FEATURES[key] = feats
            while len(_FEATURES) > _FEATURES_MAX:
                _FEATURES.popitem(last=False)
            return dict(feats)

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
