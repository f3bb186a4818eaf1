"""The ``scratch`` backend: a character-level Transformer trained from random
initialisation, with one linear head per task (registered on import).

* :class:`ScratchConfig` (``_config``): its hyperparameters;
* :class:`ScratchBackend` (``_backend``): the backend;
* :class:`CharTransformer` (``_model``, imported when a run starts: it imports torch):
  the shared body;
* :class:`CharVocab` (``_vocab``): the suite's character vocabulary.
"""

from taskaffinity.backends.scratch._backend import ScratchBackend
from taskaffinity.backends.scratch._config import ScratchConfig
from taskaffinity.backends.scratch._vocab import CharVocab

__all__ = ["CharVocab", "ScratchBackend", "ScratchConfig"]
