"""The Typer application every CLI module registers its commands on, and the one way a
command reports a user error."""

from __future__ import annotations

from typing import NoReturn

import typer

__all__ = ["app", "fail"]

app = typer.Typer(
    name="taskaffinity",
    help="Which tasks should be trained together? Measure, analyse, estimate, group, report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def fail(err: Exception) -> NoReturn:
    """Print ``error: <err>`` (file, line and field included) to stderr and exit 2."""
    typer.echo(f"error: {err}", err=True)
    raise typer.Exit(2)
