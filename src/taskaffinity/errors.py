"""Errors a user can act on: each names the file, line and field at fault."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path

__all__ = ["InputError", "TaskAffinityError", "did_you_mean"]


class TaskAffinityError(Exception):
    """Base class of every error taskaffinity raises on purpose."""


class InputError(TaskAffinityError, ValueError):
    """Bad user input. ``str(err)`` reads ``FILE:LINE: field 'F': message``."""

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.file = str(file) if file is not None else None
        self.line = line
        self.field = field
        self.message = message
        where = ""
        if self.file:
            where = self.file + (f":{line}" if line is not None else "") + ": "
        elif line is not None:
            where = f"line {line}: "
        what = f"field '{field}': " if field else ""
        super().__init__(f"{where}{what}{message}")


def did_you_mean(name: object, choices: Iterable[str]) -> str:
    """``" (did you mean 'x'?)"``, ``x`` the known name closest to ``name``
    (:func:`difflib.get_close_matches`, similarity 0.6 or more; case ignored), or ``""``
    when none is close (or ``name`` is not a string). For messages such as
    ``unknown task 'dynsty' (did you mean 'dynasty'?); the suite has [...]``."""
    if not isinstance(name, str) or not name:
        return ""
    known = [c for c in choices if isinstance(c, str)]
    lowered = {c.lower(): c for c in known}
    close = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
    return f" (did you mean {lowered[close[0]]!r}?)" if close else ""
