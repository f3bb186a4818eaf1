"""Deterministic, leak-free splits for the zh_classical build.

Each candidate example belongs to a *group* (its source poem or passage) and a *stratum*
(its label, or its source kind). Within a stratum the groups are ordered by a SHA-256 of
their key salted with the seed and the task's name (so that a task's first groups are not
the ones an earlier task passed over: unsalted, a task drawing from the poems left by
another would get a biased sample); the first groups go to test, the next to dev, the
next to train, so
all pieces of one poem land in the same split and a split is a pure function of the
upstream text. How many examples each stratum gives to each split is fixed first
(:func:`counts`): train is filled to its size before the held-out splits, so a short
stratum shortens dev and test, never train. Texts are deduplicated, and a group or text
used by one task is never used by another (no poem is in one task's train and another
task's test).
"""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict
from dataclasses import dataclass

__all__ = ["SPLITS", "Candidate", "Quota", "assemble", "counts", "fill", "rank"]

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


@dataclass(frozen=True)
class Quota:
    """Examples per split, shared out over the strata by ``weights``.

    ``weights``: stratum -> weight (None: equal, i.e. class-balanced; a stratum not named
    gets 0), or ``"proportional"`` (to each stratum's size, i.e. stratified). ``train=None``
    puts every example left after dev and test into train.
    """

    train: int | None
    dev: int
    test: int
    weights: dict[str, float] | str | None = None


def rank(group: str, seed: int, task: str) -> str:
    """The sort key of ``group`` within its stratum (salted SHA-256, hex)."""
    return hashlib.sha256(f"{seed}:{task}:{group}".encode()).hexdigest()


def fill(avail: dict[str, int], n: int, weights: dict[str, float]) -> dict[str, int]:
    """Share ``n`` over the strata in proportion to ``weights``, at most ``avail[s]`` each.

    Water-filling: a stratum that runs short gives its unfilled share to the others (in
    proportion to their weights); shares are whole numbers (largest remainder, ties by
    stratum name). The result sums to ``min(n, sum(avail))``.
    """
    out = {s: 0 for s in avail}
    left = min(n, sum(avail.values()))
    while left > 0:
        open_ = sorted(s for s in avail if out[s] < avail[s] and weights.get(s, 0) > 0)
        if not open_:
            break
        total = sum(weights[s] for s in open_)
        exact = {s: left * weights[s] / total for s in open_}
        share = {s: min(int(exact[s]), avail[s] - out[s]) for s in open_}
        if not any(share.values()):  # hand out the remainder, largest fraction first
            order = sorted(open_, key=lambda s: (-(exact[s] - int(exact[s])), s))
            for s in order[:left]:
                share[s] = 1
        for s in open_:
            out[s] += share[s]
            left -= share[s]
    return out


def counts(avail: dict[str, int], quota: Quota) -> dict[str, dict[str, int]]:
    """``{stratum: {split: n}}``: train first, then dev + test together, both shared out by
    the quota's weights; dev and test then split each stratum's held-out examples in the
    ratio ``quota.dev : quota.test`` (largest remainder, so the totals are exact)."""
    if quota.weights == "proportional":
        weights = {s: float(a) for s, a in avail.items()}
    elif quota.weights is None:
        weights = {s: 1.0 for s in avail}
    else:
        weights = dict(quota.weights)
    n_held = quota.dev + quota.test
    if quota.train is None:
        held = fill(avail, n_held, weights)
        train = {s: avail[s] - held[s] for s in avail}
    else:
        train = fill(avail, quota.train, weights)
        held = fill({s: avail[s] - train[s] for s in avail}, n_held, weights)
    dev = fill(held, round(sum(held.values()) * quota.dev / max(n_held, 1)), held)
    return {s: {"train": train[s], "dev": dev[s], "test": held[s] - dev[s]} for s in avail}


def assemble(
    cands: list[Candidate], quota: Quota, *, task: str, seed: int, used: set[str]
) -> dict[str, list[dict]]:
    """Split and sample the candidates of ``task`` to ``quota``.

    ``used`` (groups and texts of earlier tasks) is read and updated. All candidates of a
    group must share a stratum. Groups are taken in rank order (see the module
    docstring); a group with several candidates goes whole to one split, which may then
    exceed its count by less than the group's size. Returns ``{split: [record, ...]}``,
    shuffled with ``seed``.
    """
    seen: set[str] = set()
    stratum_of: dict[str, str] = {}
    groups: dict[str, dict[str, list[Candidate]]] = defaultdict(dict)
    for c in cands:
        if c.key in seen or c.key in used or c.group in used:
            continue
        if stratum_of.setdefault(c.group, c.stratum) != c.stratum:
            raise ValueError(f"group {c.group!r} spans strata (its pieces must share a split)")
        seen.add(c.key)
        groups[c.stratum].setdefault(c.group, []).append(c)
    avail = {s: sum(map(len, g.values())) for s, g in groups.items()}
    target = counts(avail, quota)
    if quota.train is None:  # every group left after dev and test
        for t in target.values():
            t["train"] = max(avail.values(), default=0)
    out: dict[str, list[dict]] = {s: [] for s in SPLITS}
    for stratum in sorted(groups):
        got = dict.fromkeys(SPLITS, 0)
        for group in sorted(groups[stratum], key=lambda g: rank(g, seed, task)):
            split = next((s for s in ("test", "dev", "train") if got[s] < target[stratum][s]), None)
            if split is None:
                break
            members = groups[stratum][group]
            got[split] += len(members)
            out[split].extend(c.record for c in members)
            used.add(group)
            used.update(c.key for c in members)
    for split in SPLITS:
        random.Random(f"{seed}:{split}").shuffle(out[split])
    return out
