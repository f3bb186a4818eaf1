"""The Typer application every CLI module registers its commands on."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="taskaffinity",
    help="Which tasks should be trained together? Measure, analyse, estimate, group, report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
