"""The Typer application every CLI module registers its commands on, the ``--version``
option, and the one way a command reports a user error.

Help is printed in plain form (``rich_markup_mode=None``): paragraphs rewrapped to the
terminal, on/off options shown as flags (``--quiet``, ``--force/--no-force``), defaults in
``[default: ...]``; the command list gives each command's first sentence, wrapped rather
than cut (:class:`WrappingGroup`).
"""

from __future__ import annotations

from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

__all__ = ["WrappingGroup", "app", "fail"]


class WrappingGroup(TyperGroup):
    """A command group whose command list shows each command's whole summary (its
    ``short_help``), wrapped to the terminal instead of cut with ``...``."""

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                rows.append((name, cmd.get_short_help_str(limit=10_000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


app = typer.Typer(
    name="taskaffinity",
    help="Which tasks should be trained together? Measure, analyse, estimate, group, report.",
    epilog="\b\nExample (a study on the built-in Classical Chinese suite, then its report):\n"
    "  taskaffinity run examples/zh_classical.yaml --workers 2\n"
    "  taskaffinity report studies/zh-classical-demo",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    cls=WrappingGroup,
)


def _print_version(value: bool) -> None:
    if value:
        from taskaffinity import __version__

        typer.echo(f"taskaffinity {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_print_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    pass


def fail(err: Exception) -> NoReturn:
    """Print ``error: <err>`` (file, line and field included) to stderr and exit 2."""
    typer.echo(f"error: {err}", err=True)
    raise typer.Exit(2)
