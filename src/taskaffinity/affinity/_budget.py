"""What an estimation may spend: ``Budget``, ``BudgetExceeded`` and cost fractions.

``cost_fraction`` compares an estimator's cost with the brute-force singles+pairs grid in
training-step equivalents; ``seconds_fraction`` gives the wall-clock ratio.
"""

from __future__ import annotations

from dataclasses import dataclass

from taskaffinity.errors import InputError, TaskAffinityError
from taskaffinity.types import Cost

__all__ = ["Budget", "BudgetExceeded", "cost_fraction", "seconds_fraction", "step_cap"]


class BudgetExceeded(TaskAffinityError):
    """An estimator would spend more than its :class:`Budget` allows."""


@dataclass(frozen=True)
class Budget:
    """What one estimation may spend, for one seed.

    * ``seed``: the seed of every training run the estimator starts;
    * ``max_steps``: cap on training steps, summed over the estimator's training runs
      (None: the backend's own training length). Probe estimators count their probes'
      work in step equivalents and cut their joint run so that the total fits; PVI gives
      every one of its ``2 x n_tasks`` runs an equal share;
    * ``max_seconds``: wall-clock cap; checked between training runs, a run is never cut,
      so the estimator raises :class:`BudgetExceeded` when the cap is already spent;
    * ``reference``: cost of the brute-force singles+pairs grid for one seed (from a
      study), the denominator of ``AffinityMatrix.cost_fraction``.

    Cost fraction = estimator steps / grid steps (training-step equivalents: optimizer
    steps plus probe work, see :mod:`taskaffinity.affinity._probe`), the same unit on
    both sides, deterministic and independent of caches (a frozen encoder's features
    are computed once per process, which makes wall seconds depend on what ran before);
    wall seconds when either side has no steps. ``seconds_fraction`` gives the wall ratio.
    """

    seed: int = 0
    max_steps: int | None = None
    max_seconds: float | None = None
    reference: Cost | None = None

    def __post_init__(self) -> None:
        if self.max_steps is not None and self.max_steps <= 0:
            raise InputError(f"must be positive, got {self.max_steps}", field="max_steps")
        if self.max_seconds is not None and self.max_seconds <= 0:
            raise InputError(f"must be positive, got {self.max_seconds}", field="max_seconds")

    def check_time(self, spent: Cost) -> None:
        """Raise :class:`BudgetExceeded` when ``spent.seconds`` already exceeds the cap."""
        if self.max_seconds is not None and spent.seconds > self.max_seconds:
            raise BudgetExceeded(f"spent {spent.seconds:.1f}s of a {self.max_seconds:.1f}s budget")


def cost_fraction(cost: Cost, reference: Cost | None) -> float | None:
    """``cost / reference`` in steps (wall seconds when steps are missing); None if unknown."""
    if reference is None:
        return None
    if cost.steps > 0 and reference.steps > 0:
        return cost.steps / reference.steps
    if reference.seconds > 0:
        return cost.seconds / reference.seconds
    return None


def seconds_fraction(cost: Cost, reference: Cost | None) -> float | None:
    """``cost.seconds / reference.seconds``; None if unknown."""
    if reference is None or reference.seconds <= 0:
        return None
    return cost.seconds / reference.seconds


def step_cap(max_steps: int | None, fraction: float | None, grid: Cost | None) -> int | None:
    """The step cap of an estimation: ``max_steps``, or ``fraction`` of the singles+pairs
    grid's steps (at least 1), whichever is smaller; None when neither is given.

    Raises :class:`InputError` (field ``budget``) when a fraction is given but no grid
    cost is known (a config rather than a study, or a study without singles and pairs)."""
    if fraction is None:
        return max_steps
    if grid is None or grid.steps <= 0:
        raise InputError("--budget needs a study with measured singles and pairs", field="budget")
    cap = max(1, int(fraction * grid.steps))
    return cap if max_steps is None else min(cap, max_steps)
