"""CLI: ``select`` (networks under a budget) and ``partition`` over an imported score table
(``surrogate``, the sampling study, is in ``_surrogate.py``). Thin wrappers over
:mod:`taskaffinity.grouping` and :mod:`taskaffinity.tables`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from taskaffinity.cli._app import app, fail
from taskaffinity.cli._table_args import (
    Fmt,
    Hoa,
    JsonOut,
    Lower,
    Members,
    Names,
    Test,
    emit_records,
    load_table,
)
from taskaffinity.errors import InputError
from taskaffinity.grouping import (
    DP_MAX_TASKS,
    SEARCHES,
    available_searches,
    evaluate_grouping,
    partition,
    select_networks,
)
from taskaffinity.tables import TableFormat

if TYPE_CHECKING:
    from taskaffinity.types import Grouping, ScoreTable

__all__ = ["TableFormat", "partition_cmd", "select"]

METHOD_HELP = (
    f"Partition search: {', '.join(available_searches('partition'))}; or auto "
    f"(dp_partition up to {DP_MAX_TASKS} tasks, else milp_partition)."
)


def _record(g: Grouping, budget: float | None, val: ScoreTable, used_hoa: bool) -> dict[str, Any]:
    """One JSON record: ``budget``, :meth:`Grouping.to_dict` (after ``objective``, with
    ``--hoa``, ``val_objective``: the chosen networks' objective on VAL), ``chosen_on``."""
    rec: dict[str, Any] = {"budget": budget}
    for key, value in g.to_dict().items():
        rec[key] = value
        if key == "objective" and used_hoa:
            rec["val_objective"] = evaluate_grouping(val, g.groups, g.costs)
    rec["chosen_on"] = "hoa" if used_hoa else "val"
    return rec


def _current_name(method: str) -> str:
    """``method``, or the current name of a former one (with a warning on stderr)."""
    if method not in SEARCHES.aliases:
        return method
    new = SEARCHES.aliases[method]
    typer.echo(f"warning: --method {method} is deprecated; use --method {new}", err=True)
    return new


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

    try:
        table = load_table(val, fmt, members, names, lower_is_better)
        test_table = load_table(test, fmt, members, names, lower_is_better) if test else None
        choose = tables.hoa(table) if hoa else table
        records = [
            _record(select_networks(choose, b, test=test_table), b, table, hoa)
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
    method: Annotated[str, typer.Option(help=METHOD_HELP)] = "auto",
    hoa: Hoa = False,
    json_out: JsonOut = None,
    names: Names = None,
    lower_is_better: Lower = False,
) -> None:
    """Best partition of the tasks into disjoint measured networks."""
    from taskaffinity import tables

    try:
        table = load_table(val, fmt, members, names, lower_is_better)
        test_table = load_table(test, fmt, members, names, lower_is_better) if test else None
        choose = tables.hoa(table) if hoa else table
        name = _current_name(method)
        records = []
        for b in sorted(budget) if budget else [None]:
            g = partition(
                choose,
                budget=b,
                n_groups=groups,
                max_groups=max_groups,
                method=name,
                test=test_table,
            )
            records.append(_record(g, b, table, hoa))
    except InputError as err:
        fail(err)
    emit_records(records, json_out)
