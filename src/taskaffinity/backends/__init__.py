"""Backends: how one run of hard parameter sharing is trained and scored.

``get_backend(name, config)`` returns a :class:`Backend` (``available()`` lists names):

* ``scratch`` (:class:`ScratchConfig`): character-level Transformer from scratch;
* ``encoder`` (:class:`EncoderConfig`): a Hugging Face encoder, fine-tuned or frozen.

``Backend.spec(tasks, seed, suite) -> RunSpec``; ``Backend.run(spec, suite) -> RunResult``.
Estimator capabilities (``gold_log_probs``, ``train_with_probe``) are documented in
:mod:`taskaffinity.backends._capabilities`.
"""

from taskaffinity.backends._base import (
    BACKENDS,
    Backend,
    available,
    get_backend,
    register_backend,
)
from taskaffinity.backends._capabilities import Probe, ProbeContext
from taskaffinity.backends._config import EncoderConfig, ScratchConfig, TrainConfig
from taskaffinity.backends._encoder import EncoderBackend
from taskaffinity.backends._scratch import ScratchBackend

__all__ = [
    "BACKENDS",
    "Backend",
    "EncoderBackend",
    "EncoderConfig",
    "Probe",
    "ProbeContext",
    "ScratchBackend",
    "ScratchConfig",
    "TrainConfig",
    "available",
    "get_backend",
    "register_backend",
]
