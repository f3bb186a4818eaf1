"""Where a pretrained model comes from, checked before any run: a local folder, or a
Hugging Face hub name that can be reached (online) or is in the local cache (offline).

``check_pretrained(model)`` raises :class:`~taskaffinity.errors.InputError` on field
``model`` when loading ``model`` would fail for want of it: a name that is a path
(absolute, starting with ``.`` or ``~``, or with more than one ``/``; or any existing
path) must be a folder holding ``required`` (``config.json`` by default); a hub name
(``name`` or ``org/name``) must be in the local cache when the hub is offline
(``HF_HUB_OFFLINE`` or ``TRANSFORMERS_OFFLINE`` set). Online, a hub name is left to the
loader.
"""

from __future__ import annotations

import os
from pathlib import Path

from taskaffinity.errors import InputError

__all__ = ["check_pretrained", "hub_offline"]

_TRUE = {"1", "on", "yes", "true"}


def hub_offline() -> bool:
    """Whether the Hugging Face hub is switched off by the environment."""
    return any(
        os.environ.get(v, "").strip().lower() in _TRUE
        for v in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    )


def _looks_like_path(model: str) -> bool:
    return model.startswith(("/", ".", "~")) or model.count("/") > 1 or "\\" in model


def check_pretrained(model: str, *, required: str = "config.json", field: str = "model") -> None:
    """See the module docstring."""
    path = Path(model).expanduser()
    if path.exists() or _looks_like_path(model):
        if not path.is_dir():
            raise InputError(f"model folder {model!r} not found", field=field)
        if not (path / required).is_file():
            raise InputError(f"model folder {model!r} has no {required}", field=field)
        return
    if not hub_offline():
        return
    from huggingface_hub import try_to_load_from_cache

    try:
        cached = try_to_load_from_cache(
            model, "config.json", cache_dir=os.environ.get("HF_HUB_CACHE") or None
        )
    except Exception as err:  # huggingface_hub's validation errors are several types
        msg = f"{model!r} is neither a folder nor a hub model name: {err}"
        raise InputError(msg, field=field) from None
    if not isinstance(cached, str):
        raise InputError(
            f"{model!r} is not a local folder, and the hub is offline (HF_HUB_OFFLINE) with no "
            "copy of it in the local cache",
            field=field,
        )
