"""The ``scratch`` backend's character vocabulary, built from the whole suite's training
text, and its digest (part of a scratch run's identity).

The vocabulary is sorted and deterministic, so single-task and joint runs share one
embedding table and a task's single-task numbers do not depend on which partner it was
trained with. Ids 0-3 are reserved: :data:`PAD`, :data:`UNK`, :data:`BOS`, :data:`MASK`
(the null input's placeholder of a tagging token).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from taskaffinity.tasks import TaskSuite

__all__ = ["BOS", "MASK", "PAD", "UNK", "CharVocab", "vocabulary_digest"]

PAD, UNK, BOS, MASK = 0, 1, 2, 3


class CharVocab:
    """Characters of the suite's training text with count >= ``min_count``; ids from 4."""

    def __init__(self, suite: TaskSuite, min_count: int = 1) -> None:
        counts: Counter[str] = Counter()
        for task in suite.tasks:
            for ex in task.train:
                counts.update(ex.text)
                for tok in ex.tokens:
                    counts.update(tok)
        chars = sorted(c for c, n in counts.items() if n >= min_count)
        self.index = {c: i + 4 for i, c in enumerate(chars)}

    def __len__(self) -> int:
        return len(self.index) + 4

    def encode(self, text: str) -> list[int]:
        """The ids of ``text``'s characters (:data:`UNK` for those not kept)."""
        return [self.index.get(c, UNK) for c in text]


@lru_cache(maxsize=8)
def vocabulary_digest(suite: TaskSuite, min_count: int) -> str:
    """Hash of the characters of :class:`CharVocab` ``(suite, min_count)`` in id order."""
    chars = sorted(CharVocab(suite, min_count).index)
    return hashlib.sha256(json.dumps(chars, ensure_ascii=False).encode()).hexdigest()
