"""Deterministic, leak-free splits for the zh-classical build.

Each candidate example belongs to a *group* (its source poem or passage). A group's split
is fixed by a salted SHA-256 of its key (8:1:1), so all pieces of one poem land in the same
split. Texts are deduplicated across splits, and a group or text used by one task is never
used by another (no poem is in one task's train and another task's test).
"""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict
from dataclasses import dataclass

__all__ = ["SPLITS", "Candidate", "assemble", "split_of"]

SPLITS = ("train", "dev", "test")


@dataclass(frozen=True)
class Candidate:
    """``record`` is the JSON line; ``stratum`` selects its quota (label or source kind)."""

    group: str
    record: dict
    stratum: str = ""

    @property
    def key(self) -> str:
        r = self.record
        return r["text"] if "text" in r else r["tokens"]


def split_of(group: str, seed: int) -> str:
    """train (8/10), dev (1/10) or test (1/10), a pure function of ``group`` and ``seed``."""
    h = int(hashlib.sha256(f"{seed}:{group}".encode()).hexdigest()[:8], 16) % 10
    return "train" if h < 8 else ("dev" if h == 8 else "test")


def assemble(
    cands: list[Candidate],
    quota: dict[str, dict[str, int]] | None,
    *,
    seed: int,
    used: set[str],
) -> dict[str, list[dict]]:
    """Split and sample ``cands``.

    ``quota[stratum][split]`` is the number of examples to draw (all when ``quota`` is
    None or a stratum has fewer). ``used`` (groups and texts of earlier tasks) is read and
    updated. Returns ``{split: [record, ...]}``, shuffled with ``seed``.
    """
    seen: set[str] = set()
    pools: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
    for c in cands:
        if c.key in seen or c.key in used or c.group in used:
            continue
        seen.add(c.key)
        pools[(split_of(c.group, seed), c.stratum)].append(c)
    out: dict[str, list[dict]] = {s: [] for s in SPLITS}
    chosen: list[Candidate] = []
    for (split, stratum), pool in sorted(pools.items()):
        rng = random.Random(f"{seed}:{split}:{stratum}")
        rng.shuffle(pool)
        n = len(pool) if quota is None else quota.get(stratum, {}).get(split, 0)
        chosen.extend(pool[:n])
        out[split].extend(c.record for c in pool[:n])
    for split in SPLITS:
        random.Random(f"{seed}:{split}").shuffle(out[split])
    used.update(c.group for c in chosen)
    used.update(c.key for c in chosen)
    return out
