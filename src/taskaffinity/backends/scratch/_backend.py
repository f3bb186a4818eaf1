"""``scratch``: a character-level Transformer encoder trained from random initialisation.

For CPU runs and languages without a usable pretrained encoder (Classical Chinese here).
The character vocabulary (:class:`~taskaffinity.backends.scratch._vocab.CharVocab`) is
built from the training text of the **whole suite**, so single-task and joint runs share
one embedding table; hence a scratch run's identity includes that vocabulary besides its
own tasks. The body is :class:`~taskaffinity.backends.scratch._model.CharTransformer`
(torch is imported only when a run starts).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from taskaffinity.backends._base import Backend, register_backend
from taskaffinity.backends.scratch._config import ScratchConfig
from taskaffinity.backends.scratch._vocab import CharVocab, vocabulary_digest

if TYPE_CHECKING:
    from taskaffinity.backends.heads import Body
    from taskaffinity.tasks import TaskSuite

__all__ = ["ScratchBackend"]


@register_backend("scratch")
class ScratchBackend(Backend):
    """Character Transformer body (pre-norm, learned positions) + linear task heads.

    Classification pools the body's outputs by masked mean (BOS included, so an empty
    input is well defined); tagging reads the output at each token's first character.
    """

    config_class = ScratchConfig

    def build_body(self, config: ScratchConfig, suite: TaskSuite) -> Body:
        """A fresh :class:`~taskaffinity.backends.scratch._model.CharTransformer` over
        the suite's character vocabulary."""
        from taskaffinity.backends.scratch._model import CharTransformer

        return CharTransformer(config, CharVocab(suite, config.min_char_count))

    def suite_fingerprint(self, tasks: Sequence[str], suite: TaskSuite) -> str:
        """The run's own tasks (:meth:`TaskSuite.tasks_fingerprint`) and the character
        vocabulary, built from every task's training text: all a run reads of the other
        tasks (their labels, metrics, dev and test sets and the suite's order do not
        change its result)."""
        vocab = vocabulary_digest(suite, self.config.min_char_count)
        return hashlib.sha256((suite.tasks_fingerprint(tasks) + vocab).encode()).hexdigest()[:12]
