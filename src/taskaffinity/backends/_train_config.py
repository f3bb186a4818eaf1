"""``TrainConfig``: the training hyperparameters every backend shares (peft-style dataclass).

Every field is an :func:`~taskaffinity._fields.option`: its help text in
``metadata["help"]``, its constraint checked in ``__post_init__`` (an
:class:`~taskaffinity.errors.InputError` naming the field). ``to_dict()`` is the JSON-able
form stored in a :class:`~taskaffinity.types.RunSpec`; the execution-only fields
``device``, ``threads``, ``artifacts_dir``, ``micro_batch`` and ``oom_retry``
(:attr:`TrainConfig.EXECUTION_FIELDS`) are left out of it (they must not change results,
so they are not part of a run's identity), and so are the options of
:attr:`TrainConfig.KEYED_WHEN_SET` (``schedule``, ``grad_accum``, ``ema``, ``checkpoint``;
backends add theirs) while they hold their defaults, so a new option leaves every stored
run's key as it was. The backend configs (``ScratchConfig``,
``EncoderConfig``, ``LoraConfig``) extend it in their backends' folders.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar

from taskaffinity._fields import check_fields, help_texts, option
from taskaffinity.errors import InputError, did_you_mean

__all__ = ["TrainConfig"]


@dataclass
class TrainConfig:
    """Training hyperparameters shared by every backend (same for single and joint runs).

    Training length: ``epochs`` passes over the *union* of the run's training sets, so a
    pair run takes about twice the optimizer steps of a single run (each task still sees
    about ``epochs`` passes over its own data); ``min_steps`` lifts tiny runs,
    ``max_steps`` caps large ones.
    """

    EXECUTION_FIELDS: ClassVar[tuple[str, ...]] = (
        "device",
        "threads",
        "artifacts_dir",
        "micro_batch",
        "oom_retry",
    )
    KEYED_WHEN_SET: ClassVar[tuple[str, ...]] = ("schedule", "grad_accum", "ema", "checkpoint")

    epochs: float = option(
        4.0, "passes over the union of the run's training sets", kind=float, gt=0
    )
    min_steps: int = option(0, "lower bound on optimizer steps (helps tiny tasks)", kind=int, ge=0)
    max_steps: int | None = option(
        None, "upper bound on optimizer steps (None: no cap)", kind=int, gt=0, nullable=True
    )
    batch_size: int = option(
        32,
        "examples per batch (one task per optimizer step); 'auto': this default with oom_retry on",
        kind=int,
        gt=0,
    )
    grad_accum: int = option(
        1,
        "batches whose gradients are summed (averaged) into one optimizer step; all of one "
        "task, so a step sees batch_size * grad_accum examples",
        kind=int,
        gt=0,
    )
    lr: float = option(
        1e-3, "peak AdamW learning rate of the trained body and the heads", kind=float, gt=0
    )
    weight_decay: float = option(0.01, "AdamW weight decay", kind=float, ge=0)
    warmup: float = option(
        0.1, "fraction of steps of linear warm-up, then linear decay to 0", kind=float, ge=0, lt=1
    )
    schedule: str = option(
        "linear",
        "learning-rate decay after the warm-up: 'linear' to 0 or 'cosine' to 0",
        kind=str,
        choices=("linear", "cosine"),
    )
    ema: float = option(
        0.0,
        "decay of an exponential moving average of the trained weights, which dev and test "
        "are scored with (0: off, the last weights); warmed up as min(d, (1+t)/(10+t)), so "
        "a run of a few hundred steps averages about its last tenth",
        kind=float,
        ge=0,
        lt=1,
    )
    temperature: float = option(
        1.0, "task sampling p_i ~ n_i^(1/T); 1 = examples-proportional", kind=float, gt=0
    )
    eval_every: int | None = option(
        None,
        "dev evaluation period in steps (None: once per epoch)",
        kind=int,
        gt=0,
        nullable=True,
    )
    checkpoint: str = option(
        "best_dev",
        "weights each task is tested with: 'best_dev' (per task, the dev evaluation with "
        "its best main score, every eval_every steps) or 'last' (the weights after the "
        "last step; dev is scored once, at the end)",
        kind=str,
        choices=("best_dev", "last"),
    )
    eval_batch_size: int = option(256, "batch size for dev/test inference", kind=int, gt=0)
    dropout: float = option(0.1, "dropout probability in the shared body", kind=float, ge=0, lt=1)
    random_streams: str = option(
        "per_run",
        "'per_run': one stream per run (default, which keeps stored runs' keys); 'per_task': "
        "each task's batch order from its own (seed, task) stream, the same in its single and "
        "joint runs (paired design; the demo's, it reproduced better on zh_classical, "
        "benchmarks/reliability.py), dropout seeded per run; 'per_task_shared_torch': paired "
        "batch streams, dropout as in per_run",
        kind=str,
        choices=("per_run", "per_task", "per_task_shared_torch"),
    )
    device: str = option(
        "cpu",
        "torch device, e.g. 'cpu', 'cuda', 'cuda:1', 'mps'",
        kind=str,
        nonempty=True,
        message="must be a device string, got {value!r}",
    )
    threads: int | None = option(
        None,
        "torch intra-op threads (None: leave torch's default)",
        kind=int,
        gt=0,
        nullable=True,
    )
    micro_batch: int | None = option(
        None,
        "examples per forward and backward pass (None: batch_size); a batch is cut into "
        "pieces of this size whose gradients are summed, so a step draws the same examples "
        "and follows the same mean loss with less memory; not part of the run identity",
        kind=int,
        gt=0,
        nullable=True,
    )
    oom_retry: bool = option(
        False,
        "on running out of memory, train the run again with half the micro-batch, down to "
        "1 (same examples per step, same run key); off: the run fails with a message "
        "saying what to lower",
        kind=bool,
    )
    artifacts_dir: str | None = option(
        None,
        "folder a run may write the files it keeps into (a study sets its own folder; "
        "None: none are written)",
        kind=str,
        nonempty=True,
        nullable=True,
        message="must be a folder path or null, got {value!r}",
    )

    def __post_init__(self) -> None:
        """Raise InputError on the first field breaking its declared constraint; subclasses
        call it first, then check their cross-field rules. ``batch_size: auto`` becomes
        the class's default batch size with ``oom_retry`` on."""
        if self.batch_size == "auto":
            default = {f.name: f.default for f in dataclasses.fields(self)}["batch_size"]
            self.batch_size, self.oom_retry = default, True
        check_fields(self)

    def to_dict(self) -> dict[str, Any]:
        """Hyperparameters as a JSON-able dict, without the execution fields and without
        the :attr:`KEYED_WHEN_SET` options at their defaults."""
        d = dataclasses.asdict(self)
        for name in self.EXECUTION_FIELDS:
            d.pop(name, None)
        defaults = {f.name: f.default for f in dataclasses.fields(self)}
        for name in self.KEYED_WHEN_SET:
            if name in d and d[name] == defaults[name]:
                del d[name]
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> TrainConfig:
        """Build from a (YAML) mapping; unknown keys raise InputError naming the key."""
        data = dict(data or {})
        known = {f.name for f in dataclasses.fields(cls)}
        for key in data:
            if key not in known:
                raise InputError(
                    f"unknown backend option{did_you_mean(key, known)}; known options: "
                    f"{sorted(known)}",
                    field=key,
                )
        return cls(**data)

    @classmethod
    def help(cls) -> dict[str, str]:
        """``{field: help text}`` for docs and the CLI."""
        return help_texts(cls)
