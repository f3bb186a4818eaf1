"""``taskaffinity run``, ``status`` and ``demo``: thin commands over taskaffinity.study."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from taskaffinity.cli._app import app, fail
from taskaffinity.errors import TaskAffinityError

_OUT = typer.Option("--out", "-o", help="study folder (store, config copy, report)")
_WORKERS = typer.Option(
    "--workers", "-w", min=1, help="runs trained at the same time (overrides config)"
)
_QUIET = typer.Option("--quiet", "-q", help="no progress bar; log lines only")
_DRY_RUN = typer.Option(
    "--dry-run", help="list the runs to train and those stored, estimate the time; train nothing"
)
_PROBE = typer.Option(
    "--probe",
    help="with --dry-run and no stored run to learn from: time one single-task run in a "
    "temporary folder",
)
_REPLACE = typer.Option(
    "--replace-config",
    help="make this config the folder's although it trains other tasks or settings "
    "(every stored run is kept)",
)
_LEASE = typer.Option(
    "--lease",
    help="seconds a claim on a run lives without renewal; a run whose driver died is "
    "taken over by another driver after this long (at once on the same host)",
    min=0.1,
)


def _report_failures(summary) -> None:
    if summary.failures:
        typer.echo(f"{len(summary.failures)} run(s) failed:", err=True)
        for r in summary.failures:
            last = r.error.strip().splitlines()[-1] if r.error.strip() else "error"
            typer.echo(f"  {'+'.join(r.tasks)} (seed {r.seed}) [{r.key}]: {last}", err=True)
        typer.echo(
            f"full tracebacks: taskaffinity status {summary.out_dir}; "
            "run the same command again to retry failed runs",
            err=True,
        )
        raise typer.Exit(1)


def _logging(quiet: bool) -> None:
    if quiet:
        import logging

        logging.basicConfig(format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
        logging.getLogger("taskaffinity").setLevel(logging.INFO)


@app.command("run")
def run_cmd(
    config: Annotated[Path, typer.Argument(help="study config YAML")],
    out: Annotated[Path | None, _OUT] = None,
    workers: Annotated[int | None, _WORKERS] = None,
    quiet: Annotated[bool, _QUIET] = False,
    lease: Annotated[float, _LEASE] = 60.0,
    dry_run: Annotated[bool, _DRY_RUN] = False,
    probe: Annotated[bool, _PROBE] = False,
    replace_config: Annotated[bool, _REPLACE] = False,
) -> None:
    """Train every run of a study config not yet stored (resumes after any crash; failed
    runs are retried). OUT defaults to studies/NAME. Several `run`s may share one OUT (job
    arrays, several machines): each run is trained once. Exits 1 when a run failed, 2 on
    bad input or a store that cannot be used (deleted or replaced meanwhile, corrupt,
    disk full, read-only)."""
    from taskaffinity.config import load_config
    from taskaffinity.study import run_study

    _logging(quiet)
    try:
        cfg = load_config(config)
        out = out or Path("studies") / cfg.name
        if dry_run:
            _print_dry_run(cfg, out, workers=workers, probe=probe)
            return
        summary = run_study(
            cfg,
            out,
            workers=workers,
            progress=not quiet,
            lease=lease,
            replace_config=replace_config,
        )
    except TaskAffinityError as err:
        fail(err)
    others = f", {summary.elsewhere} by other drivers" if summary.elsewhere else ""
    typer.echo(
        f"{summary.complete}/{summary.total} runs complete in {out} "
        f"({summary.trained} trained now, {summary.skipped} already stored{others}, "
        f"{summary.seconds:.1f} s)"
    )
    _refresh_report(out, changed=bool(summary.trained or summary.elsewhere or replace_config))
    _report_failures(summary)


def _refresh_report(out: Path, *, changed: bool) -> None:
    """Write the study's report and tables when this call changed the store (or the folder
    has no report yet), so a folder never holds a report older than its runs; then print
    the warnings on what its results cannot mean (training changed nothing, a task at its
    trivial baseline, an undefined gain rate, too few test examples)."""
    from taskaffinity.recommendation import study_warnings
    from taskaffinity.report import write_study_report
    from taskaffinity.study import open_study

    try:
        study = open_study(out)
        if not study.complete:
            return
        if changed or not (out / "report.html").is_file():
            typer.echo(f"report: {write_study_report(study, out)}")
        warnings = study_warnings(study)
    except TaskAffinityError as err:
        typer.echo(f"report not written: {err}", err=True)
        return
    for warning in warnings:
        typer.echo(f"warning: {warning.message}", err=True)


def _print_dry_run(cfg, out: Path, *, workers: int | None, probe: bool) -> None:
    """Print what ``run`` would train in ``out`` and how long it may take."""
    from taskaffinity.study import dry_run

    plan = dry_run(cfg, out, workers=workers, probe=probe)
    if plan.differences:
        typer.echo(
            f"{out} holds another study ({'; '.join(plan.differences)}): `run` would refuse "
            "this config unless given --replace-config or another --out",
            err=True,
        )
    retried = f" ({plan.failed} stored failed, to retry)" if plan.failed else ""
    typer.echo(
        f"{len(plan.to_train) + len(plan.stored)} planned runs: {len(plan.stored)} already "
        f"stored in {out}, {len(plan.to_train)} to train{retried}"
    )
    for spec in plan.to_train:
        typer.echo(f"  train {'+'.join(spec.tasks)} (seed {spec.seed}) [{spec.key}]")
    if plan.seconds is None:
        typer.echo(f"estimated time: {plan.basis}")
    else:
        minutes = plan.seconds / 60
        typer.echo(f"estimated time: {minutes:.1f} min with {plan.workers} worker(s), {plan.basis}")


@app.command("status")
def status_cmd(
    out: Annotated[Path, typer.Argument(help="study folder")],
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable JSON")] = False,
    errors: Annotated[bool, typer.Option("--errors", help="print failed runs' tracebacks")] = False,
) -> None:
    """Show which runs of a study are complete, failed or pending, and which driver
    (host:pid) is training each claimed run. Reads the store without writing (a read-only
    folder will do). ``--json`` also gives each run's ``metrics``, ``{task: {metric:
    value}}`` (empty for a run not stored complete)."""
    from taskaffinity.study import study_status

    try:
        status = study_status(out)
    except TaskAffinityError as err:
        fail(err)
    if as_json:
        typer.echo(json.dumps(status.to_dict()))
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    claimed = f", {status.claimed} being trained" if status.claimed else ""
    headline = f"{out}: {status.complete}/{status.total} complete, {status.failed} failed{claimed}"
    if status.outside:
        headline += (
            f"; {status.outside} more stored run(s) lie outside the current config "
            "(kept in the store, not in this plan)"
        )
    table = Table()
    columns = ["key", "tasks", "seed", "status", "holder"]
    if status.failures:
        columns.append("error")
    for col in columns:
        table.add_column(col)
    colour = {"complete": "green", "failed": "red", "pending": "yellow", "running": "cyan"}
    for r in status.runs:
        holder = ""
        if r.holder is not None:
            note = " (driver gone)" if r.holder_gone else " (lease expired)"
            holder = r.holder + ("" if r.live else note)
        state = f"[{colour[r.state]}]{r.state}"
        cells: list[str | Text] = [r.key, "+".join(r.tasks), str(r.seed), state, holder]
        if status.failures:
            cells.append(Text(r.last_error if r.status == "failed" else ""))
        table.add_row(*cells)
    console = Console()
    console.print(headline, soft_wrap=True, markup=False, highlight=False)
    console.print(table)
    if errors:
        for r in status.failures:
            console.rule(f"{'+'.join(r.tasks)} (seed {r.seed}) [{r.key}]")
            console.print(r.error, markup=False, highlight=False)


@app.command("demo")
def demo_cmd(
    out: Annotated[Path, _OUT] = Path("taskaffinity-demo"),
    workers: Annotated[int | None, _WORKERS] = None,
    quiet: Annotated[bool, _QUIET] = False,
) -> None:
    """Run the Classical Chinese demo study (singles, pairs, all tasks; scratch backend) and
    write its report; a second call reuses the stored runs."""
    from taskaffinity.demo import run_demo

    _logging(quiet)
    try:
        summary, report = run_demo(out, workers=workers, progress=not quiet)
    except TaskAffinityError as err:
        fail(err)
    typer.echo(
        f"{summary.complete}/{summary.total} runs complete ({summary.trained} trained now, "
        f"{summary.seconds:.1f} s)"
    )
    if report is not None:
        typer.echo(f"report: {report.resolve()}")
        typer.echo(f"analysis: {(report.parent / 'analysis.json').resolve()}")
    _report_failures(summary)
