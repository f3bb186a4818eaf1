"""``taskaffinity pvi``: pointwise V-information per instance and the task grouping by PVI,
a thin command over :func:`taskaffinity.affinity.compute_pvi`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from taskaffinity.cli._affinity_args import JSON_OUT, write_json
from taskaffinity.cli._app import app, fail
from taskaffinity.errors import InputError, TaskAffinityError

__all__ = ["pvi_cmd"]

TESTS = ("welch", "paired")
SPLITS = ("train", "dev", "test")


@app.command("pvi")
def pvi_cmd(
    target: Annotated[Path, typer.Argument(help="study folder or study config YAML")],
    csv: Annotated[Path | None, typer.Option("--csv", help="per-instance PVI CSV")] = None,
    groups_csv: Annotated[Path | None, typer.Option(help="every tested task set, CSV")] = None,
    out: Annotated[Path | None, JSON_OUT] = None,
    alpha: Annotated[float, typer.Option(help="significance level")] = 0.01,
    test: Annotated[str, typer.Option(help="'welch' or 'paired' t-test for pairs")] = "welch",
    split: Annotated[str, typer.Option(help="held-out split scored")] = "test",
) -> None:
    """Pointwise V-information per instance and task grouping by PVI.

    Two-sample t-tests for pairs, one-way ANOVA for 3+ tasks: tasks whose PVI
    distributions do not differ at alpha form candidate groups.
    """
    from taskaffinity.affinity import Budget, compute_pvi, open_target

    try:
        if not 0 < alpha < 1:
            raise InputError(f"a significance level is in (0, 1), got {alpha}", field="alpha")
        for name, value, choices in (("test", test, TESTS), ("split", split, SPLITS)):
            if value not in choices:
                raise InputError(f"must be one of {list(choices)}, got {value!r}", field=name)
        tgt = open_target(target)
        seed = tgt.seed
        result = compute_pvi(tgt.suite, tgt.backend, seed, split=split, budget=Budget(seed=seed))
        grouping = result.grouping(alpha=alpha, test=test, seed=seed)
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
            "tested": grouping.rows(),
            "proposed": ["+".join(g) for g in grouping.proposed.groups],
            "cost": result.cost.to_dict(),
        }, out)  # fmt: skip


def _print_groups(result: Any, grouping: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    from taskaffinity.report import fmt

    console = Console(stderr=True)
    vi = Table(title="V-information (mean PVI, bits)")
    vi.add_column("task")
    vi.add_column("bits", justify="right")
    for t, v in result.v_information.items():
        vi.add_row(t, fmt(v, 3))
    console.print(vi)
    cand = Table(title=f"Candidate groups (p >= {grouping.alpha})")
    for c in ("tasks", "test", "statistic", "p-value"):
        cand.add_column(c, justify="left" if c in ("tasks", "test") else "right")
    for c in grouping.candidates:
        cand.add_row("+".join(c.tasks), c.test, fmt(c.statistic, 3), fmt(c.pvalue, 3))
    console.print(cand)
    console.print("proposed grouping: " + " | ".join("+".join(g) for g in grouping.proposed.groups))
