"""``TrainConfig``: the training hyperparameters every backend shares (peft-style dataclass).

``_f(default, help)`` declares a field with its help text in ``metadata["help"]``; the
backend-specific subclasses in :mod:`taskaffinity.backends._backend_configs` use it too.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar

from taskaffinity.errors import InputError

__all__ = ["TrainConfig"]


def _f(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass
class TrainConfig:
    """Training hyperparameters shared by every backend (same for single and joint runs).

    Training length: ``epochs`` passes over the *union* of the run's training sets, so a
    pair run takes about twice the optimizer steps of a single run (each task still sees
    about ``epochs`` passes over its own data); ``min_steps`` lifts tiny runs,
    ``max_steps`` caps large ones.
    """

    EXECUTION_FIELDS: ClassVar[tuple[str, ...]] = ("device", "threads")

    epochs: float = _f(4.0, "passes over the union of the run's training sets")
    min_steps: int = _f(0, "lower bound on optimizer steps (helps tiny tasks)")
    max_steps: int | None = _f(None, "upper bound on optimizer steps (None: no cap)")
    batch_size: int = _f(32, "examples per optimizer step (one task per step)")
    lr: float = _f(1e-3, "peak AdamW learning rate of the trained body and the heads")
    weight_decay: float = _f(0.01, "AdamW weight decay")
    warmup: float = _f(0.1, "fraction of steps of linear warm-up, then linear decay to 0")
    temperature: float = _f(1.0, "task sampling p_i ~ n_i^(1/T); 1 = examples-proportional")
    eval_every: int | None = _f(None, "dev evaluation period in steps (None: once per epoch)")
    eval_batch_size: int = _f(256, "batch size for dev/test inference")
    dropout: float = _f(0.1, "dropout probability in the shared body")
    device: str = _f("cpu", "torch device, e.g. 'cpu', 'cuda', 'cuda:1', 'mps'")
    threads: int | None = _f(None, "torch intra-op threads (None: leave torch's default)")

    def __post_init__(self) -> None:
        positive = ("epochs", "batch_size", "lr", "temperature", "eval_batch_size")
        for name in positive:
            v = getattr(self, name)
            if not isinstance(v, int | float) or isinstance(v, bool) or v <= 0:
                raise InputError(f"must be a positive number, got {v!r}", field=name)
        self._positive_ints("max_steps", "eval_every", "threads", nullable=True)
        if not isinstance(self.min_steps, int) or self.min_steps < 0:
            raise InputError(f"must be an integer >= 0, got {self.min_steps!r}", field="min_steps")
        for name in ("warmup", "dropout"):
            v = getattr(self, name)
            if not isinstance(v, int | float) or not 0 <= v < 1:
                raise InputError(f"must be in [0, 1), got {v!r}", field=name)
        if not isinstance(self.weight_decay, int | float) or self.weight_decay < 0:
            raise InputError(f"must be >= 0, got {self.weight_decay!r}", field="weight_decay")
        if not isinstance(self.device, str) or not self.device:
            raise InputError(f"must be a device string, got {self.device!r}", field="device")

    def _positive_ints(self, *names: str, nullable: bool = False) -> None:
        """Raise InputError on the first field of ``names`` that is not a positive integer
        (``None`` allowed when ``nullable``); subclasses call it for their own fields."""
        for name in names:
            v = getattr(self, name)
            if nullable and v is None:
                continue
            if not isinstance(v, int) or isinstance(v, bool) or v <= 0:
                what = "a positive integer or null" if nullable else "a positive integer"
                raise InputError(f"must be {what}, got {v!r}", field=name)

    def to_dict(self) -> dict[str, Any]:
        """Hyperparameters as a JSON-able dict, without ``device`` and ``threads``."""
        d = dataclasses.asdict(self)
        for name in self.EXECUTION_FIELDS:
            d.pop(name, None)
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> TrainConfig:
        """Build from a (YAML) mapping; unknown keys raise InputError naming the key."""
        data = dict(data or {})
        known = {f.name for f in dataclasses.fields(cls)}
        for key in data:
            if key not in known:
                raise InputError(
                    f"unknown backend option; known options: {sorted(known)}", field=key
                )
        return cls(**data)

    @classmethod
    def help(cls) -> dict[str, str]:
        """``{field: help text}`` for docs and the CLI."""
        return {f.name: f.metadata.get("help", "") for f in dataclasses.fields(cls)}
