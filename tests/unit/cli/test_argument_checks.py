"""Command-line arguments checked before any work: counts and budgets out of range, and
errors in a ``--test`` table or a categories file name that file."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from taskaffinity.cli import app
from taskaffinity.testing import write_toy_config

RUN = CliRunner()
STANDLEY = "0.5\t0.5\t0.5\n0.4\t0.3\t\n\t0.3\t0.2\n0.3\t0.3\t0.3\n"


def _clean(res, *names: str) -> None:
    assert res.exit_code == 2, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert "Traceback" not in res.output
    for name in names:
        assert name in res.output, res.output


@pytest.mark.parametrize("workers", ["-3", "0"])
def test_run_workers_must_be_positive(tmp_path: Path, workers: str) -> None:
    cfg = write_toy_config(tmp_path / "toy.yaml", seeds="[0]")
    res = RUN.invoke(app, ["run", str(cfg), "--out", str(tmp_path / "out"), "-w", workers])
    _clean(res, "--workers")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("option", "value"), [("--max-groups", "-1"), ("--groups", "0"), ("--budget", "nan")]
)
def test_partition_counts_and_budgets(tmp_path: Path, option: str, value: str) -> None:
    val = tmp_path / "val.txt"
    val.write_text(STANDLEY)
    res = RUN.invoke(app, ["partition", str(val), f"{option}={value}"])
    _clean(res, "--max-groups" if option == "--max-groups" else option.strip("-"))


@pytest.mark.parametrize("value", ["-1", "nan", "inf"])
def test_select_budget_must_be_a_finite_non_negative_number(tmp_path: Path, value: str) -> None:
    val = tmp_path / "val.txt"
    val.write_text(STANDLEY)
    _clean(RUN.invoke(app, ["select", str(val), f"--budget={value}"]), "field 'budget'")


@pytest.mark.parametrize(
    "test",
    [
        "0.5\t0.5\n0.4\t0.3\n",  # other tasks
        STANDLEY.replace("0.3\t0.3\t0.3\n", "0.3\t0.3\t\n"),  # not the chosen networks
    ],
)
def test_test_table_errors_name_the_test_file(tmp_path: Path, test: str) -> None:
    (tmp_path / "val.txt").write_text(STANDLEY)
    (tmp_path / "test.txt").write_text(test)
    for cmd in (["select", "--budget", "2"], ["partition"]):
        args = [cmd[0], str(tmp_path / "val.txt"), *cmd[1:], "--test", str(tmp_path / "test.txt")]
        _clean(RUN.invoke(app, args), "test.txt")


def test_categories_missing_a_task_name_the_file(tmp_path: Path) -> None:
    (tmp_path / "s.csv").write_text(",a,b\na,0.8,0.9\nb,0.5,0.6\n")
    (tmp_path / "c.csv").write_text("task,category\na,x\n")
    args = ["analyze", str(tmp_path / "s.csv"), "--categories", str(tmp_path / "c.csv")]
    res = RUN.invoke(app, args)
    _clean(res, "c.csv", "field 'category'", "task(s) b")


def test_analyze_refuses_a_matrix_without_its_diagonal(tmp_path: Path) -> None:
    (tmp_path / "s.csv").write_text(",a,b\na,,0.9\nb,0.5,\n")
    res = RUN.invoke(app, ["analyze", str(tmp_path / "s.csv"), "--out", str(tmp_path / "out")])
    _clean(res, "s.csv:2:", "field 'a'")
    assert not (tmp_path / "out").exists()
