"""Model access of the ``lora`` backend: resolve, load (cached per process), add an adapter.

``load_base`` caches the tokenizer and the frozen base model per process (set
``HF_HUB_OFFLINE=1`` to stay offline); ``with_adapter`` gives every run its own copy of
the base with a freshly initialised LoRA adapter (peft), so runs never share state.
GGUF checkpoints are de-quantised by transformers to fp32 on load.
"""

from __future__ import annotations

import copy
import importlib.util
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any

from taskaffinity.backends._pretrained import check_pretrained
from taskaffinity.backends.lora._config import MODEL_ALIASES, LoraConfig
from taskaffinity.errors import InputError

__all__ = ["check_causal_lm", "load_base", "resolve_model", "with_adapter"]


def check_causal_lm(model: str, gguf_file: str | None) -> None:
    """Raise InputError (field ``model``) before any run when ``model`` cannot be found: an
    alias whose package is not installed, a local folder that is missing (or lacks its
    ``gguf_file`` or ``config.json``), a hub name not cached while the hub is offline."""
    if model in MODEL_ALIASES:
        package, _, install = MODEL_ALIASES[model]
        if importlib.util.find_spec(package) is None:
            msg = f"model alias {model!r} needs a PyPI package: {install}"
            raise InputError(msg, field="model")
        return
    check_pretrained(model, required=gguf_file or "config.json")


def resolve_model(model: str, gguf_file: str | None) -> tuple[str, str | None]:
    """``(hub name or folder, GGUF file or None)``; aliases resolve to their package."""
    if model not in MODEL_ALIASES:
        return model, gguf_file
    package, filename, install = MODEL_ALIASES[model]
    spec = importlib.util.find_spec(package)  # locates the folder without importing it
    if spec is None or not spec.submodule_search_locations:
        raise InputError(
            f"model alias {model!r} needs a PyPI package: {install} "
            "(or name a hub model or a local path)",
            field="model",
        )
    if not filename:  # shipped in parts: the package assembles the file (once, cached)
        path = Path(importlib.import_module(package).assemble())
        return str(path.parent), path.name
    folder = next(iter(spec.submodule_search_locations))
    if not (Path(folder) / (gguf_file or filename)).is_file():
        raise InputError(f"{gguf_file or filename} not found in {folder}", field="gguf_file")
    return folder, gguf_file or filename


def _llm_imports() -> Any:
    try:
        import peft
        import transformers
    except ImportError as err:  # pragma: no cover - depends on the install
        raise ImportError(
            "the lora backend needs peft (and gguf for GGUF models): "
            "pip install 'taskaffinity[llm]'"
        ) from err
    return peft, transformers


@lru_cache(maxsize=1)
def load_base(model: str, gguf_file: str | None) -> tuple[Any, Any]:
    """``(tokenizer, frozen causal LM in eval mode)`` of ``model`` (cached per process)."""
    _, transformers = _llm_imports()
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    path, gguf = resolve_model(model, gguf_file)
    kwargs = {"gguf_file": gguf} if gguf else {}
    try:
        tok = transformers.AutoTokenizer.from_pretrained(path, **kwargs)
        lm = transformers.AutoModelForCausalLM.from_pretrained(path, **kwargs)
    except (OSError, ValueError) as err:
        raise InputError(f"cannot load causal LM {model!r}: {err}", field="model") from err
    for p in lm.parameters():
        p.requires_grad_(False)
    return tok, lm.eval()


def with_adapter(cfg: LoraConfig, seed: int) -> tuple[Any, Any]:
    """``(tokenizer, peft model)``: a copy of the base with a new LoRA adapter on
    ``cfg.device``, initialised from ``seed`` (only the adapter's weights train)."""
    import torch

    peft, _ = _llm_imports()
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
