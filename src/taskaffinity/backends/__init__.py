"""Backends: how one run of hard parameter sharing is trained and scored.

``get_backend(name, config)`` returns a :class:`Backend` (``available()`` lists names):

* ``scratch`` (:class:`ScratchConfig`): character-level Transformer from scratch;
* ``encoder`` (:class:`EncoderConfig`): a Hugging Face encoder, fine-tuned or frozen;
* ``lora`` (:class:`LoraConfig`): a causal LM instruction-tuned with one shared LoRA
  adapter (classification by rank classification or generation, generation by greedy
  decoding, tagging by generating the tags as text, aligned back to the input).

``Backend.spec(tasks, seed, suite) -> RunSpec``; ``Backend.run(spec, suite) -> RunResult``.
Estimator capabilities (``gold_log_probs``, ``train_with_probe``) are documented in
:mod:`taskaffinity.backends._capabilities`.

One folder per backend, each with ``_config.py`` (its config dataclass), ``_model.py``
(its model, as module-level classes) and ``_backend.py`` (the registered backend):
``scratch/``, ``encoder/``, ``lora/``. What they share:

* :mod:`taskaffinity.backends.training`: the training loop (one task per optimizer step,
  drawn by examples-proportional or temperature sampling; ``epochs`` over the union of
  the run's training sets; AdamW with linear warm-up and decay; dev scored once per
  epoch), sampling, per-task best-dev checkpoints scored on test, weight averaging and
  the out-of-memory retry. Same hyperparameters for single and joint runs;
* :mod:`taskaffinity.backends.heads`: one shared body with one linear head per task
  (``scratch`` and ``encoder``);
* ``_base`` (:class:`Backend`, the registry, the input checks), ``_train_config``
  (:class:`TrainConfig`), ``_capabilities`` (what estimators ask of a backend).

A run that runs out of memory is retried with smaller micro-batches when ``oom_retry:
true`` (or ``batch_size: auto``), else fails with a one-line
:class:`~taskaffinity.backends.training.RunOutOfMemoryError` saying what to lower.

Measured cost (scratch defaults, zh-classical, 2,400 train examples per task, one
thread): a single-task run is 225 steps, ~9-10 s of CPU time; a pair ~21 s; all six
tasks ~50 s. Set ``threads`` to ``cores // workers`` when runs share a machine: torch's
default thread count oversubscribes a loaded CPU and can be 5-10x slower.
"""

from taskaffinity.backends._base import (
    BACKENDS,
    Backend,
    RunBackend,
    available,
    get_backend,
    register_backend,
)
from taskaffinity.backends._capabilities import Probe, ProbeContext
from taskaffinity.backends._train_config import TrainConfig
from taskaffinity.backends.encoder import EncoderBackend, EncoderConfig
from taskaffinity.backends.lora import LoraBackend, LoraConfig
from taskaffinity.backends.replay import ReplayBackend, ReplayConfig
from taskaffinity.backends.scratch import ScratchBackend, ScratchConfig
from taskaffinity.backends.training import RunOutOfMemoryError

__all__ = [
    "BACKENDS",
    "Backend",
    "EncoderBackend",
    "EncoderConfig",
    "LoraBackend",
    "LoraConfig",
    "Probe",
    "ProbeContext",
    "ReplayBackend",
    "ReplayConfig",
    "RunBackend",
    "RunOutOfMemoryError",
    "ScratchBackend",
    "ScratchConfig",
    "TrainConfig",
    "available",
    "get_backend",
    "register_backend",
]
