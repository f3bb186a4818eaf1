"""Model access of the ``lora`` backend: the frozen base (cached per process) + an adapter.

``load_base`` is :func:`taskaffinity.models.load_causal_lm` (tokenizer and frozen base,
loaded once per process; set ``HF_HUB_OFFLINE=1`` to stay offline); ``with_adapter``
gives every run its own copy of the base with a freshly initialised LoRA adapter (peft),
so runs never share state.
"""

from __future__ import annotations

import copy
import warnings
from typing import Any

from taskaffinity.backends.lora._config import LoraConfig
from taskaffinity.errors import InputError
from taskaffinity.models import llm_imports, load_causal_lm

__all__ = ["load_base", "with_adapter"]


def load_base(model: str, gguf_file: str | None) -> tuple[Any, Any]:
    """``(tokenizer, frozen causal LM in eval mode)`` of ``model`` (cached per process)."""
    return load_causal_lm(model, gguf_file)


def with_adapter(cfg: LoraConfig, seed: int) -> tuple[Any, Any]:
    """``(tokenizer, peft model)``: a copy of the base with a new LoRA adapter on
    ``cfg.device``, initialised from ``seed`` (only the adapter's weights train)."""
    import torch

    peft, _ = llm_imports()
    tok, base = load_base(cfg.model, cfg.gguf_file)
    targets = cfg.target_modules
    lora = peft.LoraConfig(
        r=cfg.r,
        lora_alpha=cfg.alpha,
        lora_dropout=cfg.dropout,
        target_modules=targets if isinstance(targets, str) else list(targets),
        bias="none",
        task_type="CAUSAL_LM",
    )
    torch.manual_seed(seed)
    try:
        with warnings.catch_warnings():  # peft calls an API transformers 5 deprecates
            warnings.filterwarnings("ignore", ".*is_gradient_checkpointing", FutureWarning)
            model = peft.get_peft_model(copy.deepcopy(base), lora)
    except ValueError as err:  # e.g. target modules not found in the model
        raise InputError(
            f"cannot add LoRA to {cfg.model!r}: {err}", field="target_modules"
        ) from err
    return tok, model.to(torch.device(cfg.device))
