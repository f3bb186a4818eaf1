"""Hugging Face access of the ``encoder`` backend: loading, sub-word tokenization, read-out.

``load_encoder`` caches the tokenizer and model per process (set ``HF_HUB_OFFLINE=1`` to
stay offline); ``tokenize`` turns examples into sub-word ids (and, for tagging, the first
sub-word of each word); ``encode`` reads the encoder's outputs out per task kind.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from taskaffinity.backends.heads._body import pad_2d
from taskaffinity.errors import InputError

if TYPE_CHECKING:
    from torch import Tensor

    from taskaffinity.tasks import Example, Task

__all__ = ["encode", "load_encoder", "tokenize"]


@lru_cache(maxsize=2)
def load_encoder(model: str) -> tuple[Any, Any]:
    """``(fast tokenizer, encoder in eval mode)`` of ``model`` (cached per process)."""
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    try:
        tok = AutoTokenizer.from_pretrained(model)
        enc = AutoModel.from_pretrained(model)
    except (OSError, ValueError) as err:
        raise InputError(f"cannot load encoder {model!r}: {err}", field="model") from err
    if not getattr(tok, "is_fast", False):
        raise InputError(f"{model!r} has no fast tokenizer (needed for word_ids)", field="model")
    return tok, enc.eval()


def tokenize(
    tok: Any, task: Task, examples: Sequence[Example], null: bool, max_len: int
) -> dict[str, Tensor]:
    """Sub-word ids/mask and, for tagging, ``first`` = first sub-word of each word."""
    if task.kind != "tagging":
        texts = ["" if null else ex.text for ex in examples]
        enc = tok(texts, truncation=True, max_length=max_len, padding=True, return_tensors="pt")
        return {"ids": enc["input_ids"], "mask": enc["attention_mask"].bool()}
    filler = tok.mask_token or tok.unk_token
    words = [[filler] * len(ex.tokens) if null else list(ex.tokens) for ex in examples]
    enc = tok(words, is_split_into_words=True, truncation=True, max_length=max_len, padding=True)
    firsts = []
    for i, ws in enumerate(words):
        first = [-1] * len(ws)
        for pos, w in enumerate(enc.word_ids(i)):
            if w is not None and first[w] < 0:
                first[w] = pos
        # a prefix of represented words (a word without sub-words ends the prefix)
        n = next((k for k, f in enumerate(first) if f < 0), len(first))
        firsts.append(first[:n])
    width = max(len(ex.tokens) for ex in examples)
    out = {"ids": pad_2d(enc["input_ids"], tok.pad_token_id or 0)}
    out["mask"] = pad_2d(enc["attention_mask"], 0).bool()
    out["first"] = pad_2d(firsts, -1, width)
    out["tmask"] = out["first"] >= 0
    return out


def encode(encoder: Any, data: dict[str, Tensor], kind: str, pooling: str) -> Tensor:
    """Encoder outputs read out per task kind: ``(B, H)`` or ``(B, T, H)``."""
    mask = data["mask"]
    length = max(1, int(mask.sum(1).max()))
    h = encoder(input_ids=data["ids"][:, :length], attention_mask=mask[:, :length].long())
    h = h.last_hidden_state
    if kind == "tagging":
        n_tok = max(1, int(data["tmask"].sum(1).max()))
        first = data["first"][:, :n_tok].clamp(min=0)
        return h.gather(1, first.unsqueeze(-1).expand(-1, -1, h.shape[-1]))
    if pooling == "cls":
        return h[:, 0]
    m = mask[:, :length].unsqueeze(-1).to(h.dtype)
    return (h * m).sum(1) / m.sum(1).clamp(min=1.0)
