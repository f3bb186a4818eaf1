"""The ``lora`` backend: instruction-tune a causal LM with one LoRA adapter shared by the
run's tasks (registered on import).

* :class:`LoraConfig` (``_config``): its hyperparameters (models by alias, folder or hub
  name: :mod:`taskaffinity.models`);
* :class:`LoraBackend` (``_backend``): the backend;
* :class:`TagAnswers` (``_answers``): a tagging task's tags as answer text and back
  (rendering ``insert`` or ``tags``, parsing by alignment to the input);
* ``_prompts``: a task's instruction template -> token ids; ``_model``: the base model
  (loaded once per process) with a run's adapter injected and removed again
  (:func:`with_adapter`); ``_trainer``: training and scoring the adapter.

peft and transformers are imported only when a run starts.
"""

from taskaffinity.backends.lora._answers import ANSWER_FORMATS, Parsed, TagAnswers, align
from taskaffinity.backends.lora._backend import LoraBackend
from taskaffinity.backends.lora._config import LoraConfig
from taskaffinity.backends.lora._model import load_base, with_adapter
from taskaffinity.backends.lora._prompts import render_template
from taskaffinity.backends.lora._trainer import LoraTrainer

__all__ = [
    "ANSWER_FORMATS",
    "LoraBackend",
    "LoraConfig",
    "LoraTrainer",
    "Parsed",
    "TagAnswers",
    "align",
    "load_base",
    "render_template",
    "with_adapter",
]
