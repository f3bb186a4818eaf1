"""Options and helpers shared by the affinity commands (``estimate``, ``compare``, ``pvi``):
opening a study folder or config, the step cap, ``--param`` parsing and JSON output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from taskaffinity.errors import InputError

__all__ = [
    "BUDGET",
    "JSON_OUT",
    "MAX_STEPS",
    "PARAM",
    "fail",
    "open_target",
    "parse_params",
    "step_cap",
    "write_json",
]

JSON_OUT = typer.Option("--json", help="write the result as JSON here ('-' = stdout)")
MAX_STEPS = typer.Option(
    "--max-steps", help="cap on the estimator's training steps (probe work included)"
)
BUDGET = typer.Option(
    "--budget", help="cap on steps as a fraction of the singles+pairs grid's steps, e.g. 0.1"
)
PARAM = typer.Option("--param", "-p", help="estimator hyperparameter KEY=VALUE (repeatable)")


def fail(err: Exception) -> None:
    typer.echo(f"error: {err}", err=True)
    raise typer.Exit(2)


def open_target(target: Path) -> tuple[Any, Any, Any, int, Any]:
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


def step_cap(max_steps: int | None, fraction: float | None, grid: Any) -> int | None:
    if fraction is None:
        return max_steps
    if grid is None or grid.steps <= 0:
        raise InputError("--budget needs a study with measured singles and pairs", field="budget")
    cap = max(1, int(fraction * grid.steps))
    return cap if max_steps is None else min(cap, max_steps)


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
