"""WordNet for the ``en_many`` build: one unit per distinct gloss (:func:`units`), the
lexicographer files' descriptions (:data:`DESCRIPTIONS`) and how much vocabulary two
lexicographer files share (:func:`lemma_overlap`), the confusability that weights the
negatives of a one-vs-rest task."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from taskaffinity.suites.en_text._text import rank
from taskaffinity.suites.en_text._wordnet import LEXNAMES, glosses

__all__ = ["DESCRIPTIONS", "Unit", "lemma_overlap", "units"]

DESCRIPTIONS = {  # after WordNet's lexnames(5WN), for the tasks' instructions
    "noun.act": "an act or action",
    "noun.animal": "an animal",
    "noun.artifact": "a man-made object",
    "noun.attribute": "an attribute of people or objects",
    "noun.body": "a body part",
    "noun.cognition": "a cognitive process or content",
    "noun.communication": "a communicative process or content",
    "noun.event": "a natural event",
    "noun.feeling": "a feeling or emotion",
    "noun.food": "a food or drink",
    "noun.group": "a grouping of people or objects",
    "noun.location": "a spatial position or place",
    "noun.object": "a natural object (not man-made)",
    "noun.person": "a person",
    "noun.phenomenon": "a natural phenomenon",
    "noun.plant": "a plant",
    "noun.possession": "possession or its transfer",
    "noun.process": "a natural process",
    "noun.quantity": "a quantity or unit of measure",
    "noun.relation": "a relation between people, things or ideas",
    "noun.shape": "a two- or three-dimensional shape",
    "noun.state": "a stable state of affairs",
    "noun.substance": "a substance",
    "noun.time": "time or a temporal relation",
    "verb.body": "grooming, dressing or bodily care",
    "verb.change": "a change of size, temperature, intensity and the like",
    "verb.cognition": "thinking, judging, analyzing or doubting",
    "verb.communication": "telling, asking, ordering or singing",
    "verb.competition": "fighting or athletic activity",
    "verb.consumption": "eating or drinking",
    "verb.contact": "touching, hitting, tying or digging",
    "verb.creation": "sewing, baking, painting or performing",
    "verb.emotion": "feeling",
    "verb.motion": "walking, flying or swimming",
    "verb.perception": "seeing, hearing or feeling",
    "verb.possession": "buying, selling or owning",
    "verb.social": "a political or social activity or event",
    "verb.stative": "being, having or spatial relations",
    "verb.weather": "raining, snowing or thawing",
}


@dataclass(frozen=True)
class Unit:
    """One distinct gloss text: ``key`` (its first synset key by :func:`rank`, which
    places it in a split), ``text``, part of speech ``pos`` and lexicographer file
    ``lex``."""

    key: str
    text: str
    pos: str
    lex: str


def units(folder: Path) -> list[Unit]:
    """Every distinct gloss of WordNet's ``data.*`` files in ``folder`` that belongs to one
    lexicographer file only (a text defining synsets of two files is left out: its label
    would contradict itself), sorted by text."""
    by_text: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for key, text, pos, lex in glosses(folder):
        by_text[text].append((key, pos, lex))
    out = []
    for text, rows in sorted(by_text.items()):
        if len({(pos, lex) for _, pos, lex in rows}) == 1:
            key = min((k for k, _, _ in rows), key=rank)
            out.append(Unit(key, text, rows[0][1], rows[0][2]))
    return out


def lemma_overlap(folder: Path) -> dict[tuple[str, str], int]:
    """``{(file a, file b): n}`` for a < b: the number of word forms (lower-cased) that
    name a noun or verb synset of both lexicographer files, e.g. ``chicken`` in
    ``noun.animal`` and ``noun.food``. Polysemy across files is what makes two
    supersenses hard to tell apart from the words of a gloss alone."""
    words: dict[str, set[str]] = defaultdict(set)
    for pos in ("noun", "verb"):
        for line in (folder / f"data.{pos}").read_text(encoding="latin-1").splitlines():
            if line.startswith("  ") or "|" not in line:
                continue
            parts = line.split("|", 1)[0].split()
            lex, n = LEXNAMES[int(parts[1])], int(parts[3], 16)
            for i in range(n):
                words[lex].add(parts[4 + 2 * i].lower())
    return {(a, b): len(words[a] & words[b]) for a, b in combinations(sorted(words), 2)}
