"""Options and helpers shared by the affinity commands (``estimate``, ``compare``, ``pvi``):
the budget options, ``--param`` parsing and JSON output."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import typer

from taskaffinity.errors import InputError

__all__ = [
    "BUDGET",
    "JSON_OUT",
    "MAX_STEPS",
    "PARAM",
    "check_budget",
    "parse_params",
    "write_json",
]

JSON_OUT = typer.Option("--json", help="write the result as JSON here ('-' = stdout)")
MAX_STEPS = typer.Option(
    "--max-steps", min=1, help="cap on the estimator's training steps (probe work included)"
)
BUDGET = typer.Option(
    "--budget", help="cap on steps as a fraction of the singles+pairs grid's steps, e.g. 0.1"
)
PARAM = typer.Option("--param", "-p", help="estimator hyperparameter KEY=VALUE (repeatable)")


def check_budget(budget: float | None) -> None:
    """Raise InputError (field ``budget``) unless ``budget`` is None or a finite fraction
    > 0 of the grid's steps."""
    if budget is not None and not (math.isfinite(budget) and budget > 0):
        raise InputError(f"a budget is a fraction > 0 of the grid, got {budget}", field="budget")


def parse_params(items: list[str] | None) -> dict[str, Any]:
    import yaml

    out = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InputError(f"expected KEY=VALUE, got {item!r}", field="param")
        out[key.strip()] = yaml.safe_load(value)
    return out


def write_json(data: Any, out: Path | None) -> None:
    text = json.dumps(data, indent=2, default=float, allow_nan=True)
    if out is None or str(out) == "-":
        typer.echo(text)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text + "\n", encoding="utf-8")
        typer.echo(f"wrote {out}", err=True)
