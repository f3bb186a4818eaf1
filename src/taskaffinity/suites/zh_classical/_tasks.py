"""The six zh_classical task builders: each turns the upstream records into candidates and
assembles them into ``{split: records}`` (tagging: ``punctuation``, ``tonal``;
classification: ``poet``, ``dynasty``, ``ci_tune``, ``shijing``), keyed in :data:`BUILDERS`."""

from __future__ import annotations

from pathlib import Path

from taskaffinity.suites.zh_classical import _sources as src
from taskaffinity.suites.zh_classical._assemble import Candidate, Quota, assemble
from taskaffinity.suites.zh_classical._text import MARKS, chunk, clean, clip, is_han, punct_tags

__all__ = [
    "BUILDERS",
    "DEV",
    "POETS",
    "SEED",
    "SHIJING_DEV",
    "SHIJING_TEST",
    "TEST",
    "TRAIN",
    "TUNES",
    "ci_tune",
    "dynasty",
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


BUILDERS = {
    "punctuation": punctuation,
    "tonal": tonal,
    "poet": poet,
    "dynasty": dynasty,
    "ci_tune": ci_tune,
    "shijing": shijing,
}
