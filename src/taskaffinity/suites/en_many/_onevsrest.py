"""Splits and one-vs-rest samples of the ``en_many`` build.

:func:`split_units` puts every gloss in one split shared by all tasks, per lexicographer
file; :func:`negative_quota` spreads a task's negatives over the other files of its part
of speech, more to the confusable ones; :func:`one_vs_rest` draws a balanced sample."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Mapping, Sequence

from taskaffinity.suites.en_many._lexicon import Unit
from taskaffinity.suites.en_text._text import rank

__all__ = ["OTHER_SHARES", "negative_quota", "one_vs_rest", "split_units"]

OTHER_SHARES = {"test": 0.5, "dev": 0.2}
"""Shares of a file that is no task's positive class (the rest goes to train)."""


def split_units(
    units: Sequence[Unit], targets: Sequence[str], sizes: Mapping[str, int]
) -> dict[str, str]:
    """Unit key -> ``"train"``, ``"dev"`` or ``"test"``, one split per gloss for every task.

    Per lexicographer file, the units in :func:`rank` order of their keys: a target file
    (a one-vs-rest task's positive class) gives its first ``sizes["test"] // 2`` units to
    test, the next ``sizes["dev"] // 2`` to dev and the rest (at least
    ``sizes["train"] // 2``) to train, so each split holds its positives and no more; any
    other file gives the first :data:`OTHER_SHARES` of its units to test and dev and the
    rest to train. Raises ValueError naming a target file that is too small.
    """
    by_lex: dict[str, list[Unit]] = defaultdict(list)
    for u in units:
        by_lex[u.lex].append(u)
    out: dict[str, str] = {}
    for lex, members in sorted(by_lex.items()):
        ordered = sorted(members, key=lambda u: rank(u.key))
        if lex in targets:
            n_test, n_dev = sizes["test"] // 2, sizes["dev"] // 2
            if len(ordered) - n_test - n_dev < sizes["train"] // 2:
                raise ValueError(f"{lex!r} has {len(ordered)} glosses, too few for {dict(sizes)}")
        else:
            n_test = math.floor(OTHER_SHARES["test"] * len(ordered))
            n_dev = math.floor(OTHER_SHARES["dev"] * len(ordered))
        for i, u in enumerate(ordered):
            out[u.key] = "test" if i < n_test else "dev" if i < n_test + n_dev else "train"
    return out


def negative_quota(
    target: str, n: int, available: Mapping[str, int], overlap: Mapping[tuple[str, str], int]
) -> dict[str, int]:
    """How many of ``n`` negatives of ``target`` come from each file of ``available``
    (``{file: units there}``, the other files of the target's part of speech).

    Each file's weight is half an even share and half its share of the word forms it
    shares with ``target`` (``overlap``, see :func:`~._lexicon.lemma_overlap`); counts
    follow the weights by largest remainder, capped at what a file has, the excess going
    to the others by weight. Raises ValueError when all files together have fewer than
    ``n``."""
    files = sorted(available)
    if sum(available.values()) < n:
        raise ValueError(f"{target!r}: {n} negatives wanted, {sum(available.values())} exist")
    shared = {f: overlap.get((min(target, f), max(target, f)), 0) for f in files}
    total = sum(shared.values())
    weight = {
        f: 0.5 / len(files) + (0.5 * shared[f] / total if total else 0.5 / len(files))
        for f in files
    }
    quota = dict.fromkeys(files, 0)
    while (left := n - sum(quota.values())) > 0:
        open_ = [f for f in files if quota[f] < available[f]]
        mass = sum(weight[f] for f in open_)
        want = {f: left * weight[f] / mass for f in open_}
        floor = {f: min(math.floor(want[f]), available[f] - quota[f]) for f in open_}
        short = left - sum(floor.values())
        by_remainder = sorted(open_, key=lambda f: (-(want[f] - math.floor(want[f])), f))
        for f in by_remainder:
            if short and floor[f] < available[f] - quota[f]:
                floor[f] += 1
                short -= 1
        for f in open_:
            quota[f] += floor[f]
    return quota


def one_vs_rest(
    target: str,
    pool: Mapping[str, Sequence[Unit]],
    n: int,
    overlap: Mapping[tuple[str, str], int],
    rng: random.Random,
) -> list[dict[str, str]]:
    """A balanced sample of ``n`` records ``{"text", "label"}``: ``n // 2`` glosses of
    ``target`` labelled ``yes`` and ``n - n // 2`` of the other files of its part of
    speech labelled ``no`` (``pool``: a split's units by file, each in text order), drawn
    per file by :func:`negative_quota`; shuffled by ``rng``."""
    pos = target.split(".")[0]
    positives = rng.sample(list(pool[target]), n // 2)
    others = {f: len(us) for f, us in pool.items() if f != target and f.split(".")[0] == pos}
    quota = negative_quota(target, n - n // 2, others, overlap)
    negatives = [u for f in sorted(quota) for u in rng.sample(list(pool[f]), quota[f])]
    records = [{"text": u.text, "label": "yes"} for u in positives]
    records += [{"text": u.text, "label": "no"} for u in negatives]
    rng.shuffle(records)
    return records
