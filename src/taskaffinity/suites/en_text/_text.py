"""Text helpers for the ``en-text`` build: word/character clipping, the hash split of a
group key (train/dev/test 8:1:1) and class-balanced sampling."""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict

__all__ = ["MAX_CHARS", "MAX_WORDS", "clean", "sample", "split_of"]

MAX_CHARS = 240
MAX_WORDS = 40  # about 50-60 MiniLM word pieces; the backend truncates at 64


def clean(text: str, max_words: int = MAX_WORDS) -> str:
    """At most ``max_words`` words and MAX_CHARS characters; drops 'words' over 25
    characters (base64, HTML, URLs) that would explode into word pieces."""
    words = [w for w in text.split() if len(w) <= 25][:max_words]
    while words and len(" ".join(words)) > MAX_CHARS:
        words.pop()
    return " ".join(words)


def split_of(key: str) -> str:
    bucket = int(hashlib.sha256(key.encode()).hexdigest(), 16) % 10
    return "train" if bucket < 8 else ("dev" if bucket == 8 else "test")


def sample(rows: list[tuple[str, str, str]], n: int, rng: random.Random) -> list[dict]:
    """Class-balanced sample of ``n`` unique texts (fewer where a class runs short)."""
    by_label: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for _, text, label in sorted(set(rows)):
        by_label[label].append((text, label))
    for items in by_label.values():
        rng.shuffle(items)
    chosen: list[tuple[str, str]] = []
    labels = sorted(by_label)
    while len(chosen) < n and any(by_label.values()):
        for lab in labels:
            if by_label[lab] and len(chosen) < n:
                chosen.append(by_label[lab].pop())
    rng.shuffle(chosen)
    return [{"text": t, "label": lab} for t, lab in chosen]
