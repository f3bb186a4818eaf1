"""CLI: select, partition, surrogate on small synthetic tables (and published ones)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from taskaffinity.cli import app

RUN = CliRunner()
STANDLEY = (
    "0.1\t0.2\t0.3\n0.11\t\t\n\t0.21\t\n\t\t0.31\n0.09\t0.19\t\n"
    "\t0.18\t0.28\n0.1\t\t0.25\n0.08\t0.18\t0.28\n"
)


def _standley(tmp_path: Path) -> Path:
    path = tmp_path / "r.txt"
    path.write_text(STANDLEY)
    return path


def test_select_json(tmp_path: Path) -> None:
    val = _standley(tmp_path)
    out = tmp_path / "sel.json"
    res = RUN.invoke(
        app,
        [
            "select",
            str(val),
            "--test",
            str(val),
            "--format",
            "standley",
            "--budget",
            "1",
            "--budget",
            "2",
            "--json",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(out.read_text())
    assert [d["budget"] for d in data] == [1, 2]
    for d in data:
        assert set(d) >= {"budget", "networks", "objective", "test_objective"}
        assert sum(n["cost"] for n in d["networks"]) <= d["budget"]
        assert d["objective"] == pytest.approx(d["test_objective"])
    res = RUN.invoke(
        app,
        ["select", str(val), "--format", "standley", "--budget", "2", "--hoa", "--json", str(out)],
    )
    assert res.exit_code == 0, res.output
    assert json.loads(out.read_text())[0]["chosen_on"] == "hoa"


def test_partition_and_errors(tmp_path: Path) -> None:
    val = _standley(tmp_path)
    out = tmp_path / "p.json"
    res = RUN.invoke(
        app,
        ["partition", str(val), "--format", "standley", "--max-groups", "2", "--json", str(out)],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(out.read_text())
    assert data[0]["budget"] is None and len(data[0]["networks"]) <= 2
    bad = tmp_path / "bad.txt"
    bad.write_text("0.1\t0.2\n0.1\n")
    res = RUN.invoke(app, ["select", str(bad), "--format", "standley", "--budget", "1"])
    assert res.exit_code == 2 and "bad.txt:2" in res.output
    res = RUN.invoke(app, ["select", str(val), "--format", "mtgnet", "--budget", "1"])
    assert res.exit_code == 2 and "--members" in res.output


def test_partition_method_from_the_registry(tmp_path: Path) -> None:
    val = _standley(tmp_path)
    out = tmp_path / "p.json"
    base = ["partition", str(val), "--format", "standley", "--json", str(out)]
    res = RUN.invoke(app, [*base, "--method", "milp_partition"])
    assert res.exit_code == 0, res.output
    assert json.loads(out.read_text())[0]["method"] == "milp_partition"
    res = RUN.invoke(app, [*base, "--method", "beam"])  # a former name: accepted, with a warning
    assert res.exit_code == 0 and "deprecated; use --method beam_partition" in res.output
    assert json.loads(out.read_text())[0]["method"] == "beam_partition"
    res = RUN.invoke(app, [*base, "--method", "magic"])
    assert res.exit_code == 2 and "unknown partition method 'magic'" in res.output
    res = RUN.invoke(app, ["partition", "--help"])
    assert "dp_partition" in res.output and "auto" in res.output


def test_csv_and_surrogate(tmp_path: Path) -> None:
    import itertools
    import random

    rng = random.Random(0)
    rows = ["group,task,score"]
    tasks = ["a", "b", "c", "d"]
    for k in range(1, 5):
        for grp in itertools.combinations(tasks, k):
            for t in grp:
                rows.append(f"{'+'.join(grp)},{t},{rng.random():.3f}")
    path = tmp_path / "t.csv"
    path.write_text("\n".join(rows) + "\n")
    res = RUN.invoke(app, ["select", str(path), "--format", "csv", "--budget", "2"])
    assert res.exit_code == 0, res.output
    out = tmp_path / "s.json"
    res = RUN.invoke(
        app,
        [
            "surrogate",
            str(path),
            "--format",
            "csv",
            "--samples",
            "6",
            "--repeats",
            "2",
            "--json",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(out.read_text())
    assert {r["method"] for r in data["summary"]} == {"surrogate", "hoa"}


def test_mtgnet_published(published: Path, tmp_path: Path) -> None:
    d = published / "mtgnet2022" / "ETT"
    out = tmp_path / "e.json"
    res = RUN.invoke(
        app,
        [
            "select",
            str(d / "ETTm1_val_y.csv"),
            "--test",
            str(d / "ETTm1_y.csv"),
            "--members",
            str(d / "ETTm1_x.csv"),
            "--format",
            "mtgnet",
            "--budget",
            "2",
            "--budget",
            "3",
            "--json",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    assert [len(r["networks"]) <= r["budget"] for r in json.loads(out.read_text())] == [True] * 2
