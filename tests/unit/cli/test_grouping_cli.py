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


AFFINITY = "target\\source,a,b,c\na,,0.4,-0.3\nb,0.5,,-0.2\nc,0.1,-0.1,\n"


def test_select_from_an_affinity_csv(tmp_path: Path) -> None:
    from taskaffinity.grouping import select_from_affinity
    from taskaffinity.tables import read_affinity

    path = tmp_path / "aff.csv"
    path.write_text(AFFINITY)
    out = tmp_path / "sel.json"
    args = ["select", str(path), "--format", "affinity", "--budget", "2", "--budget", "1"]
    res = RUN.invoke(app, [*args, "--json", str(out)])
    assert res.exit_code == 0, res.output
    data = json.loads(out.read_text())
    assert [d["budget"] for d in data] == [1, 2]
    assert [n["tasks"] for n in data[0]["networks"]] == [["a", "b", "c"]]
    assert [n["tasks"] for n in data[1]["networks"]] == [["a", "b"], ["a", "c"]]
    assert data[1]["objective"] == pytest.approx((0.4 + 0.5 + 0.1) / 3)
    assert data[1]["chosen_on"] == "affinity" and data[1]["singleton_score"] == -1e6
    api = select_from_affinity(read_affinity(path), 2)
    assert data[1]["objective"] == api.predicted and data[1]["exact"] is True
    res = RUN.invoke(app, [*args, "--singleton-score", "0", "--json", str(out)])
    assert res.exit_code == 0 and json.loads(out.read_text())[1]["singleton_score"] == 0


def test_select_from_the_json_an_estimate_writes(tmp_path: Path) -> None:
    import numpy as np

    from taskaffinity.types import AffinityMatrix

    values = np.array([[np.nan, 0.4, -0.3], [0.5, np.nan, -0.2], [0.1, -0.1, np.nan]])
    path = tmp_path / "tag.json"
    path.write_text(json.dumps(AffinityMatrix(("a", "b", "c"), values, "tag").to_dict()))
    out = tmp_path / "sel.json"
    res = RUN.invoke(
        app, ["select", str(path), "--format", "affinity", "--budget", "2", "--json", str(out)]
    )
    assert res.exit_code == 0, res.output
    assert [n["tasks"] for n in json.loads(out.read_text())[0]["networks"]] == [
        ["a", "b"],
        ["a", "c"],
    ]


def test_select_from_a_score_matrix_with_hoa(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text(",a,b,c\na,0.8,0.84,0.79\nb,0.5,0.52,0.55\nc,0.9,0.88,0.91\n")
    out = tmp_path / "sel.json"
    base = ["select", str(path), "--format", "matrix", "--json", str(out)]
    res = RUN.invoke(app, [*base, "--budget", "1"])  # no measured network covers a, b, c
    assert res.exit_code == 2 and "no selection within budget 1" in res.output
    res = RUN.invoke(app, [*base, "--budget", "1", "--hoa"])
    assert res.exit_code == 0, res.output
    rec = json.loads(out.read_text())[0]
    assert [n["tasks"] for n in rec["networks"]] == [["a", "b", "c"]]
    # HOA: each task's mean score in its two pairs
    hoa = (0.84 + 0.79) / 2 + (0.5 + 0.55) / 2 + (0.9 + 0.88) / 2
    assert rec["objective"] == pytest.approx(hoa) and rec["chosen_on"] == "hoa"
    assert rec["val_objective"] is None  # the matrix did not measure a+b+c
    res = RUN.invoke(app, [*base, "--budget", "3"])
    assert res.exit_code == 0, res.output
    rec = json.loads(out.read_text())[0]
    assert rec["objective"] == pytest.approx(0.84 + 0.55 + 0.91)


@pytest.mark.parametrize(
    ("fmt", "text", "where"),
    [
        ("affinity", "x,a,b\na,,1\nb,zz,\n", "m.csv:3: field 'a': 'zz' is not a number"),
        ("matrix", "x,a,b\na,1,1\nc,2,1\n", "m.csv:3: field 'task': row task 'c'"),
        ("affinity", "x,a,b,c\na,,1,2\nb,3,,4\n", "m.csv:1: field 'c': no row for task(s)"),
    ],
)
def test_a_malformed_matrix_is_a_one_line_error(
    tmp_path: Path, fmt: str, text: str, where: str
) -> None:
    path = tmp_path / "m.csv"
    path.write_text(text)
    res = RUN.invoke(app, ["select", str(path), "--format", fmt, "--budget", "2"])
    assert res.exit_code == 2 and where in res.output
    assert len(res.output.strip().splitlines()) == 1


def test_options_that_do_not_apply(tmp_path: Path) -> None:
    path = tmp_path / "aff.csv"
    path.write_text(AFFINITY)
    aff = ["select", str(path), "--format", "affinity", "--budget", "2"]
    res = RUN.invoke(app, [*aff, "--hoa"])
    assert res.exit_code == 2 and "--hoa does not apply to --format affinity" in res.output
    res = RUN.invoke(app, [*aff, "--test", str(path)])
    assert res.exit_code == 2 and "--test does not apply" in res.output
    val = _standley(tmp_path)
    std = ["select", str(val), "--format", "standley", "--budget", "2"]
    res = RUN.invoke(app, [*std, "--singleton-score", "0"])
    assert res.exit_code == 2 and "--singleton-score applies to --format affinity" in res.output
    res = RUN.invoke(app, [*std, "--max-group-size", "2"])
    assert res.exit_code == 2 and "--max-group-size applies" in res.output
