"""Options and helpers shared by the score-table commands (``select``, ``partition``,
``surrogate``): the table-format options (``select`` also reads affinity matrices), loading
a table with :func:`taskaffinity.tables.read_table`, and the JSON/console output of a
chosen grouping."""

from __future__ import annotations

import json
import math
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from taskaffinity.cli._console import wrapping_table
from taskaffinity.errors import InputError
from taskaffinity.grouping import score_on
from taskaffinity.tables import TableFormat, read_table, resolve_format
from taskaffinity.types import Grouping, ScoreTable

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
    "SurrogateFmt",
    "Test",
    "check_budgets",
    "emit_records",
    "load_table",
    "load_test_table",
    "on_test",
    "select_format",
    "table_format",
]

#: The formats ``select`` reads: every :class:`~taskaffinity.tables.TableFormat` and
#: ``affinity`` (a square affinity matrix, :func:`taskaffinity.tables.read_affinity`).
SelectFormat = StrEnum(  # type: ignore[misc]
    "SelectFormat", {**{f.name: f.value for f in TableFormat}, "affinity": "affinity"}
)


_DETECTED = (
    "Default: detected from the file's first row (matrix: a square score matrix such as a "
    "report's scores.csv; csv: a long CSV such as seeds.csv{affinity}), else {default}."
)
Fmt = Annotated[
    TableFormat | None,
    typer.Option(
        "--format",
        help="Table format; matrix: the square score matrix analyze reads. "
        + _DETECTED.format(affinity="", default="standley"),
        show_default=False,
    ),
]
SurrogateFmt = Annotated[
    TableFormat | None,
    typer.Option(
        "--format",
        help="Table format; matrix: the square score matrix analyze reads. "
        + _DETECTED.format(affinity="", default="mtgnet"),
        show_default=False,
    ),
]
SelectFmt = Annotated[
    SelectFormat | None,
    typer.Option(
        "--format",
        help="Table format; matrix: the square score matrix analyze reads; affinity: a "
        "square affinity matrix (row = target, column = source; CSV, or the JSON of "
        "estimate), groups chosen by TAG's rule. "
        + _DETECTED.format(
            affinity="; affinity: an empty diagonal, as gain_rate.csv, or .json",
            default="standley",
        ),
        show_default=False,
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


def select_format(path: Path, given: SelectFormat | str | None) -> SelectFormat:
    """``select``'s format for the table at ``path``: ``given`` (the ``--format``) unless
    the file's first row contradicts it (:func:`taskaffinity.tables.resolve_format`: an
    InputError naming file, line and field ``format``); without it, the detected one
    (matrix, csv or affinity), else standley."""
    choices = tuple(f.value for f in SelectFormat)
    value = None if given is None else SelectFormat(given).value
    return SelectFormat(resolve_format(path, value, choices=choices, default="standley"))


def table_format(
    path: Path, given: TableFormat | str | None, default: str = "standley"
) -> TableFormat:
    """As :func:`select_format`, among the :class:`~taskaffinity.tables.TableFormat`
    formats (``partition``; ``surrogate`` with ``default`` mtgnet)."""
    choices = tuple(f.value for f in TableFormat)
    value = None if given is None else TableFormat(given).value
    return TableFormat(resolve_format(path, value, choices=choices, default=default))


def load_table(
    path: Path,
    fmt: TableFormat | str | None,
    members: Path | None,
    names: str | None,
    lower: bool,
) -> ScoreTable:
    """The table at ``path`` read by :func:`taskaffinity.tables.read_table` from the
    command's options (``fmt`` None: detected, see :func:`table_format`; ``names``
    comma-separated; ``lower``: csv and matrix scores are losses)."""
    fmt = table_format(path, fmt)
    if fmt is TableFormat.mtgnet and members is None:
        raise InputError("--members is required with --format mtgnet", field="members")
    name_list = names.split(",") if names else None
    return read_table(path, fmt, members=members, names=name_list, higher_is_better=not lower)


def load_test_table(
    path: Path | None,
    val: ScoreTable,
    fmt: TableFormat | str | None,
    members: Path | None,
    names: str | None,
    lower: bool,
) -> ScoreTable | None:
    """The ``--test`` table (None without one), read as :func:`load_table` reads VAL, with
    the same tasks as ``val``; every error names the test file."""
    if path is None:
        return None
    test = load_table(path, fmt, members, names, lower)
    if set(test.tasks) != set(val.tasks):
        raise InputError(
            f"the test table's tasks {list(test.tasks)} are not those of the table chosen on "
            f"{list(val.tasks)}",
            file=path,
        )
    return test


def on_test(grouping: Grouping, test: ScoreTable | None, path: Path | None) -> Grouping:
    """``grouping`` with ``measured`` its objective on the ``--test`` table ``test`` (as
    it is without one); an error (a chosen network the test table lacks) names the file."""
    if test is None:
        return grouping
    try:
        return score_on(grouping, test)
    except InputError as err:
        raise InputError(
            f"cannot score the choice on the test table: {err.message}", file=path
        ) from None


def check_budgets(budgets: list[float] | None) -> None:
    """Raise InputError (field ``budget``) for a budget that is negative or not finite."""
    for b in budgets or []:
        if not math.isfinite(b) or b < 0:
            raise InputError(f"a budget is a finite number >= 0, got {b}", field="budget")


def emit_records(records: list[dict[str, Any]], out: Path | None) -> None:
    from rich.console import Console

    table = wrapping_table(
        ("budget", "networks", "cost", "objective", "test objective", "exact"),
        left=("networks",),
    )
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
