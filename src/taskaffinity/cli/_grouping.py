"""CLI: ``select`` (networks under a budget), ``partition`` and ``surrogate`` (sampling study)
over an imported score table. Thin wrappers over :mod:`taskaffinity.grouping` and
:mod:`taskaffinity.tables`."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from taskaffinity.cli._app import app
from taskaffinity.errors import InputError
from taskaffinity.types import Grouping, ScoreTable


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


def _load(path: Path, fmt: TableFormat, members, names, lower: bool) -> ScoreTable:
    from taskaffinity import tables

    name_list = names.split(",") if names else None
    if fmt is TableFormat.standley:
        return tables.read_standley(path, names=name_list)
    if fmt is TableFormat.mtgnet:
        if members is None:
            raise InputError("--members is required with --format mtgnet", field="members")
        return tables.read_mtgnet(members, path, names=name_list)
    return tables.read_long_csv(path, higher_is_better=not lower, tasks=name_list)


def _record(g: Grouping, budget, val: ScoreTable, used_hoa: bool) -> dict[str, Any]:
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


def _emit(records: list[dict[str, Any]], out: Path | None) -> None:
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


def _fail(err: InputError) -> None:
    typer.echo(f"error: {err}", err=True)
    raise typer.Exit(2)


@app.command()
def select(
    val: Annotated[Path, typer.Argument(help="Table used to choose (validation).")],
    budget: Annotated[list[float], typer.Option(help="Budget (total network cost); repeat.")],
    fmt: Fmt = TableFormat.standley,
    test: Test = None,
    members: Members = None,
    hoa: Hoa = False,
    json_out: JsonOut = None,
    names: Names = None,
    lower_is_better: Lower = False,
) -> None:
    """Exact network selection under each budget (Standley et al. 2020)."""
    from taskaffinity import tables
    from taskaffinity.grouping import select_networks

    try:
        table = _load(val, fmt, members, names, lower_is_better)
        test_table = _load(test, fmt, members, names, lower_is_better) if test else None
        choose = tables.hoa(table) if hoa else table
        records = [
            _record(select_networks(choose, b, test=test_table), b, table, hoa)
            for b in sorted(budget)
        ]
    except InputError as err:
        _fail(err)
    _emit(records, json_out)


@app.command("partition")
def partition_cmd(
    val: Annotated[Path, typer.Argument(help="Table used to choose (validation).")],
    fmt: Fmt = TableFormat.standley,
    test: Test = None,
    members: Members = None,
    budget: Annotated[
        list[float] | None, typer.Option(help="Budget on total cost; repeat. Default: none.")
    ] = None,
    groups: Annotated[int | None, typer.Option(help="Exactly this many groups.")] = None,
    max_groups: Annotated[int | None, typer.Option(help="At most this many groups.")] = None,
    method: Annotated[str, typer.Option(help="auto, dp, milp or beam (heuristic).")] = "auto",
    hoa: Hoa = False,
    json_out: JsonOut = None,
    names: Names = None,
    lower_is_better: Lower = False,
) -> None:
    """Best partition of the tasks into disjoint measured networks."""
    from taskaffinity import tables
    from taskaffinity.grouping import partition

    try:
        table = _load(val, fmt, members, names, lower_is_better)
        test_table = _load(test, fmt, members, names, lower_is_better) if test else None
        choose = tables.hoa(table) if hoa else table
        records = []
        for b in sorted(budget) if budget else [None]:
            g = partition(
                choose,
                budget=b,
                n_groups=groups,
                max_groups=max_groups,
                method=method,
                test=test_table,
            )
            records.append(_record(g, b, table, hoa))
    except InputError as err:
        _fail(err)
    _emit(records, json_out)


@app.command()
def surrogate(
    table_path: Annotated[Path, typer.Argument(help="A complete table (every group measured).")],
    fmt: Fmt = TableFormat.mtgnet,
    members: Members = None,
    samples: Annotated[
        list[int] | None, typer.Option(help="Numbers of measured groups; repeat.")
    ] = None,
    repeats: Annotated[int, typer.Option(help="Random repeats per sample size.")] = 5,
    seed: Annotated[int, typer.Option(help="Base random seed.")] = 0,
    alpha: Annotated[float, typer.Option(help="Ridge penalty.")] = 0.1,
    interactions: Annotated[bool, typer.Option(help="Add pairwise interaction terms.")] = False,
    budget: Annotated[
        list[float] | None, typer.Option(help="Selection budgets judged; repeat.")
    ] = None,
    json_out: JsonOut = None,
    names: Names = None,
    lower_is_better: Lower = False,
) -> None:
    """Surrogate (Li, Nguyen & Zhang 2023) vs HOA: rank correlation and regret vs samples."""
    from rich.console import Console
    from rich.table import Table

    from taskaffinity import tables

    try:
        truth = _load(table_path, fmt, members, names, lower_is_better)
        n = truth.n_tasks
        sizes = samples or sorted({n + k for k in (n // 2, n, 2 * n, 4 * n)})
        records = tables.surrogate_study(
            truth,
            sizes,
            repeats=repeats,
            seed=seed,
            alpha=alpha,
            interactions=interactions,
            budgets=budget if budget is not None else (2, 3),
        )
    except InputError as err:
        _fail(err)
    summary = tables.summarize_study(records)
    metrics = [k for k in summary[0] if k not in ("method", "measured", "repeats", "cells")]
    shown = [k for k in metrics if not k.endswith("_sd")]
    out = Table("method", "measured", *shown)
    for row in summary:
        out.add_row(
            row["method"],
            str(row["measured"]),
            *(f"{row[k]:.3f} ± {row[k + '_sd']:.3f}" for k in shown),
        )
    Console().print(out)
    if json_out is not None:
        json_out.write_text(json.dumps({"summary": summary, "records": records}, indent=2) + "\n")
