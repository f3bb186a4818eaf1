"""The ``encoder`` backend: a Hugging Face encoder + a shared layer + task heads
(registered on import).

* :class:`EncoderConfig` (``_config``): its hyperparameters;
* :class:`EncoderBackend` (``_backend``): the backend;
* ``_model``: its body, ``EncoderBody`` (imported when a run starts: it imports torch),
  with the per-process cache of frozen-encoder features;
* ``_features``: the frozen encoder's features, shared by a study's workers on disk;
* ``_hf``: loading, sub-word tokenization and read-out of the encoder.

torch and transformers are imported only when a run starts.
"""

from taskaffinity.backends.encoder._backend import EncoderBackend
from taskaffinity.backends.encoder._config import EncoderConfig

__all__ = ["EncoderBackend", "EncoderConfig"]
