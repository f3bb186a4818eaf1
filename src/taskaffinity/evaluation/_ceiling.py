"""The ceiling an estimator is read against: how well the measured truth agrees with
itself.

An estimator is scored against gain rates measured with training noise. Their split-half
Spearman (:attr:`taskaffinity.analysis.Reliability.split_half_spearman`: the mean gain
rates of the even-position seeds against those of the odd-position seeds) says how well
one noisy measurement of the grid ranks the pairs as another does. An estimator's *share
of the ceiling* is its Spearman divided by that figure: 1.0 means it ranks the measured
gain rates as well as half of the seeds ranks the other half. The full truth averages
every seed and is steadier than either half, so a share above 1 is possible; it is a
reference, not a bound. With one seed, or a split-half Spearman that is undefined or not
positive, no share is given and :attr:`Ceiling.statement` says why.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from taskaffinity.analysis import Analysis

__all__ = ["Ceiling"]


def _seeds(half: Sequence[Any]) -> str:
    return ", ".join(str(s) for s in half)


@dataclass(frozen=True)
class Ceiling:
    """The truth's split-half Spearman (``spearman``; None below 2 seeds or when
    undefined), its number of seeds and the seeds of the two halves (``halves``: ``()``
    below 2 seeds)."""

    spearman: float | None
    seeds: int
    halves: tuple[tuple[Any, ...], ...] = ()

    @classmethod
    def from_analysis(cls, analysis: Analysis) -> Ceiling:
        """The ceiling of the truth analysed by :func:`taskaffinity.analysis.analyze` (a
        table without per-seed scores counts as one seed)."""
        rel = analysis.reliability
        seeds = max(1, len(analysis.seed_list))
        return cls(rel.split_half_spearman, seeds, tuple(rel.halves))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Ceiling | None:
        """The reverse of :meth:`to_dict` (None for None)."""
        if data is None:
            return None
        halves = tuple(tuple(h) for h in data.get("halves") or ())
        return cls(data.get("split_half_spearman"), int(data.get("seeds", 0)), halves)

    def to_dict(self) -> dict[str, Any]:
        """``split_half_spearman``, ``seeds``, ``halves`` (``[[A], [B]]`` or None),
        ``statement``."""
        return {
            "split_half_spearman": self.spearman,
            "seeds": self.seeds,
            "halves": [list(h) for h in self.halves] if self.halves else None,
            "statement": self.statement,
        }

    @property
    def usable(self) -> bool:
        """Whether a share of the ceiling can be given (a positive split-half Spearman)."""
        return self.spearman is not None and math.isfinite(self.spearman) and self.spearman > 0

    def share(self, spearman: float | None) -> float | None:
        """``spearman / split-half Spearman``; None when either is unknown or the ceiling is
        not positive."""
        if not self.usable or spearman is None or not math.isfinite(spearman):
            return None
        assert self.spearman is not None
        return spearman / self.spearman

    @property
    def label(self) -> str:
        """Name of the ceiling row in a comparison table."""
        return "ceiling (truth split-half)"

    def _halves(self) -> str:
        if len(self.halves) != 2:
            return ""
        return f" (seeds {_seeds(self.halves[0])} vs {_seeds(self.halves[1])})"

    @property
    def statement(self) -> str:
        """One plain sentence on what the ceiling is, or why there is none."""
        if self.seeds < 2:
            return (
                "Ceiling unknown: the truth has one seed, so how well it agrees with itself "
                "(split-half Spearman) cannot be measured and no estimator's share of it is "
                "given; train two seeds or more."
            )
        if self.spearman is None or not math.isfinite(self.spearman):
            return (
                "Ceiling unknown: the truth's split-half Spearman is undefined (too few "
                "cells, or a half is constant), so no estimator's share of it is given."
            )
        halves = self._halves()
        if self.spearman <= 0:
            return (
                f"Ceiling not positive: the truth's two halves{halves} agree at "
                f"split-half Spearman {self.spearman:.2f}, so the measured gain rates do not "
                "rank the pairs reproducibly and no estimator's share of it is given."
            )
        return (
            f"Ceiling: the truth's two halves{halves} agree at split-half "
            f"Spearman {self.spearman:.2f}; an estimator's share of the ceiling is its "
            "Spearman divided by that (1.0: it ranks the measured gain rates as well as half "
            "of the seeds ranks the other half; the full truth averages every seed, so more "
            "than 1.0 is possible)."
        )
