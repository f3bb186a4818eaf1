"""CLI: ``surrogate``, the sampling study of a complete score table: surrogate model vs HOA,
a thin wrapper over :func:`taskaffinity.evaluation.surrogate_study`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from taskaffinity.cli._app import app, fail
from taskaffinity.cli._console import wrapping_table
from taskaffinity.cli._table_args import (
    JsonOut,
    Lower,
    Members,
    Names,
    SurrogateFmt,
    load_table,
    table_format,
)
from taskaffinity.errors import InputError

__all__ = ["surrogate"]


@app.command()
def surrogate(
    table_path: Annotated[Path, typer.Argument(help="A complete table (every group measured).")],
    fmt: SurrogateFmt = None,
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

    from taskaffinity.evaluation import summarize_study, surrogate_study

    try:
        fmt = table_format(table_path, fmt, default="mtgnet")
        truth = load_table(table_path, fmt, members, names, lower_is_better)
        n = truth.n_tasks
        sizes = samples or sorted({n + k for k in (n // 2, n, 2 * n, 4 * n)})
        records = surrogate_study(
            truth,
            sizes,
            repeats=repeats,
            seed=seed,
            alpha=alpha,
            interactions=interactions,
            budgets=budget if budget is not None else (2, 3),
        )
    except InputError as err:
        fail(err)
    summary = summarize_study(records)
    metrics = [k for k in summary[0] if k not in ("method", "measured", "repeats", "cells")]
    shown = [k for k in metrics if not k.endswith("_sd")]
    out = wrapping_table(("method", "measured", *shown), left=("method",))
    for row in summary:
        out.add_row(
            row["method"],
            str(row["measured"]),
            *(f"{row[k]:.3f} ± {row[k + '_sd']:.3f}" for k in shown),
        )
    Console().print(out)
    if json_out is not None:
        json_out.write_text(json.dumps({"summary": summary, "records": records}, indent=2) + "\n")
