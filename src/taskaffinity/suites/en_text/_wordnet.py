"""WordNet reader for the ``en_text`` build: noun/verb/adjective/adverb glosses labelled
with their lexicographer file (``supersense``) and part of speech (``wn_pos``)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from taskaffinity.suites.en_text._text import clean

__all__ = ["LEXNAMES", "N_SUPERSENSES", "glosses", "wordnet"]

LEXNAMES = (  # lexicographer files 00-44, in order (WordNet lexnames(5WN))
    "adj.all",
    "adj.pert",
    "adv.all",
    "noun.Tops",
    "noun.act",
    "noun.animal",
    "noun.artifact",
    "noun.attribute",
    "noun.body",
    "noun.cognition",
    "noun.communication",
    "noun.event",
    "noun.feeling",
    "noun.food",
    "noun.group",
    "noun.location",
    "noun.motive",
    "noun.object",
    "noun.person",
    "noun.phenomenon",
    "noun.plant",
    "noun.possession",
    "noun.process",
    "noun.quantity",
    "noun.relation",
    "noun.shape",
    "noun.state",
    "noun.substance",
    "noun.time",
    "verb.body",
    "verb.change",
    "verb.cognition",
    "verb.communication",
    "verb.competition",
    "verb.consumption",
    "verb.contact",
    "verb.creation",
    "verb.emotion",
    "verb.motion",
    "verb.perception",
    "verb.possession",
    "verb.social",
    "verb.stative",
    "verb.weather",
    "adj.ppl",
)
N_SUPERSENSES = 12


def glosses(folder: Path) -> list[tuple[str, str, str, str]]:
    """Every synset's definition of at least 3 words (its gloss up to the first ``;``,
    clipped by :func:`clean`) as ``(synset key, text, pos, lexicographer file)``, in the
    order of ``data.noun``, ``data.verb``, ``data.adj``, ``data.adv`` of ``folder``."""
    rows = []
    for pos_file, pos in (("noun", "noun"), ("verb", "verb"), ("adj", "adj"), ("adv", "adv")):
        for line in (folder / f"data.{pos_file}").read_text(encoding="latin-1").splitlines():
            if line.startswith("  ") or "|" not in line:
                continue
            fields, gloss = line.split("|", 1)
            parts = fields.split()
            definition = gloss.split(";")[0].strip()
            if len(definition.split()) >= 3:
                key = f"synset:{parts[0]}{parts[2]}"
                rows.append((key, clean(definition), pos, LEXNAMES[int(parts[1])]))
    return rows


def wordnet(folder: Path) -> dict[str, list[tuple[str, str, str]]]:
    """supersense: noun/verb gloss -> lexicographer file (the 12 most frequent);
    wn_pos: gloss -> part of speech (noun/verb/adjective/adverb). Grouped by synset."""
    rows = glosses(folder)
    counts: dict[str, int] = defaultdict(int)
    for _, _, pos, lex in rows:
        if pos in ("noun", "verb"):
            counts[lex] += 1
    top = set(sorted(counts, key=lambda k: (-counts[k], k))[:N_SUPERSENSES])
    return {
        "supersense": [(k, t, lex) for k, t, _, lex in rows if lex in top],
        "wn_pos": [(k, t, pos) for k, t, pos, _ in rows],
    }
