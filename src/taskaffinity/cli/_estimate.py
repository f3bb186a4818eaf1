"""``taskaffinity estimate`` and ``compare`` (``pvi`` is in ``_pvi.py``): cheap affinity
estimators on a study.

Thin commands over :mod:`taskaffinity.affinity`. ``DIR`` is a study folder (its suite,
backend and first seed are used; its measured singles and pairs give the brute-force cost
and, for ``compare``, the truth); ``estimate`` and ``pvi`` also take a study config YAML.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from taskaffinity.affinity import ESTIMATORS
from taskaffinity.cli._affinity_args import (
    BUDGET,
    JSON_OUT,
    MAX_STEPS,
    PARAM,
    check_budget,
    parse_params,
    write_json,
)
from taskaffinity.cli._app import app, fail
from taskaffinity.cli._console import wrapping_table
from taskaffinity.errors import TaskAffinityError

__all__ = ["compare_cmd", "estimate_cmd"]

#: The registered estimators, listed in the help of --method and --methods.
_CHOICES = ", ".join(ESTIMATORS.names())


@app.command("estimate")
def estimate_cmd(
    target: Annotated[Path, typer.Argument(help="study folder (or study config YAML)")],
    method: Annotated[str, typer.Option("--method", "-m", help=f"estimator: {_CHOICES}")],
    out: Annotated[Path | None, JSON_OUT] = None,
    param: Annotated[list[str] | None, PARAM] = None,
    max_steps: Annotated[int | None, MAX_STEPS] = None,
    budget: Annotated[float | None, BUDGET] = None,
) -> None:
    """Estimate pairwise task affinity (row = target, column = source) with one estimator.

    Prints or writes the AffinityMatrix JSON: tasks, values, method, params, cost (seconds,
    steps, examples, fraction of the singles+pairs grid).
    """
    from taskaffinity.affinity import ESTIMATORS, Budget, open_target, run_estimator, step_cap

    try:
        ESTIMATORS.lookup(method)
        check_budget(budget)
        tgt = open_target(target)
        cap = step_cap(max_steps, budget, tgt.grid)
        b = Budget(seed=tgt.seed, max_steps=cap, reference=tgt.grid)
        cache = Path(target) / "estimates" if tgt.study is not None else None
        runs = tgt.study.complete if tgt.study is not None else None
        aff, _ = run_estimator(
            method,
            tgt.suite,
            tgt.backend,
            b,
            cache_dir=cache,
            params=parse_params(param),
            runs=runs,
        )
    except TaskAffinityError as err:
        fail(err)
    write_json(aff.to_dict(), out)


@app.command("compare")
def compare_cmd(
    target: Annotated[Path, typer.Argument(help="study folder with measured singles and pairs")],
    out: Annotated[Path | None, JSON_OUT] = None,
    methods: Annotated[
        str | None,
        typer.Option(help=f"comma-separated estimators among {_CHOICES} (default: all)"),
    ] = None,
    max_steps: Annotated[int | None, MAX_STEPS] = None,
    budget: Annotated[float | None, BUDGET] = None,
    force: Annotated[bool, typer.Option(help="recompute cached estimates")] = False,
    report: Annotated[bool, typer.Option(help="add the comparison to DIR/report.html")] = True,
) -> None:
    """Score every registered estimator against the study's measured gain matrix.

    Per estimator: Spearman (overall, per target), its share of the truth's own
    split-half Spearman (the ceiling row), top-1 best partner, regret of the grouping
    chosen from it (gain-rate points), cost fraction; adds a section to DIR/report.html.
    """
    from taskaffinity.affinity import ESTIMATORS, step_cap
    from taskaffinity.evaluation import compare_estimators, comparison_section
    from taskaffinity.study import open_study

    try:
        check_budget(budget)
        for name in methods.split(",") if methods else []:
            ESTIMATORS.lookup(name.strip())  # an unknown name fails before any training
        study = open_study(target)
        cap = step_cap(max_steps, budget, study.grid_cost(study.config.seeds[0]))
        rows, matrices, truth = compare_estimators(
            study,
            methods.split(",") if methods else None,
            max_steps=cap,
            force=force,
            progress=lambda m: typer.echo(f"estimating: {m}", err=True),
        )
    except TaskAffinityError as err:
        fail(err)
    _print_rows(rows)
    if report:
        from taskaffinity.report import write_study_report

        path = write_study_report(study, target, extra_sections=[
            comparison_section(rows, matrices, truth)])  # fmt: skip
        typer.echo(f"report: {path}", err=True)
    if out is not None:
        write_json(rows, out)


def _print_rows(rows: list[dict[str, Any]], console: Any = None) -> None:
    """The comparison table on stderr (or ``console``): the estimators, then the truth's
    ceiling row, wrapped to the terminal (never cut); then the sentence on the ceiling."""
    from rich.console import Console

    from taskaffinity.evaluation import comparison_ceiling, comparison_table
    from taskaffinity.report import fmt

    columns, body = comparison_table(rows)
    cols = ("method", "spearman", "share_of_ceiling", "top1", "regret", "cost_fraction",
            "meets_target")  # fmt: skip
    idx = [columns.index(c) for c in cols]
    table = wrapping_table(
        [c.replace("_", " ") for c in cols], title="Estimators vs measured transfer",
        left=("method",),
    )  # fmt: skip
    for r in body:
        table.add_row(*(fmt(r[k], 3) for k in idx))
    console = console or Console(stderr=True)
    console.print(table)
    ceiling = comparison_ceiling(rows)
    if ceiling is not None:
        console.print(ceiling.statement, highlight=False)
