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
        summary = run_study(cfg, out, workers=workers, progress=not quiet, lease=lease)
    except TaskAffinityError as err:
        fail(err)
    others = f", {summary.elsewhere} by other drivers" if summary.elsewhere else ""
    typer.echo(
        f"{summary.complete}/{summary.total} runs complete in {out} "
        f"({summary.trained} trained now, {summary.skipped} already stored{others}, "
        f"{summary.seconds:.1f} s)"
    )
    _report_failures(summary)


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
    from taskaffinity.study import ResultStore, holder_is_dead, store_errors, study_status

    try:
        status = study_status(out)
    except TaskAffinityError as err:
        fail(err)
    if as_json:
        path = Path(out) / "study.sqlite"
        try:
            with store_errors(path), ResultStore(path, readonly=True) as store:
                stored = {r["key"]: r["result"] for r in store.rows()}
        except TaskAffinityError as err:
            fail(err)
        for run in status["runs"]:
            record = json.loads(stored.get(run["key"]) or "{}")
            run["metrics"] = record.get("metrics", {}) if run["status"] == "complete" else {}
        typer.echo(json.dumps(status))
        return
    from rich.console import Console
    from rich.table import Table

    claimed = f", {status['claimed']} being trained" if status["claimed"] else ""
    headline = (
        f"{out}: {status['complete']}/{status['total']} complete, "
        f"{status['failed']} failed{claimed}"
    )
    table = Table()
    for col in ("key", "tasks", "seed", "status", "holder"):
        table.add_column(col)
    colour = {"complete": "green", "failed": "red", "pending": "yellow", "running": "cyan"}
    for r in status["runs"]:
        state, holder = r["status"], ""
        if r["holder"] is not None:
            gone = holder_is_dead(r["holder"])
            live = r["lease_left"] > 0 and not gone
            state = "running" if live else state
            note = " (driver gone)" if gone else " (lease expired)"
            holder = r["holder"] + ("" if live else note)
        table.add_row(
            r["key"], "+".join(r["tasks"]), str(r["seed"]), f"[{colour[state]}]{state}", holder
        )
    console = Console()
    console.print(headline, soft_wrap=True, markup=False, highlight=False)
    console.print(table)
    if errors:
        path = Path(out) / "study.sqlite"
        try:
            with store_errors(path), ResultStore(path, readonly=True) as store:
                rows = store.rows()
        except TaskAffinityError as err:
            fail(err)
        for row in rows:
            if row["status"] == "failed":
                console.rule(f"{'+'.join(row['tasks'])} (seed {row['seed']}) [{row['key']}]")
                console.print(row["error"], markup=False, highlight=False)


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
