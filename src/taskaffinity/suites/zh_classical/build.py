"""Rebuild the zh_classical data from the upstream packages.

Usage (from the repository root; ``.build_cache`` is git-ignored)::

    mkdir -p .build_cache && cd .build_cache && npm pack chinese-poetry@2.0.1
    mkdir chinese-poetry && tar xzf chinese-poetry-2.0.1.tgz -C chinese-poetry && cd ..
    pip install zhconv
    python -m taskaffinity.suites.zh_classical.build --source .build_cache/chinese-poetry

(``--source`` may also be the unpacked ``package`` folder itself) writes
``<task>.<split>.jsonl.gz`` for the six tasks of ``suite.yaml`` into ``--out`` (default:
the package's ``data/`` folder) and prints their sizes. The output is a pure function of
the upstream files and ``SEED`` (gzip headers carry no time stamp).
Classification lines are ``{"text", "label"}``; tagging lines are ``{"tokens", "tags"}``
with ``tokens`` a string (one token per character) and ``tags`` a list of equal length.

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
from taskaffinity.suites.zh_classical._tasks import (
    BUILDERS,
    DEV,
    POETS,
    SEED,
    TEST,
    TRAIN,
    TUNES,
    ci_tune,
    dynasty,
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
    "dynasty",
    "fill",
    "main",
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


def build(source: Path, out: Path = DATA) -> dict[str, dict[str, int]]:
    """Build every task into ``out``; returns ``{task: {split: n_examples}}``."""
    out.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    sizes: dict[str, dict[str, int]] = {}
    for name, fn in BUILDERS.items():
        splits = fn(source, used)
        sizes[name] = {s: len(splits[s]) for s in SPLITS}
        for s in SPLITS:
            _write(out / f"{name}.{s}.jsonl.gz", splits[s])
        labels = Counter(r.get("label", "") for r in splits["train"])
        print(name, sizes[name], dict(labels.most_common(10)) if "" not in labels else "")
    return sizes


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--source", type=Path, required=True, help="unpacked chinese-poetry npm package"
    )
    ap.add_argument("--out", type=Path, default=DATA, help="output folder (default: package data)")
    args = ap.parse_args(argv)
    build(args.source, args.out)


if __name__ == "__main__":
    main()
