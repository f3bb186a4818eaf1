"""``scratch``: a character-level Transformer encoder trained from random initialisation.

:class:`ScratchConfig` (its hyperparameters) and :class:`ScratchBackend` (the backend).

For CPU runs and languages without a usable pretrained encoder (Classical Chinese here).
The character vocabulary is built from the training text of the **whole suite** (sorted,
deterministic), so single-task and joint runs share one embedding table and a task's
single-task numbers do not depend on which partner it was trained with. Hence a scratch
run's identity includes that vocabulary besides its own tasks.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from taskaffinity._fields import option
from taskaffinity.backends._base import Backend, register_backend
from taskaffinity.backends._train_config import TrainConfig
from taskaffinity.backends.heads import Body, pad_2d
from taskaffinity.errors import InputError

if TYPE_CHECKING:
    from torch import Tensor

    from taskaffinity.tasks import Example, Task, TaskSuite

__all__ = ["CharVocab", "ScratchBackend", "ScratchConfig"]

PAD, UNK, BOS, MASK = 0, 1, 2, 3


@dataclass
class ScratchConfig(TrainConfig):
    """Character-level Transformer encoder trained from random initialisation.

    Defaults were tuned on zh-classical for the demo's budget (2 CPU cores): one layer of
    width 128 scored as well as two layers (or width 96) and trains ~35% faster; dropout
    0 scored as well as 0.1 within 3 epochs (best-dev checkpoints guard against
    over-fitting) and saves another ~25% of CPU time.
    """

    epochs: float = option(
        3.0, "passes over the union of the run's training sets", kind=float, gt=0
    )
    lr: float = option(
        2e-3, "peak AdamW learning rate of the trained body and the heads", kind=float, gt=0
    )
    dropout: float = option(0.0, "dropout probability in the shared body", kind=float, ge=0, lt=1)
    d_model: int = option(128, "width of the character Transformer", kind=int, gt=0)
    layers: int = option(1, "Transformer encoder layers", kind=int, gt=0)
    heads: int = option(4, "attention heads (must divide d_model)", kind=int, gt=0)
    ff_dim: int = option(256, "feed-forward width inside each layer", kind=int, gt=0)
    max_len: int = option(
        64, "characters kept per example (longer inputs are truncated)", kind=int, gt=0
    )
    min_char_count: int = option(
        1, "characters rarer than this in the suite's train text -> UNK", kind=int, gt=0
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.d_model % self.heads:
            raise InputError(f"d_model {self.d_model} is not divisible by it", field="heads")


class CharVocab:
    """Characters of the suite's training text with count >= ``min_count``; ids from 4."""

    def __init__(self, suite: TaskSuite, min_count: int = 1) -> None:
        counts: Counter[str] = Counter()
        for task in suite.tasks:
            for ex in task.train:
                counts.update(ex.text)
                for tok in ex.tokens:
                    counts.update(tok)
        chars = sorted(c for c, n in counts.items() if n >= min_count)
        self.index = {c: i + 4 for i, c in enumerate(chars)}

    def __len__(self) -> int:
        return len(self.index) + 4

    def encode(self, text: str) -> list[int]:
        return [self.index.get(c, UNK) for c in text]


def _build_body(cfg: ScratchConfig, vocab: CharVocab) -> Body:
    import torch
    from torch import nn

    class CharTransformer(nn.Module, Body):
        def __init__(self) -> None:
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

        def featurize(
            self, task: Task, examples: Sequence[Example], null: bool
        ) -> dict[str, Tensor]:
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

    return CharTransformer()


@register_backend("scratch")
class ScratchBackend(Backend):
    """Character Transformer body (pre-norm, learned positions) + linear task heads.

    Classification pools the body's outputs by masked mean (BOS included, so an empty
    input is well defined); tagging reads the output at each token's first character.
    """

    config_class = ScratchConfig

    def build_body(self, config: ScratchConfig, suite: TaskSuite) -> Body:
        return _build_body(config, CharVocab(suite, config.min_char_count))

    def suite_fingerprint(self, tasks: Sequence[str], suite: TaskSuite) -> str:
        """The run's own tasks (:meth:`TaskSuite.tasks_fingerprint`) and the character
        vocabulary, built from every task's training text: all a run reads of the other
        tasks (their labels, metrics, dev and test sets and the suite's order do not
        change its result)."""
        vocab = _vocabulary_digest(suite, self.config.min_char_count)
        return hashlib.sha256((suite.tasks_fingerprint(tasks) + vocab).encode()).hexdigest()[:12]

    def former_suite_fingerprint(self, tasks: Sequence[str], suite: TaskSuite) -> str:
        """The whole suite's fingerprint, as taskaffinity 0.1 keyed scratch runs."""
        return suite.fingerprint


@lru_cache(maxsize=8)
def _vocabulary_digest(suite: TaskSuite, min_count: int) -> str:
    """Hash of the characters of :class:`CharVocab` ``(suite, min_count)`` in id order."""
    chars = sorted(CharVocab(suite, min_count).index)
    return hashlib.sha256(json.dumps(chars, ensure_ascii=False).encode()).hexdigest()
