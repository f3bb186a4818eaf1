"""Tables printed by the commands: Rich tables whose cells and headers wrap (fold) at the
terminal's width instead of being cut with an ellipsis, so a narrow terminal (or the
80 columns of a pipe) shows every value."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.table import Table

__all__ = ["wrapping_table"]


def wrapping_table(
    columns: Sequence[str], *, title: str | None = None, left: Sequence[str] = ()
) -> Table:
    """A :class:`rich.table.Table` with ``columns`` (right-aligned but those named in
    ``left``) whose cells and headers fold onto further lines when the terminal is too
    narrow, never cut."""
    from rich.table import Table

    table = Table(title=title)
    for c in columns:
        table.add_column(c, justify="left" if c in left else "right", overflow="fold")
    return table
