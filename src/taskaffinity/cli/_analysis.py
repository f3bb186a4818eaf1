"""``taskaffinity analyze`` (a square score CSV or a long CSV with seeds) and
``taskaffinity report`` (a study)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from taskaffinity.cli._app import app, fail
from taskaffinity.cli._console import wrapping_table
from taskaffinity.errors import InputError, TaskAffinityError

if TYPE_CHECKING:
    from taskaffinity.analysis import Analysis


def _print_summary(analysis: Analysis) -> None:
    from rich.console import Console

    from taskaffinity.report import fmt

    console = Console()
    console.print(repr(analysis))
    settled = analysis.settled
    title = "Gain rate (%): row = target, column = auxiliary"
    if analysis.ci_kind is not None:
        title += "; * = sign settled (95% interval excludes 0)"
    table = wrapping_table(("target", *analysis.sources), title=title, left=("target",))
    for i, t in enumerate(analysis.tasks):
        cells = []
        for j, v in enumerate(analysis.gain_rate[i]):
            if i == j:
                cells.append(f"[dim]{fmt(float(analysis.gain.values[i, i]), 3)}[/dim]")
            elif v != v:  # NaN
                cells.append("–")
            else:
                mark = "*" if settled is not None and abs(settled[i, j]) == 1 else ""
                cells.append(f"[{'green' if v > 0 else 'red'}]{v:+.1f}{mark}[/]")
        table.add_row(t, *cells)
    console.print(table)
    stab = wrapping_table(
        ("task", "single", "max", "max source", "min", "min source", "range", "std"),
        title="Stability",
        left=("task", "max source", "min source"),
    )
    for s in analysis.stability:
        stab.add_row(
            *(
                fmt(x)
                for x in (
                    s.task,
                    s.single,
                    s.max,
                    s.max_source,
                    s.min,
                    s.min_source,
                    s.range,
                    s.std,
                )
            )
        )
    console.print(stab)
    console.print(f"positive: {analysis.positive} of {analysis.total} measured pairs")
    if analysis.reliability is not None:
        console.print(f"reliability: {analysis.reliability.statement}")


@app.command()
def analyze(
    scores: Annotated[
        Path,
        typer.Argument(
            help="Score table: a square score matrix (such as a study's scores.csv) or a long "
            "CSV (such as a study's seeds.csv), told apart by the first row."
        ),
    ],
    categories: Annotated[Path | None, typer.Option(help="CSV with columns task,category.")] = None,
    json_out: Annotated[
        Path | None,
        typer.Option("--json", help="Write the analysis JSON here ('-' for standard output)."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Write report.html, figures and tables into this folder.")
    ] = None,
    lower_is_better: Annotated[
        bool, typer.Option(help="Scores are losses (lower is better).")
    ] = False,
    title: Annotated[str, typer.Option(help="Report title.")] = "Task affinity report",
) -> None:
    """Analyse measured scores from anywhere (a study, a published table, a spreadsheet):
    gain rates paired by seed, their intervals and the study's reliability.

    A square score matrix: the first cell empty (or any text), then the task names; each
    row a task, then its scores (row = target, column = auxiliary, diagonal = the task
    alone); an empty cell is not measured. It holds one score per cell, so for a study
    (its scores.csv: the means over seeds) it gives the mean scores but neither intervals
    nor reliability.

    A long CSV with the header target,source,seed,score (an empty source = the target
    trained alone), such as a study's seeds.csv, keeps every seed and gives the numbers of
    the study's report; or group,task,score[,cost][,seed] (group = tasks joined by +).
    """
    from taskaffinity.analysis import analyze as run_analysis
    from taskaffinity.analysis import read_categories_csv
    from taskaffinity.tables import read_scores

    try:
        table, seeds = read_scores(scores, higher_is_better=not lower_is_better)
        cats = read_categories_csv(categories) if categories else None
        try:
            result = run_analysis(table, categories=cats, seeds=seeds)
        except InputError as err:
            if err.file is not None or err.field != "category":
                raise
            raise InputError(err.message, file=categories, field=err.field) from None
    except TaskAffinityError as err:
        fail(err)
    if json_out is not None and str(json_out) == "-":
        typer.echo(json.dumps(result.to_json(), indent=2))
    else:
        _print_summary(result)
        if table.seed_scores is None and not seeds:
            typer.echo(
                f"note: {scores} holds one score per cell (of a study: the mean over its "
                "seeds), so it gives no interval and no reliability; a study's seeds.csv "
                "holds the scores per seed",
                err=True,
            )
        if json_out is not None:
            json_out.parent.mkdir(parents=True, exist_ok=True)
            json_out.write_text(json.dumps(result.to_json(), indent=2), "utf-8")
            typer.echo(f"wrote {json_out}")
    if out is not None:
        from taskaffinity.report import write_table_report

        path = write_table_report(
            result,
            out,
            title=title,
            subtitle=f"Scores from {scores}",
            scores=table if all(float(x).is_integer() for x in seeds) else None,
            seeds=seeds or None,
        )
        typer.echo(f"wrote {path}")


@app.command()
def report(
    study_dir: Annotated[Path, typer.Argument(help="A study folder (study.sqlite + config.yaml).")],
    out: Annotated[
        Path | None, typer.Option(help="Output folder (default: the study folder).")
    ] = None,
) -> None:
    """Rebuild a study's report from its store, without training anything."""
    from taskaffinity.report import write_study_report
    from taskaffinity.study import open_study

    try:
        study = open_study(study_dir)
        path = write_study_report(study, out or study_dir)
    except TaskAffinityError as err:
        fail(err)
    typer.echo(f"wrote {path}")
