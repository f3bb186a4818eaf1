"""Model access of the ``lora`` backend: the frozen base (cached per process) + an adapter.

``load_base`` is :func:`taskaffinity.models.load_causal_lm` (tokenizer and frozen base,
loaded once per process; set ``HF_HUB_OFFLINE=1`` to stay offline). ``with_adapter``
injects a freshly initialised LoRA adapter (peft) into that cached base for one run and
removes it when the run ends (``unload()``: every adapted layer is put back as the
original module), so runs share the base's weights, never copy them, and leave nothing
behind: the next run starts from the same base as a fresh process would.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from taskaffinity.backends.lora._config import LoraConfig
from taskaffinity.errors import InputError
from taskaffinity.models import llm_imports, load_causal_lm

__all__ = ["load_base", "with_adapter"]


def load_base(model: str, gguf_file: str | None) -> tuple[Any, Any]:
    """``(tokenizer, frozen causal LM in eval mode)`` of ``model`` (cached per process)."""
    return load_causal_lm(model, gguf_file)


@contextmanager
def with_adapter(cfg: LoraConfig, seed: int) -> Iterator[tuple[Any, Any]]:
    """Context manager giving ``(tokenizer, peft model)``: the cached base of ``cfg.model``
    on ``cfg.device`` with a new LoRA adapter initialised from ``seed`` (only the
    adapter's weights train); gradient checkpointing on when ``cfg`` switches it on. On
    exit the adapter is removed and the base is back in eval mode, frozen, without
    checkpointing (it stays on ``cfg.device``)."""
    import torch

    peft, _ = llm_imports()
    tok, base = load_base(cfg.model, cfg.gguf_file)
    if getattr(base, "peft_config", None):
        raise RuntimeError("the cached base model still holds an adapter of another run")
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
            model = peft.get_peft_model(base, lora)  # injects into `base` in place
    except ValueError as err:  # e.g. target modules not found in the model
        _clear(base)
        raise InputError(
            f"cannot add LoRA to {cfg.model!r}: {err}", field="target_modules"
        ) from err
    try:
        model.to(torch.device(cfg.device))
        if cfg.switch("gradient_checkpointing"):
            _checkpointing(base, True)
        yield tok, model
    finally:
        model.unload()
        _clear(base)


def _clear(base: Any) -> None:
    """Put ``base`` back as :func:`load_base` gave it: no adapter modules, no peft config,
    no checkpointing, every weight frozen, eval mode."""
    from peft.tuners.tuners_utils import BaseTunerLayer

    for name, module in list(base.named_modules()):
        if isinstance(module, BaseTunerLayer):  # an injection that failed half way
            parent_name, _, child = name.rpartition(".")
            parent = base.get_submodule(parent_name) if parent_name else base
            setattr(parent, child, module.get_base_layer())
    if hasattr(base, "peft_config"):
        del base.peft_config
    if getattr(base, "supports_gradient_checkpointing", False):
        _checkpointing(base, False)
    if getattr(base, "_require_grads_hooks", None) or hasattr(base, "_require_grads_hook"):
        base.disable_input_require_grads()  # hooks checkpointing adds on the embeddings
    for p in base.parameters():
        p.requires_grad_(False)
        p.grad = None
    base.eval()


def _checkpointing(base: Any, on: bool) -> None:
    """Switch activation (gradient) checkpointing of ``base`` on or off: non-reentrant
    checkpointing, which replays dropout's random state, so the numbers do not change."""
    if hasattr(base, "activation_checkpointing_enable"):  # transformers >= 5
        if on:
            base.activation_checkpointing_enable({"use_reentrant": False})
        else:
            base.activation_checkpointing_disable()
    elif on:
        base.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    else:
        base.gradient_checkpointing_disable()
