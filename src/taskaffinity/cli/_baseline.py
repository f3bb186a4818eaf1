"""``taskaffinity baseline fewshot``: the study's model prompted with demonstrations, no
training, scored like the fine-tuned runs (:func:`taskaffinity.study.run_fewshot`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from taskaffinity.cli._affinity_args import write_json
from taskaffinity.cli._app import WrappingGroup, app, fail
from taskaffinity.errors import TaskAffinityError

__all__ = ["baseline_app"]

baseline_app = typer.Typer(
    help="Baselines to compare fine-tuned scores with.",
    no_args_is_help=True,
    rich_markup_mode=None,
    cls=WrappingGroup,
)
app.add_typer(baseline_app, name="baseline")


@baseline_app.command("fewshot")
def fewshot_cmd(
    config: Annotated[Path, typer.Argument(help="study config YAML")],
    shots: Annotated[
        int | None,
        typer.Option(
            "--shots",
            min=0,
            help="demonstrations per task (default: the number of classes for "
            "classification, 3 for tagging and generation)",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="study folder (default studies/NAME): fewshot.json"),
    ] = None,
    as_json: Annotated[
        Path | None, typer.Option("--json", help="also write the result as JSON here ('-': stdout)")
    ] = None,
    seed: Annotated[
        int | None, typer.Option(help="seed of the demonstrations (default: the study's first)")
    ] = None,
) -> None:
    """Prompt the study's model with K training demonstrations per task (no training),
    score every test split with the task's metrics and keep the result in the study folder,
    where `taskaffinity report` shows it beside the fine-tuned scores."""
    from taskaffinity.config import load_config
    from taskaffinity.study import FEWSHOT_NAME, run_fewshot

    try:
        cfg = load_config(config)
        folder = out or Path("studies") / cfg.name
        result = run_fewshot(cfg, folder, shots=shots, seed=seed, progress=True)
    except TaskAffinityError as err:
        fail(err)
    typer.echo(f"wrote {folder / FEWSHOT_NAME}", err=True)
    if as_json is not None:
        write_json(result.to_dict(), as_json)
