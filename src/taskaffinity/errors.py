"""Errors a user can act on: each names the file, line and field at fault."""

from __future__ import annotations

from pathlib import Path

__all__ = ["InputError", "TaskAffinityError"]


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
