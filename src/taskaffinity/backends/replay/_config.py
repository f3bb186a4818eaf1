"""The ``replay`` backend's options (:class:`ReplayConfig`): which published table it serves."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from taskaffinity.errors import InputError, did_you_mean

__all__ = ["FORMATS", "ReplayConfig"]

FORMATS = ("mtgnet", "standley", "long")
"""Table formats the replay backend reads: MTG-Net's membership + gain files (gains),
Standley et al.'s loss table (losses), a long CSV ``group,task,score[,cost][,seed]`` or
``target,source,seed,score`` (``direction`` says which way its scores go)."""

_KEYS = ("format", "table", "members", "names", "direction", "sleep", "base_dir")


@dataclass(frozen=True)
class ReplayConfig:
    """``format`` (:data:`FORMATS`), ``table`` (the score or gain file), ``members`` (the
    0/1 membership file of an ``mtgnet`` table), ``names`` (task names in column order;
    default ``t0 .. t{n-1}`` for ``mtgnet`` and ``standley``, the file's own for
    ``long``), ``direction`` (``higher`` or ``lower``: how a ``long`` table's scores go;
    the other formats fix theirs), ``sleep`` (seconds each run waits before it returns, to
    stand in for training when executors, progress or a kill are tried; default 0) and
    ``base_dir`` (where relative paths start: the config file's folder). ``sleep`` and
    ``base_dir`` are not part of a run's identity."""

    format: str
    table: str
    members: str | None = None
    names: tuple[str, ...] | None = None
    direction: str = "higher"
    sleep: float = 0.0
    base_dir: str | None = None

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise InputError(
                f"unknown table format {self.format!r}{did_you_mean(str(self.format), FORMATS)}"
                f"; use one of {', '.join(FORMATS)}",
                field="format",
            )
        for key in ("table", "members"):
            value = getattr(self, key)
            if value is not None and (not isinstance(value, str) or not value):
                raise InputError(f"must be a file path, got {value!r}", field=key)
        if self.format == "mtgnet" and self.members is None:
            raise InputError("an mtgnet table needs its membership file", field="members")
        if self.format != "mtgnet" and self.members is not None:
            raise InputError("only an mtgnet table has a membership file", field="members")
        if self.names is not None:
            names = self.names
            if (
                not isinstance(names, list | tuple)
                or not names
                or not all(isinstance(n, str) and n for n in names)
                or len(set(names)) != len(names)
            ):
                raise InputError(
                    f"must be a list of distinct task names, got {names!r}", field="names"
                )
            object.__setattr__(self, "names", tuple(names))
        if self.direction not in ("higher", "lower"):
            raise InputError(
                f"must be 'higher' or 'lower' (better), got {self.direction!r}",
                field="direction",
            )
        sleep = self.sleep
        if isinstance(sleep, bool) or not isinstance(sleep, int | float) or not sleep >= 0:
            raise InputError(f"must be a number of seconds >= 0, got {sleep!r}", field="sleep")
        if self.direction == "lower" and self.format != "long":
            raise InputError(
                f"a {self.format} table fixes its direction; only a long table takes one",
                field="direction",
            )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> ReplayConfig:
        """The config of a ``backend:`` mapping (without ``name``); InputError names the
        field at fault (an unknown key with a "did you mean")."""
        if not data:
            raise InputError(
                "the replay backend needs format and table: {name: replay, format: "
                "mtgnet|standley|long, table: PATH, members: PATH}",
                field="table",
            )
        for key in data:
            if key not in _KEYS:
                raise InputError(
                    f"unknown option{did_you_mean(str(key), _KEYS)}; the replay backend "
                    f"takes {', '.join(_KEYS[:-1])}",
                    field=str(key),
                )
        if "table" not in data:
            raise InputError("the replay backend needs the table file", field="table")
        return cls(
            format=data.get("format", "long"),
            table=data["table"],
            members=data.get("members"),
            names=data.get("names"),
            direction=data.get("direction", "higher"),
            sleep=data.get("sleep", 0.0),
            base_dir=data.get("base_dir"),
        )

    def to_dict(self) -> dict[str, Any]:
        """What identifies the served table (the key of every run; no ``base_dir``)."""
        out: dict[str, Any] = {"format": self.format, "table": self.table}
        if self.members is not None:
            out["members"] = self.members
        if self.names is not None:
            out["names"] = list(self.names)
        if self.format == "long":
            out["direction"] = self.direction
        return out

    def path(self, which: str) -> Path:
        """The file of ``table`` or ``members``, relative paths from ``base_dir``."""
        value = getattr(self, which)
        path = Path(value)
        if not path.is_absolute() and self.base_dir is not None:
            path = Path(self.base_dir) / path
        return path
