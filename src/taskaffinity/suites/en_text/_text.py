"""Text helpers for the ``en_text`` build: word/character clipping, the split of the group
keys (:func:`assign_splits`) and class-balanced sampling."""

from __future__ import annotations

import hashlib
import math
import random
from collections import defaultdict

__all__ = ["HELD_OUT", "MAX_CHARS", "MAX_WORDS", "assign_splits", "clean", "rank", "sample"]

MAX_CHARS = 240
MAX_WORDS = 40  # about 50-60 MiniLM word pieces; the backend truncates at 64


def clean(text: str, max_words: int = MAX_WORDS) -> str:
    """At most ``max_words`` words and MAX_CHARS characters; drops 'words' over 25
    characters (base64, HTML, URLs) that would explode into word pieces."""
    words = [w for w in text.split() if len(w) <= 25][:max_words]
    while words and len(" ".join(words)) > MAX_CHARS:
        words.pop()
    return " ".join(words)


HELD_OUT = ("test", "dev")  # filled in this order, before train
Row = tuple[str, str, str]  # (group key, text, label)


def rank(key: str) -> str:
    """The sort key of a group key (SHA-256, hex)."""
    return hashlib.sha256(key.encode()).hexdigest()


def assign_splits(tasks: dict[str, list[Row]], sizes: dict[str, int]) -> dict[str, str]:
    """Group key -> ``"train"``, ``"dev"`` or ``"test"``, shared by all tasks.

    Group keys live in namespaces (the prefix before ``:``: movie, speech, mail, synset);
    tasks that share a namespace share its split. Within a namespace the groups are taken
    in :func:`rank` order: to test until every label of every task of the namespace has
    ``ceil(sizes["test"] / n_labels)`` distinct texts there, then to dev likewise, then
    all the rest to train. So the held-out splits take no more groups than a class-balanced
    sample of their size needs, and train keeps everything else. Raises ValueError when a
    namespace cannot fill its test and dev splits.
    """
    labels = {name: sorted({r[2] for r in rows}) for name, rows in tasks.items()}
    by_ns: dict[str, dict[str, list[tuple[str, str, str]]]] = defaultdict(dict)
    for name, rows in sorted(tasks.items()):
        for key, text, label in rows:
            by_ns[key.split(":", 1)[0]].setdefault(key, []).append((name, text, label))
    out: dict[str, str] = {}
    for ns, groups in by_ns.items():
        names = sorted({name for rows in groups.values() for name, _, _ in rows})
        need = {
            s: {(n, lab): math.ceil(sizes[s] / len(labels[n])) for n in names for lab in labels[n]}
            for s in HELD_OUT
        }
        earlier: set[tuple[str, str]] = set()  # (task, text) already in a held-out split
        phase = 0
        have: dict[tuple[str, str], set[str]] = defaultdict(set)
        for key in sorted(groups, key=rank):
            if phase == len(HELD_OUT):
                out[key] = "train"
                continue
            split = HELD_OUT[phase]
            out[key] = split
            for name, text, label in groups[key]:
                if (name, text) not in earlier:
                    have[(name, label)].add(text)
            if all(len(have[k]) >= n for k, n in need[split].items()):
                earlier |= {(k[0], t) for k, texts in have.items() for t in texts}
                have = defaultdict(set)
                phase += 1
        if phase < len(HELD_OUT):
            raise ValueError(f"{ns!r} groups cannot fill a class-balanced {HELD_OUT[phase]}")
    return out


def sample(rows: list[tuple[str, str, str]], n: int, rng: random.Random) -> list[dict]:
    """Class-balanced sample of ``n`` unique texts (fewer where a class runs short).

    A text that occurs in several rows counts once; one with two labels is left out."""
    labels_of: dict[str, set[str]] = defaultdict(set)
    for _, text, label in rows:
        labels_of[text].add(label)
    by_label: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for text, labels in sorted(labels_of.items()):
        if len(labels) == 1:
            by_label[next(iter(labels))].append((text, *labels))
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
