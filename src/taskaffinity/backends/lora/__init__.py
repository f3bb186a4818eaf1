"""The ``lora`` backend: instruction-tune a causal LM with one LoRA adapter shared by the
run's tasks (registered on import).

* :class:`LoraConfig` (``_config``): its hyperparameters (models by alias, folder or hub
  name: :mod:`taskaffinity.models`);
* :class:`LoraBackend` (``_backend``): the backend;
* ``_prompts``: a task's instruction template -> token ids; ``_model``: loading the base
  model and adding an adapter; ``_trainer``: training and scoring the adapter.

peft and transformers are imported only when a run starts.
"""

from taskaffinity.backends.lora._backend import LoraBackend
from taskaffinity.backends.lora._config import LoraConfig
from taskaffinity.backends.lora._model import load_base, with_adapter
from taskaffinity.backends.lora._prompts import render_template
from taskaffinity.backends.lora._trainer import LoraTrainer

__all__ = [
    "LoraBackend",
    "LoraConfig",
    "LoraTrainer",
    "load_base",
    "render_template",
    "with_adapter",
]
