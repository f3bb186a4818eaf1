"""Command-line interface: thin Typer commands over the Python API.

Every command module registers its commands on :data:`app` when imported; importing this
package imports all of them, so ``app`` is complete, then gives every command its help
text, summary and example (:func:`taskaffinity.cli._help.finish_help`).
"""

from __future__ import annotations

from taskaffinity.cli import (  # noqa: F401  (each module registers its commands)
    _analysis,
    _baseline,
    _estimate,
    _grouping,
    _pvi,
    _study,
    _surrogate,
)
from taskaffinity.cli._app import app
from taskaffinity.cli._help import finish_help

finish_help(app)


def main() -> None:
    """Console-script entry point."""
    app()


__all__ = ["app", "main"]
