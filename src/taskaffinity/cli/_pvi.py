"""``taskaffinity pvi``: pointwise V-information per instance and the task grouping by PVI,
a thin command over :func:`taskaffinity.affinity.compute_pvi`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from taskaffinity.cli._affinity_args import JSON_OUT, write_json
from taskaffinity.cli._app import app, fail
from taskaffinity.cli._console import wrapping_table
from taskaffinity.errors import InputError, TaskAffinityError

__all__ = ["pvi_cmd"]

SPLITS = ("train", "dev", "test")


@app.command("pvi")
def pvi_cmd(
    target: Annotated[Path, typer.Argument(help="study folder or study config YAML")],
    csv: Annotated[Path | None, typer.Option("--csv", help="per-instance PVI CSV")] = None,
    groups_csv: Annotated[Path | None, typer.Option(help="every tested task set, CSV")] = None,
    out: Annotated[Path | None, JSON_OUT] = None,
    alpha: Annotated[float, typer.Option(help="significance level")] = 0.01,
    test: Annotated[
        str, typer.Option(help="independent t-test for pairs: 'welch' or 'student'")
    ] = "welch",
    rule: Annotated[
        str,
        typer.Option(
            help="task similar to several: 'largest' group first, or 'paper' (larger statistic)"
        ),
    ] = "largest",
    split: Annotated[str, typer.Option(help="held-out split scored")] = "test",
) -> None:
    """Pointwise V-information per instance and task grouping by PVI.

    Independent two-sample t-tests for pairs, one-way ANOVA for 3+ tasks: tasks whose PVI
    distributions do not differ (p > alpha) form candidate groups. On a study folder, the
    stored single-task runs are reused as the models on the real inputs (JSON: "reused",
    "reused_cost"; "cost" is the new training only).
    """
    from taskaffinity.affinity import Budget, compute_pvi, group_by_pvi, open_target

    try:
        if not 0 < alpha < 1:
            raise InputError(f"a significance level is in (0, 1), got {alpha}", field="alpha")
        if split not in SPLITS:
            raise InputError(f"must be one of {list(SPLITS)}, got {split!r}", field="split")
        group_by_pvi({}, test=test, rule=rule)  # bad test or rule: fail before training
        tgt = open_target(target)
        seed = tgt.seed
        runs = tgt.study.complete if tgt.study is not None else None
        result = compute_pvi(
            tgt.suite, tgt.backend, seed, split=split, budget=Budget(seed=seed), runs=runs
        )
        grouping = result.grouping(alpha=alpha, test=test, rule=rule)
    except TaskAffinityError as err:
        fail(err)
    if csv is not None:
        typer.echo(f"wrote {result.to_csv(csv)}", err=True)
    if groups_csv is not None:
        typer.echo(f"wrote {grouping.to_csv(groups_csv)}", err=True)
    _print_groups(result, grouping)
    if out is not None:
        write_json({
            "v_information": result.v_information, "alpha": alpha, "test": test,
            "rule": rule,
            "tested": grouping.rows(),
            "proposed": ["+".join(g) for g in grouping.proposed.groups],
            "cost": result.cost.to_dict(),
            "reused": result.reused, "reused_cost": result.reused_cost.to_dict(),
        }, out)  # fmt: skip


def _print_groups(result: Any, grouping: Any) -> None:
    from rich.console import Console

    from taskaffinity.report import fmt

    console = Console(stderr=True)
    vi = wrapping_table(("task", "bits"), title="V-information (mean PVI, bits)", left=("task",))
    for t, v in result.v_information.items():
        vi.add_row(t, fmt(v, 3))
    console.print(vi)
    cand = wrapping_table(
        ("tasks", "test", "statistic", "p-value"),
        title=f"Candidate groups (p > {grouping.alpha})",
        left=("tasks", "test"),
    )
    for c in grouping.candidates:
        cand.add_row("+".join(c.tasks), c.test, fmt(c.statistic, 3), fmt(c.pvalue, 3))
    console.print(cand)
    console.print("proposed grouping: " + " | ".join("+".join(g) for g in grouping.proposed.groups))
