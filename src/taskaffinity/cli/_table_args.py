"""Options and helpers shared by the score-table commands (``select``, ``partition``,
``surrogate``): the table-format options (``select`` also reads affinity matrices), loading
a table with :func:`taskaffinity.tables.read_table`, and the JSON/console output of a
chosen grouping."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from taskaffinity.errors import InputError
from taskaffinity.tables import TableFormat, read_table
from taskaffinity.types import ScoreTable

__all__ = [
    "Fmt",
    "Hoa",
    "JsonOut",
    "Lower",
    "MaxGroupSize",
    "Members",
    "Names",
    "SelectFmt",
    "SelectFormat",
    "SingletonScore",
    "Test",
    "emit_records",
    "load_table",
]

#: The formats ``select`` reads: every :class:`~taskaffinity.tables.TableFormat` and
#: ``affinity`` (a square affinity matrix, :func:`taskaffinity.tables.read_affinity`).
SelectFormat = StrEnum(  # type: ignore[misc]
    "SelectFormat", {**{f.name: f.value for f in TableFormat}, "affinity": "affinity"}
)


Fmt = Annotated[TableFormat, typer.Option("--format", help="Table format.")]
SelectFmt = Annotated[
    SelectFormat,
    typer.Option(
        "--format",
        help="Table format; matrix: the square score matrix analyze reads; affinity: a "
        "square affinity matrix (row = target, column = source; CSV, or the JSON of "
        "estimate), groups chosen by TAG's rule.",
    ),
]
SingletonScore = Annotated[
    float | None,
    typer.Option(
        help="affinity: the value of a task in a network of its own (default -1e6, TAG's)."
    ),
]
MaxGroupSize = Annotated[
    int | None,
    typer.Option(
        help="affinity: largest candidate network; matrix --hoa: largest predicted group "
        "(default: all tasks)."
    ),
]
Members = Annotated[Path | None, typer.Option(help="mtgnet: the 0/1 membership file (*_x.csv).")]
Names = Annotated[str | None, typer.Option(help="Comma-separated task names (column order).")]
Lower = Annotated[
    bool,
    typer.Option("--lower-is-better", help="csv, matrix: scores are losses (default: higher)."),
]
Hoa = Annotated[
    bool, typer.Option("--hoa", help="Choose on the HOA prediction built from VAL's pairs.")
]
JsonOut = Annotated[Path | None, typer.Option("--json", help="Write the results as JSON here.")]
Test = Annotated[Path | None, typer.Option(help="Table to score the choice on (same format).")]


def load_table(
    path: Path, fmt: TableFormat | str, members: Path | None, names: str | None, lower: bool
) -> ScoreTable:
    """The table at ``path`` read by :func:`taskaffinity.tables.read_table` from the
    command's options (``names`` comma-separated; ``lower``: csv and matrix scores are
    losses)."""
    fmt = TableFormat(fmt)
    if fmt is TableFormat.mtgnet and members is None:
        raise InputError("--members is required with --format mtgnet", field="members")
    name_list = names.split(",") if names else None
    return read_table(path, fmt, members=members, names=name_list, higher_is_better=not lower)


def emit_records(records: list[dict[str, Any]], out: Path | None) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("budget", "networks", "cost", "objective", "test objective", "exact")
    for r in records:
        nets = " | ".join("+".join(n["tasks"]) + f" ({n['cost']:g})" for n in r["networks"])
        test = r.get("test_objective")
        table.add_row(
            "-" if r["budget"] is None else f"{r['budget']:g}",
            nets,
            f"{sum(n['cost'] for n in r['networks']):g}",
            f"{r['objective']:.6g}",
            "-" if test is None else f"{test:.6g}",
            str(r["exact"]),
        )
    Console().print(table)
    if out is not None:
        out.write_text(json.dumps(records, indent=2) + "\n")
