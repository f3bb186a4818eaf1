"""The CLI's help reads well: ``--version``; no sentence broken where a docstring line
ended; defaults shown; one example per command; on/off options shown and parsed as flags
(the spellings scripts use still accepted); choices listed from the registries; tables
that wrap instead of cutting at 80 columns."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

import pytest
import typer.main
from rich.console import Console
from typer.testing import CliRunner

from taskaffinity import __version__
from taskaffinity.affinity import ESTIMATORS
from taskaffinity.cli import app
from taskaffinity.cli._estimate import _print_rows
from taskaffinity.cli._help import EXAMPLES, clean_help, first_sentence
from taskaffinity.cli._table_args import SelectFormat
from taskaffinity.grouping import available_searches

WIDTH = 80


def _commands() -> Iterator[tuple[tuple[str, ...], object]]:
    """Every command and group of the app, as (argv prefix, click command)."""

    def walk(prefix: tuple[str, ...], cmd: object) -> Iterator[tuple[tuple[str, ...], object]]:
        yield prefix, cmd
        for name, sub in sorted(getattr(cmd, "commands", {}).items()):
            yield from walk((*prefix, name), sub)

    yield from walk((), typer.main.get_command(app))


COMMANDS = list(_commands())
IDS = [" ".join(p) or "taskaffinity" for p, _ in COMMANDS]


def _help(prefix: tuple[str, ...]) -> str:
    res = CliRunner().invoke(app, [*prefix, "--help"], env={"COLUMNS": str(WIDTH)})
    assert res.exit_code == 0, res.output
    return res.output


def test_version() -> None:
    res = CliRunner().invoke(app, ["--version"])
    assert res.exit_code == 0 and res.output.strip() == f"taskaffinity {__version__}"


def _description(text: str) -> list[str]:
    """The lines of the help's prose: after the usage line, before the first section
    (``Arguments:``, ``Options:``, ``Commands:``)."""
    lines = text.splitlines()
    out = []
    for line in lines[1:]:
        if re.match(r"^[A-Z][a-z]+:$", line):
            break
        out.append(line)
    return out


@pytest.mark.parametrize(("prefix", "cmd"), COMMANDS, ids=IDS)
def test_help_reads_well(prefix: tuple[str, ...], cmd: object) -> None:
    text = _help(prefix)
    assert "<bool>" not in text and "``" not in text and ":func:" not in text
    assert all(len(line) <= WIDTH for line in text.splitlines()), text
    # no sentence broken early: a line followed by more of its paragraph is full, i.e. the
    # next line's first word would not have fitted on it
    prose = _description(text)
    for a, b in itertools.pairwise(prose):
        if a.strip() and b.strip() and len(a) - len(a.lstrip()) == len(b) - len(b.lstrip()):
            first = b.split()[0]
            assert len(a) + 1 + len(first) > WIDTH, f"broken early:\n{a}\n{b}"
    if not getattr(cmd, "commands", None):  # a command (not a group): one example
        assert "Example:\n    taskaffinity " + " ".join(prefix) in text, text


def test_every_command_has_an_example() -> None:
    names = {" ".join(p) for p, cmd in COMMANDS if p and not getattr(cmd, "commands", None)}
    assert names <= set(EXAMPLES), names - set(EXAMPLES)
    for name, line in EXAMPLES.items():
        assert line.startswith(f"taskaffinity {name} ") and len(line) + 4 <= WIDTH


@pytest.mark.parametrize(("prefix", "cmd"), COMMANDS, ids=IDS)
def test_defaults_shown_and_flags_are_flags(prefix: tuple[str, ...], cmd: object) -> None:
    ctx = cmd.make_context(" ".join(prefix) or "taskaffinity", [], resilient_parsing=True)
    for param in cmd.params:
        if param.param_type_name != "option" or param.hidden:
            continue
        if param.type_descriptor.annotation is bool:
            assert param.is_flag, f"--{param.name} is not a flag"
        record = param.get_help_record(ctx)
        assert record is not None
        if param.default not in (None, False, ()) and param.name not in ("help", "version"):
            assert "[default: " in record[1], (param.name, record)


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "c.yaml", "--quiet"],
        ["run", "c.yaml", "-q", "--lease", "5"],
        ["demo", "-q", "-o", "d", "-w", "2"],
        ["compare", "d", "--no-report", "--force"],
        ["compare", "d", "--report", "--no-force"],
        ["analyze", "s.csv", "--lower-is-better"],
        ["analyze", "s.csv", "--no-lower-is-better"],
        ["select", "v.txt", "--budget", "1", "--hoa", "--lower-is-better"],
        ["surrogate", "t.csv", "--interactions"],
        ["status", "d", "--json", "--errors"],
    ],
)
def test_the_spellings_scripts_use_still_parse(argv: list[str]) -> None:
    group = typer.main.get_command(app)
    cmd = group.commands[argv[0]]
    ctx = cmd.make_context(argv[0], argv[1:])
    assert ctx.params  # parsed, nothing left over


def test_choices_come_from_the_registries() -> None:
    text = " ".join(_help(("estimate",)).split())
    assert all(name in text for name in ESTIMATORS.names())
    text = " ".join(_help(("compare",)).split())
    assert all(name in text for name in ESTIMATORS.names())
    text = _help(("select",))
    assert "<" + "|".join(f.value for f in SelectFormat) + ">" in text
    text = " ".join(_help(("partition",)).split())
    assert all(name in text for name in available_searches("partition"))


def test_clean_help_rewraps_and_drops_markup() -> None:
    doc = """Show runs.

        ``--json`` also gives :func:`taskaffinity.study.study_status`'s
        fields. Second sentence.
        """
    assert clean_help(doc) == (
        "Show runs.\n\n--json also gives study_status's fields. Second sentence."
    )
    assert first_sentence("One thing (e.g. x). Then more.\n\nNext.") == "One thing (e.g. x)."


def test_the_comparison_table_wraps_at_80_columns() -> None:
    rows = [
        {"method": "gradient_cosine", "spearman": 0.123456, "share_of_ceiling": 0.5678,
         "top1": 0.333, "regret": 12.3456, "cost_fraction": 0.012345, "meets_target": False},
        {"method": "a_plugin_estimator_with_a_long_name", "spearman": -0.25,
         "share_of_ceiling": None, "top1": 1.0, "regret": 0.0, "cost_fraction": 1.5,
         "meets_target": True},
    ]  # fmt: skip
    console = Console(width=WIDTH, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    _print_rows(rows, console=console)
    text = console.export_text()
    assert "…" not in text
    assert all(len(line) <= WIDTH for line in text.splitlines())
    joined = "".join(text.split())
    for value in ("0.123", "0.568", "12.3", "0.0123", "-0.25", "1.5", "yes", "no"):
        assert value in joined, value
    for word in ("share", "ceiling", "cost", "fraction", "meets", "target"):
        assert word in text
