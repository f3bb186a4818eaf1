"""Benchmark configs: a committed YAML file of a script's arguments names its result files.

``python benchmarks/X.py --config benchmarks/configs/X/NAME.yaml`` reads the YAML mapping
(keys are the script's option names, ``-`` or ``_`` alike; a list stands for a comma list,
or for a repeated option such as ``--backend``), uses it as the defaults of the command
line (flags given as well still win), and writes its results under
``benchmarks/results/X/NAME.*``: the result's path below ``results/X/`` is the config's path
below ``configs/X/`` (so ``configs/X/superseded/NAME.yaml`` writes
``results/X/superseded/NAME.*``). Without ``--config`` a script keeps its former flags
(``--stem``, ``--out``) and writes its default name into ``results/X/``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
CONFIGS = HERE / "configs"
RESULTS = HERE / "results"


def _value(action: argparse.Action, value: Any) -> Any:
    """A YAML value as the option's parsed value: a list stays a list for a repeated option
    or one of several values, and joins to a comma list otherwise."""
    if isinstance(action, argparse._AppendAction) or action.nargs in ("*", "+"):
        items = value if isinstance(value, list) else [value]
        return [action.type(v) if action.type else str(v) for v in items]
    if isinstance(value, list):
        value = ",".join(str(v) for v in value)
    if value is None or action.type is None or isinstance(value, bool):
        return value
    return action.type(value)


def result_stem(benchmark: str, config: Path) -> Path:
    """``results/<benchmark>/<config path below configs/<benchmark>/, no suffix>``."""
    folder = CONFIGS / benchmark
    try:
        rel = config.resolve().relative_to(folder)
    except ValueError:
        raise SystemExit(f"{config}: a {benchmark} config lives under {folder}") from None
    return RESULTS / benchmark / rel.with_suffix("")


def parse_args(
    parser: argparse.ArgumentParser, benchmark: str, argv: list[str] | None = None
) -> tuple[argparse.Namespace, Path | None]:
    """Parse ``argv`` with ``--config`` added; return the arguments and the result stem.

    The stem is ``None`` when no config was given (the script then uses its former
    default or its ``--stem``/``--out`` flags, written into ``results/<benchmark>/``).
    """
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        help=f"a YAML file under benchmarks/configs/{benchmark}/ (its name names the results)",
    )
    argv = sys.argv[1:] if argv is None else argv
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--config", type=Path, default=None)
    first, _ = pre.parse_known_args(argv)
    if first.config is None:
        return parser.parse_args(argv), None
    path: Path = first.config
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as err:
        raise SystemExit(f"{path}: {err}") from None
    if not isinstance(data, dict):
        raise SystemExit(f"{path}: a mapping of option names to values is expected")
    actions = {a.dest: a for a in parser._actions if a.dest not in ("help", "config")}
    defaults: dict[str, Any] = {}
    for key, value in data.items():
        dest = str(key).replace("-", "_")
        if dest not in actions:
            known = ", ".join(sorted(actions))
            raise SystemExit(f"{path}: unknown option {key!r} (known: {known})")
        defaults[dest] = _value(actions[dest], value)
    parser.set_defaults(**defaults)
    for action in parser._actions:
        if action.dest in defaults and action.required:
            action.required = False
    return parser.parse_args(argv), result_stem(benchmark, path)


def result_place(stem: Path | None, benchmark: str, name: str) -> tuple[str, Path]:
    """The result files' name (no suffix) and folder: the config's (``stem``, from
    :func:`parse_args`) when one was given, else ``name`` in ``results/<benchmark>/``."""
    if stem is not None:
        return stem.name, stem.parent
    return name, RESULTS / benchmark


def command_line() -> str:
    """The command as typed, for the result files' header."""
    return "python " + " ".join(sys.argv)
