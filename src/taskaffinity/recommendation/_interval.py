"""A value measured once per seed, with its mean and 95% Student-t interval over seeds."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from taskaffinity.analysis import t_interval

__all__ = ["Interval", "over_seeds"]


def _num(x: Any) -> float | None:
    return float(x) if x is not None and np.isfinite(x) else None


@dataclass(frozen=True)
class Interval:
    """``mean`` over ``seeds`` values and the 95% Student-t interval ``[low, high]``
    (None with fewer than two seeds)."""

    mean: float | None
    low: float | None
    high: float | None
    seeds: int

    @property
    def settled(self) -> int | None:
        """+1 when the interval lies above 0, -1 below, 0 when it includes 0, None
        without an interval."""
        if self.low is None or self.high is None:
            return None
        return 1 if self.low > 0 else -1 if self.high < 0 else 0

    def to_dict(self) -> dict[str, Any]:
        return {"mean": self.mean, "low": self.low, "high": self.high, "seeds": self.seeds}

    def text(self, spec: str = "+.3f") -> str:
        """``+0.012 [-0.004, +0.028]``; the mean alone without an interval; ``–`` without
        a value."""
        if self.mean is None or not math.isfinite(self.mean):
            return "–"
        if self.low is None or self.high is None:
            return format(self.mean, spec)
        return f"{self.mean:{spec}} [{self.low:{spec}}, {self.high:{spec}}]"


def over_seeds(values: np.ndarray) -> Interval:
    """The :class:`Interval` of ``values`` (shape ``(n_seeds,)``, NaN = seed missing)."""
    mean, low, high, n = t_interval(np.asarray(values, dtype=float))
    return Interval(_num(mean), _num(low), _num(high), int(n))
