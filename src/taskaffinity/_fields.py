"""Fields of config dataclasses that carry their help text and their constraint (as data).

``option(default, help, **constraint)`` declares a dataclass field whose
``metadata["help"]`` is the help text and ``metadata["constraint"]`` a :class:`Constraint`;
``check_fields(obj)``, called from ``__post_init__``, raises
:class:`~taskaffinity.errors.InputError` on the first field (in declaration order) whose
value breaks its constraint, naming the field::

    @dataclass
    class Config:
        lr: float = option(1e-3, "peak learning rate", kind=float, gt=0)
        pooling: str = option("mean", "'mean' or 'cls'", choices=("mean", "cls"))

        def __post_init__(self) -> None:
            check_fields(self)

``Config(lr=0)`` raises ``InputError("must be a positive number, got 0", field="lr")``.
Cross-field rules (one value against another) stay in ``__post_init__`` after the call.
"""

from __future__ import annotations

import dataclasses
import math
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from taskaffinity.errors import InputError

__all__ = ["Constraint", "check_fields", "help_texts", "option"]


@dataclass(frozen=True)
class Constraint:
    """What a field's value must be.

    * ``kind``: ``int`` (an integer), ``float`` (any real number, int or float), ``bool``,
      ``str``, ``dict``, ``list``, or ``None`` (any type). A ``bool`` is never a number,
      and a number is finite (NaN and infinities break every number constraint).
    * ``gt``, ``ge``, ``lt``, ``le``: bounds of a number;
    * ``choices``: the allowed values;
    * ``nonempty``: a string (or container) must not be empty;
    * ``nullable``: ``None`` is allowed as well;
    * ``message``: the error text, ``{value!r}`` standing for the bad value (default: built
      from the constraint, e.g. ``"must be a positive integer or null, got 0"``).
    """

    kind: type | None = None
    gt: float | None = None
    ge: float | None = None
    lt: float | None = None
    le: float | None = None
    choices: tuple[Any, ...] | None = None
    nonempty: bool = False
    nullable: bool = False
    message: str | None = None

    def allows(self, value: Any) -> bool:
        """Whether ``value`` satisfies the constraint."""
        if value is None and self.nullable:
            return True
        if self.kind is not None and not _is_kind(value, self.kind):
            return False
        if self.kind in (int, float) and not _finite(value):
            return False
        if self.choices is not None and value not in self.choices:
            return False
        if self.nonempty and not value:
            return False
        bounds = (
            (self.gt, operator.gt),
            (self.ge, operator.ge),
            (self.lt, operator.lt),
            (self.le, operator.le),
        )  # NaN satisfies no bound
        return all(bound is None or holds(value, bound) for bound, holds in bounds)

    def describe(self) -> str:
        """What the value must be, e.g. ``"a positive integer or null"``, ``"in [0, 1)"``."""
        if self.choices is not None:
            names = [repr(c) for c in self.choices]
            text = " or ".join(names) if len(names) <= 2 else "one of " + ", ".join(names)
        elif self.kind in (int, float):
            text = self._describe_number()
        elif self.kind is bool:
            text = "true or false"
        else:
            noun = {str: "string", dict: "mapping", list: "list"}.get(self.kind, "value")
            text = ("a non-empty " if self.nonempty else "a ") + noun
        return text + (" or null" if self.nullable else "")

    def _describe_number(self) -> str:
        lower = [(op, b) for op, b in ((">", self.gt), (">=", self.ge)) if b is not None]
        upper = [(op, b) for op, b in (("<", self.lt), ("<=", self.le)) if b is not None]
        if lower and upper:
            (lo_op, lo), (hi_op, hi) = lower[0], upper[0]
            left, right = "[" if lo_op == ">=" else "(", "]" if hi_op == "<=" else ")"
            return f"in {left}{_num(lo)}, {_num(hi)}{right}"
        noun = "integer" if self.kind is int else "number"
        if lower == [(">", 0)] and not upper:
            return f"a positive {noun}"
        bounds = " ".join(f"{op} {_num(b)}" for op, b in lower + upper)
        if noun == "integer":
            return f"an integer {bounds}".rstrip()
        return bounds or "a number"

    def error(self, value: Any) -> str:
        """The error message for the bad ``value``."""
        if self.message is not None:
            return self.message.format(value=value)
        if self.kind in (int, float) and isinstance(value, float) and math.isinf(value):
            return f"must be a finite number ({self.describe()}), got {value!r}"
        return f"must be {self.describe()}, got {value!r}"


def _is_kind(value: Any, kind: type) -> bool:
    if isinstance(value, bool):
        return kind is bool
    if kind is float:
        return isinstance(value, int | float)
    return isinstance(value, kind)


def _finite(value: int | float) -> bool:
    return isinstance(value, int) or math.isfinite(value)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def option(
    default: Any = dataclasses.MISSING,
    help: str = "",
    *,
    default_factory: Callable[[], Any] | Any = dataclasses.MISSING,
    kind: type | None = None,
    gt: float | None = None,
    ge: float | None = None,
    lt: float | None = None,
    le: float | None = None,
    choices: tuple[Any, ...] | None = None,
    nonempty: bool = False,
    nullable: bool = False,
    message: str | None = None,
) -> Any:
    """A dataclass field with ``metadata["help"] = help`` and, when any constraint argument
    is given, ``metadata["constraint"]`` (see :class:`Constraint`; checked by
    :func:`check_fields`); ``default_factory`` as in :func:`dataclasses.field`."""
    metadata: dict[str, Any] = {"help": help}
    constraint = Constraint(kind, gt, ge, lt, le, choices, nonempty, nullable, message)
    if constraint != Constraint(message=message):
        metadata["constraint"] = constraint
    return dataclasses.field(default=default, default_factory=default_factory, metadata=metadata)


def check_fields(obj: Any, prefix: str = "") -> None:
    """Raise :class:`InputError` (``field = prefix + name``) on the first field of the
    dataclass instance ``obj`` whose value breaks its declared constraint."""
    for f in dataclasses.fields(obj):
        constraint = f.metadata.get("constraint")
        if constraint is None:
            continue
        value = getattr(obj, f.name)
        if not constraint.allows(value):
            raise InputError(constraint.error(value), field=prefix + f.name)


def help_texts(cls: Any) -> dict[str, str]:
    """``{field: help text}`` of the dataclass ``cls`` (for docs and the CLI)."""
    return {f.name: f.metadata.get("help", "") for f in dataclasses.fields(cls)}
