"""Options and helpers shared by the score-table commands (``select``, ``partition``,
``surrogate``): the table formats, loading a table, and the JSON/console output of a
chosen grouping."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from taskaffinity.errors import InputError
from taskaffinity.types import Grouping, ScoreTable

__all__ = [
    "Fmt",
    "Hoa",
    "JsonOut",
    "Lower",
    "Members",
    "Names",
    "TableFormat",
    "Test",
    "emit_records",
    "fail",
    "grouping_record",
    "load_table",
]


class TableFormat(StrEnum):
    standley = "standley"
    mtgnet = "mtgnet"
    csv = "csv"


Fmt = Annotated[TableFormat, typer.Option("--format", help="Table format.")]
Members = Annotated[Path | None, typer.Option(help="mtgnet: the 0/1 membership file (*_x.csv).")]
Names = Annotated[str | None, typer.Option(help="Comma-separated task names (column order).")]
Lower = Annotated[
    bool, typer.Option("--lower-is-better", help="csv: scores are losses (default: higher).")
]
Hoa = Annotated[
    bool, typer.Option("--hoa", help="Choose on the HOA prediction built from VAL's pairs.")
]
JsonOut = Annotated[Path | None, typer.Option("--json", help="Write the results as JSON here.")]
Test = Annotated[Path | None, typer.Option(help="Table to score the choice on (same format).")]


def load_table(path: Path, fmt: TableFormat, members, names, lower: bool) -> ScoreTable:
    from taskaffinity import tables

    name_list = names.split(",") if names else None
    if fmt is TableFormat.standley:
        return tables.read_standley(path, names=name_list)
    if fmt is TableFormat.mtgnet:
        if members is None:
            raise InputError("--members is required with --format mtgnet", field="members")
        return tables.read_mtgnet(members, path, names=name_list)
    return tables.read_long_csv(path, higher_is_better=not lower, tasks=name_list)


def grouping_record(g: Grouping, budget, val: ScoreTable, used_hoa: bool) -> dict[str, Any]:
    from taskaffinity.grouping import evaluate_grouping

    rec: dict[str, Any] = {
        "budget": budget,
        "networks": [{"tasks": list(t), "cost": c} for t, c in zip(g.groups, g.costs, strict=True)],
        "objective": g.predicted,
    }
    if used_hoa:
        rec["val_objective"] = evaluate_grouping(val, g.groups, g.costs)
    if g.measured is not None:
        rec["test_objective"] = g.measured
    rec.update({"exact": g.exact, "method": g.method, "chosen_on": "hoa" if used_hoa else "val"})
    return rec


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


def fail(err: InputError) -> None:
    typer.echo(f"error: {err}", err=True)
    raise typer.Exit(2)
