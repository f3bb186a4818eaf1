"""The ``encoder`` backend: a Hugging Face encoder + a shared layer + task heads
(registered on import).

* :class:`EncoderConfig` (``_config``): its hyperparameters;
* :class:`EncoderBackend` (``_backend``): the backend and its body (with the per-process
  cache of frozen-encoder features);
* ``_hf``: loading, sub-word tokenization and read-out of the encoder.

transformers is imported only when a run starts.
"""

from taskaffinity.backends.encoder._backend import EncoderBackend
from taskaffinity.backends.encoder._config import EncoderConfig

__all__ = ["EncoderBackend", "EncoderConfig"]
