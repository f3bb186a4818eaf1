"""Rebuild the ``en_many`` suite's shipped data and ``suite.yaml``.

Sources (see ``NOTICE``): ``wordnet-base`` (Debian package), fetched with ``apt-get
download`` into a cache folder (``.build_cache/en_many`` by default) and unpacked there
with ``dpkg -x`` (nothing is installed), and the ``en_text`` suite's shipped data::

    python -m taskaffinity.suites.en_many.build [--cache DIR] [--out DIR]

Tasks: ``en_text``'s six (its four non-WordNet tasks subsampled from its shipped files,
its ``supersense`` and ``wn_pos`` rebuilt on this suite's split of the glosses) and one
one-vs-rest task per noun or verb lexicographer file (supersense) with at least
``(SIZES["test"] + SIZES["dev"] + SIZES["train"]) // 2`` distinct glosses: 24 files.
Every task has ``SIZES`` examples, class-balanced. Each distinct gloss lies in one split
for all tasks (:func:`~taskaffinity.suites.en_many._onevsrest.split_units`), so no text
of any task's test or dev split is in any task's train split.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import random
import subprocess
from collections import defaultdict
from pathlib import Path

from taskaffinity.suites.en_many._lexicon import DESCRIPTIONS, Unit, lemma_overlap, units
from taskaffinity.suites.en_many._onevsrest import (
    OTHER_SHARES,
    negative_quota,
    one_vs_rest,
    split_units,
)
from taskaffinity.suites.en_text._text import sample
from taskaffinity.suites.en_text._wordnet import wordnet

__all__ = [
    "EN_TEXT_TASKS",
    "HERE",
    "OTHER_SHARES",
    "SEED",
    "SIZES",
    "build",
    "fetch",
    "main",
    "negative_quota",
    "split_units",
    "targets",
    "task_name",
]

HERE = Path(__file__).resolve().parent
EN_TEXT = HERE.parent / "en_text"
SIZES = {"train": 300, "dev": 200, "test": 1500}
SEED = 0
EN_TEXT_TASKS = ("polarity", "subjectivity", "party", "spam", "supersense", "wn_pos")
_COPIED = ("polarity", "subjectivity", "party", "spam")  # from en_text's shipped files
SPLITS = ("train", "dev", "test")


def fetch(cache: Path) -> Path:
    """The WordNet 3.0 database folder of ``wordnet-base``, downloaded into ``cache`` with
    ``apt-get download`` and unpacked with ``dpkg -x`` (each skipped when done)."""
    cache.mkdir(parents=True, exist_ok=True)
    deb = next(cache.glob("wordnet-base_*.deb"), None)
    if deb is None:
        subprocess.run(["apt-get", "download", "wordnet-base"], cwd=cache, check=True)
        deb = next(cache.glob("wordnet-base_*.deb"))
    folder = cache / "wordnet"
    if not (folder / "usr/share/wordnet/data.noun").exists():
        subprocess.run(["dpkg", "-x", str(deb), str(folder)], check=True)
    return folder / "usr/share/wordnet"


def task_name(lex: str) -> str:
    """The task of lexicographer file ``lex``: ``noun.animal`` -> ``noun_animal``."""
    return lex.replace(".", "_")


def targets(all_units: list[Unit]) -> list[str]:
    """The noun and verb files with enough distinct glosses for a task, nouns first,
    then by name."""
    need = sum(SIZES.values()) // 2
    count: dict[str, int] = defaultdict(int)
    for u in all_units:
        count[u.lex] += u.pos in ("noun", "verb")
    return sorted(f for f, c in count.items() if c >= need)


def _write(path: Path, records: list[dict]) -> None:
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as gz:
        for rec in records:
            gz.write((json.dumps(rec, ensure_ascii=False) + "\n").encode())
    path.write_bytes(buf.getvalue())


def _read(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def build(cache: Path, out: Path) -> dict[str, dict[str, int]]:
    """Write every task's splits to ``out/<task>.<split>.jsonl.gz`` and the suite file to
    ``out/../suite.yaml``; return ``{task: {split: size}}`` in suite order."""
    folder = fetch(cache)
    all_units = units(folder)
    lexfiles = targets(all_units)
    split_of = split_units(all_units, lexfiles, SIZES)
    overlap = lemma_overlap(folder)
    pools: dict[str, dict[str, list[Unit]]] = {s: defaultdict(list) for s in SPLITS}
    for u in all_units:
        pools[split_of[u.key]][u.lex].append(u)
    split_of_text = {u.text: split_of[u.key] for u in all_units}
    wn = wordnet(folder)
    out.mkdir(parents=True, exist_ok=True)
    sizes: dict[str, dict[str, int]] = {}
    for name in EN_TEXT_TASKS:
        sizes[name] = {}
        for split in SPLITS:
            rng = random.Random(f"{SEED}:{name}:{split}")
            if name in _COPIED:  # a split of en_text's size as it is, a larger one sampled
                src = _read(EN_TEXT / "data" / f"{name}.{split}.jsonl.gz")
                rows = [("", r["text"], r["label"]) for r in src]
                records = src if len(src) == SIZES[split] else sample(rows, SIZES[split], rng)
            else:
                rows = [r for r in wn[name] if split_of_text.get(r[1]) == split]
                records = sample(rows, SIZES[split], rng)
            _write(out / f"{name}.{split}.jsonl.gz", records)
            sizes[name][split] = len(records)
    for lex in lexfiles:
        name = task_name(lex)
        sizes[name] = {}
        for split in SPLITS:
            rng = random.Random(f"{SEED}:{name}:{split}")
            records = one_vs_rest(lex, pools[split], SIZES[split], overlap, rng)
            _write(out / f"{name}.{split}.jsonl.gz", records)
            sizes[name][split] = len(records)
    (out.parent / "suite.yaml").write_text(suite_yaml(lexfiles), encoding="utf-8")
    return sizes


_HEADER = """\
# en_many: {n} English classification tasks for many-task studies (see NOTICE). Written by
# build.py (do not edit by hand): en_text's six tasks and one one-vs-rest task per WordNet
# noun or verb supersense (lexicographer file) with at least {need} distinct glosses.
# Every task {train}/{dev}/{test} examples (train/dev/test), class-balanced.
name: en_many
description: >-
  Many-task English classification on a pretrained encoder (MiniLM): en_text's six tasks
  and {k} one-vs-rest WordNet supersense tasks (is this gloss the definition of a noun or
  verb of the supersense?).
tasks:
"""


def suite_yaml(lexfiles: list[str]) -> str:
    """The text of ``suite.yaml``: en_text's six task entries as there, sizes aside,
    then one entry per one-vs-rest task of ``lexfiles``."""
    import yaml

    doc = yaml.safe_load((EN_TEXT / "suite.yaml").read_text(encoding="utf-8"))
    entries = [t for t in doc["tasks"] if t["name"] in EN_TEXT_TASKS]
    for lex in lexfiles:
        pos = lex.split(".")[0]
        entries.append(
            {
                "name": task_name(lex),
                "kind": "classification",
                "category": f"{pos}_supersense",
                "metric": "accuracy",
                "description": (
                    f"WordNet {pos} gloss -> in {lex} ({DESCRIPTIONS[lex]}) or not; the "
                    f"negatives are glosses of the other {pos} supersenses, more of those "
                    "that share word forms with it."
                ),
                "instruction": (
                    f"Does this WordNet definition describe {DESCRIPTIONS[lex]}? {{text}}"
                ),
            }
        )
    lines = [
        _HEADER.format(
            n=len(entries),
            need=sum(SIZES.values()) // 2,
            k=len(lexfiles),
            **SIZES,
        )
    ]
    for e in entries:
        name = e["name"]
        data = ", ".join(f"{s}: data/{name}.{s}.jsonl.gz" for s in SPLITS)
        lines.append(f"  - name: {name}\n")
        for field in ("kind", "category", "metric"):
            lines.append(f"    {field}: {e[field]}\n")
        lines.append(f"    description: {json.dumps(' '.join(e['description'].split()))}\n")
        lines.append(f"    instruction: {json.dumps(e['instruction'])}\n")
        lines.append(f"    data: {{{data}}}\n")
        lines.append("    fields: {text: text, label: label}\n")
    return "".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cache", type=Path, default=Path.cwd() / ".build_cache" / "en_many")
    ap.add_argument("--out", type=Path, default=HERE / "data")
    args = ap.parse_args()
    for name, s in build(args.cache, args.out).items():
        print(f"{name:22s} " + " ".join(f"{k}={v}" for k, v in s.items()))


if __name__ == "__main__":
    main()
