"""``taskaffinity estimate``, ``compare`` and ``pvi``: cheap affinity estimators on a study.

Thin commands over :mod:`taskaffinity.affinity`. ``DIR`` is a study folder (its suite,
backend and first seed are used; its measured singles and pairs give the brute-force cost
and, for ``compare``, the truth); ``estimate`` and ``pvi`` also take a study config YAML.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from taskaffinity.cli._app import app
from taskaffinity.errors import InputError, TaskAffinityError

_JSON = typer.Option("--json", help="write the result as JSON here ('-' = stdout)")
_MAX_STEPS = typer.Option(
    "--max-steps", help="cap on the estimator's training steps (probe work included)"
)
_BUDGET = typer.Option(
    "--budget", help="cap on steps as a fraction of the singles+pairs grid's steps, e.g. 0.1"
)
_PARAM = typer.Option("--param", "-p", help="estimator hyperparameter KEY=VALUE (repeatable)")


def _fail(err: Exception) -> None:
    typer.echo(f"error: {err}", err=True)
    raise typer.Exit(2)


def _open(target: Path) -> tuple[Any, Any, Any, int, Any]:
    """(study or None, suite, backend, seed, grid cost or None) of a study dir or config."""
    from taskaffinity.affinity import grid_cost
    from taskaffinity.study import make_backend, open_study

    if target.is_file():
        from taskaffinity.config import load_config

        config = load_config(target)
        return None, config.load_suite(), make_backend(config), config.seeds[0], None
    study = open_study(target)
    seed = study.config.seeds[0]
    return study, study.suite, make_backend(study.config), seed, grid_cost(study, seed)


def _max_steps(max_steps: int | None, fraction: float | None, grid: Any) -> int | None:
    if fraction is None:
        return max_steps
    if grid is None or grid.steps <= 0:
        raise InputError("--budget needs a study with measured singles and pairs", field="budget")
    cap = max(1, int(fraction * grid.steps))
    return cap if max_steps is None else min(cap, max_steps)


def _params(items: list[str] | None) -> dict[str, Any]:
    import yaml

    out = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InputError(f"expected KEY=VALUE, got {item!r}", field="param")
        out[key.strip()] = yaml.safe_load(value)
    return out


def _write_json(data: Any, out: Path | None) -> None:
    text = json.dumps(data, indent=2, default=float, allow_nan=True)
    if out is None or str(out) == "-":
        typer.echo(text)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text + "\n", encoding="utf-8")
        typer.echo(f"wrote {out}", err=True)


@app.command("estimate")
def estimate_cmd(
    target: Annotated[Path, typer.Argument(help="study folder (or study config YAML)")],
    method: Annotated[str, typer.Option("--method", "-m", help="estimator name")],
    out: Annotated[Path | None, _JSON] = None,
    param: Annotated[list[str] | None, _PARAM] = None,
    max_steps: Annotated[int | None, _MAX_STEPS] = None,
    budget: Annotated[float | None, _BUDGET] = None,
) -> None:
    """Estimate pairwise task affinity (row = target, column = source) with one estimator.

    Prints or writes the AffinityMatrix JSON: tasks, values, method, params, cost (seconds,
    steps, examples, fraction of the singles+pairs grid).
    """
    from taskaffinity.affinity import Budget, available, run_estimator

    try:
        if method not in available():
            raise InputError(f"unknown estimator {method!r}; choose one of {available()}",
                             field="method")  # fmt: skip
        study, suite, backend, seed, grid = _open(target)
        b = Budget(seed=seed, max_steps=_max_steps(max_steps, budget, grid), reference=grid)
        cache = Path(target) / "estimates" if study is not None else None
        aff, _ = run_estimator(method, suite, backend, b, cache_dir=cache, params=_params(param))
    except TaskAffinityError as err:
        _fail(err)
    _write_json(aff.to_dict(), out)


@app.command("compare")
def compare_cmd(
    target: Annotated[Path, typer.Argument(help="study folder with measured singles and pairs")],
    out: Annotated[Path | None, _JSON] = None,
    methods: Annotated[str | None, typer.Option(help="comma-separated estimators (all)")] = None,
    max_steps: Annotated[int | None, _MAX_STEPS] = None,
    budget: Annotated[float | None, _BUDGET] = None,
    force: Annotated[bool, typer.Option(help="recompute cached estimates")] = False,
    report: Annotated[bool, typer.Option(help="add the comparison to DIR/report.html")] = True,
) -> None:
    """Score every registered estimator against the study's measured gain matrix.

    Per estimator: Spearman (overall, per target), top-1 best partner, regret of the
    grouping chosen from it, cost fraction; adds a section to DIR/report.html.
    """
    from taskaffinity.affinity import compare_estimators, comparison_section, grid_cost
    from taskaffinity.study import open_study

    try:
        study = open_study(target)
        cap = _max_steps(max_steps, budget, grid_cost(study, study.config.seeds[0]))
        rows, matrices, truth = compare_estimators(
            study,
            methods.split(",") if methods else None,
            max_steps=cap,
            force=force,
            progress=lambda m: typer.echo(f"estimating: {m}", err=True),
        )
    except TaskAffinityError as err:
        _fail(err)
    _print_rows(rows)
    if report:
        from taskaffinity.report import write_study_report

        path = write_study_report(study, target, extra_sections=[
            comparison_section(rows, matrices, truth)])  # fmt: skip
        typer.echo(f"report: {path}", err=True)
    if out is not None:
        _write_json(rows, out)


def _print_rows(rows: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    from taskaffinity.report import fmt

    table = Table(title="Estimators vs measured transfer")
    cols = ("method", "spearman", "top1", "regret", "cost_fraction", "meets_target")
    for c in cols:
        table.add_column(c, justify="left" if c == "method" else "right")
    for r in rows:
        table.add_row(*(fmt(r[c], 3) for c in cols))
    Console(stderr=True).print(table)


@app.command("pvi")
def pvi_cmd(
    target: Annotated[Path, typer.Argument(help="study folder or study config YAML")],
    csv: Annotated[Path | None, typer.Option("--csv", help="per-instance PVI CSV")] = None,
    groups_csv: Annotated[Path | None, typer.Option(help="every tested task set, CSV")] = None,
    out: Annotated[Path | None, _JSON] = None,
    alpha: Annotated[float, typer.Option(help="significance level")] = 0.01,
    test: Annotated[str, typer.Option(help="'welch' or 'paired' t-test for pairs")] = "welch",
    split: Annotated[str, typer.Option(help="held-out split scored")] = "test",
) -> None:
    """Pointwise V-information per instance and task grouping by PVI.

    Two-sample t-tests for pairs, one-way ANOVA for 3+ tasks: tasks whose PVI
    distributions do not differ at alpha form candidate groups.
    """
    from taskaffinity.affinity import Budget, compute_pvi

    try:
        _, suite, backend, seed, _ = _open(target)
        result = compute_pvi(suite, backend, seed, split=split, budget=Budget(seed=seed))
        grouping = result.grouping(alpha=alpha, test=test, seed=seed)
    except TaskAffinityError as err:
        _fail(err)
    if csv is not None:
        typer.echo(f"wrote {result.to_csv(csv)}", err=True)
    if groups_csv is not None:
        typer.echo(f"wrote {grouping.to_csv(groups_csv)}", err=True)
    _print_groups(result, grouping)
    if out is not None:
        _write_json({
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
