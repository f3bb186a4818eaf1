"""The executor contract: what the driver needs of every executor (sequential, process
pool, Ray), as a :class:`typing.Protocol` the driver is typed against.

An executor trains the RunSpecs it is given and hands back what became of them; the
driver alone writes the store. ``wait`` returns ``(spec, outcome)`` pairs where
``outcome`` is a :class:`~taskaffinity.types.RunResult` (complete, or ``failed`` with the
error text) or a :class:`LostAttempt` (the attempt's worker died or the attempt ran past
its time limit; the executor is training the run again).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, TypeAlias, runtime_checkable

from taskaffinity.types import RunResult, RunSpec

__all__ = ["Executor", "LostAttempt", "Outcome", "timed_out"]


@dataclass(frozen=True)
class LostAttempt:
    """Attempt ``attempt`` (1-based) of ``spec`` ended because its worker died or it ran
    past its time limit (``error`` says which); the executor is training the run again."""

    spec: RunSpec
    error: str
    attempt: int


Outcome: TypeAlias = RunResult | LostAttempt
"""What :meth:`Executor.wait` reports for one run."""


def timed_out(seconds: float) -> str:
    """``timed out after 600 s``: the error text of an attempt stopped at its limit."""
    return f"timed out after {seconds:g} s"


@runtime_checkable
class Executor(Protocol):
    """Where runs are trained.

    ``slots``: runs trained at the same time (the driver keeps at most this many in
    flight). ``submit(spec, timeout)``: train ``spec``; an attempt still running
    ``timeout`` seconds after it started (None: no limit) is stopped and tried again, up to
    the executor's ``retries``, then reported failed with :func:`timed_out`'s text.
    ``wait(timeout)``: the runs finished since the last call and the attempts lost
    (blocks until there is one, or ``timeout`` seconds passed: then ``[]``).
    ``where(key)``: where run ``key`` is being trained, for people (``GPU 1``), or None.
    ``close(abort)``: stop every worker; ``abort`` kills the runs in flight."""

    slots: int

    def submit(self, spec: RunSpec, timeout: float | None = None) -> None: ...

    def wait(self, timeout: float | None = None) -> list[tuple[RunSpec, Outcome]]: ...

    def where(self, key: str) -> str | None: ...

    def close(self, abort: bool = False) -> None: ...
