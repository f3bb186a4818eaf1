"""Command-line interface: thin Typer commands over the Python API.

Each ``_*.py`` module registers its commands on :data:`app` when imported.
"""

from __future__ import annotations

import importlib

from taskaffinity.cli._app import app

_COMMAND_MODULES = ("_study", "_analysis", "_grouping", "_surrogate", "_estimate", "_pvi")


def _register() -> None:
    for mod in _COMMAND_MODULES:
        try:
            importlib.import_module(f"taskaffinity.cli.{mod}")
        except ModuleNotFoundError as err:  # a module not written yet
            if err.name != f"taskaffinity.cli.{mod}":
                raise


def main() -> None:
    """Console-script entry point."""
    _register()
    app()


__all__ = ["app", "main"]
