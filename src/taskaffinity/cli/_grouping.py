"""CLI: ``select`` (networks under a budget) and ``partition`` over an imported score table
(``surrogate``, the sampling study, is in ``_surrogate.py``). Thin wrappers over
:mod:`taskaffinity.grouping` and :mod:`taskaffinity.tables`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from taskaffinity.cli._app import app
from taskaffinity.cli._table_args import (
    Fmt,
    Hoa,
    JsonOut,
    Lower,
    Members,
    Names,
    TableFormat,
    Test,
    emit_records,
    fail,
    grouping_record,
    load_table,
)
from taskaffinity.errors import InputError

__all__ = ["TableFormat", "partition_cmd", "select"]


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
        table = load_table(val, fmt, members, names, lower_is_better)
        test_table = load_table(test, fmt, members, names, lower_is_better) if test else None
        choose = tables.hoa(table) if hoa else table
        records = [
            grouping_record(select_networks(choose, b, test=test_table), b, table, hoa)
            for b in sorted(budget)
        ]
    except InputError as err:
        fail(err)
    emit_records(records, json_out)


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
        table = load_table(val, fmt, members, names, lower_is_better)
        test_table = load_table(test, fmt, members, names, lower_is_better) if test else None
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
            records.append(grouping_record(g, b, table, hoa))
    except InputError as err:
        fail(err)
    emit_records(records, json_out)
