"""``taskaffinity analyze`` through Typer's runner and as a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from taskaffinity.cli import app

SCORES = ",a,b,c\na,0.80,0.84,0.76\nb,0.50,0.50,0.45\nc,0.90,0.88,0.85\n"


@pytest.fixture
def files(tmp_path):
    s = tmp_path / "scores.csv"
    s.write_text(SCORES)
    c = tmp_path / "cats.csv"
    c.write_text("task,category\na,x\nb,x\nc,y\n")
    return s, c


def test_analyze_json_schema(files, tmp_path):
    scores, cats = files
    out = tmp_path / "a.json"
    res = CliRunner().invoke(app, ["analyze", str(scores), "--categories", str(cats),
                                   "--json", str(out)])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "Stability" in res.output and "positive: 3 of 6" in res.output
    j = json.loads(out.read_text())
    assert j["tasks"] == ["a", "b", "c"]
    assert j["gain_rate"][0][0] is None and j["gain_rate"][0][1] == pytest.approx(5.0)
    assert (j["positive"], j["total"]) == (3, 6)
    b = j["stability"][1]
    assert b["task"] == "b" and b["max_source"] is None and b["min_source"] == "c"
    assert {"target_category": "y", "source_category": "x", "results": 2, "positive": 2,
            "share": 1.0} in j["categories"]  # fmt: skip


def test_analyze_bad_csv_exits_2_with_location(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(",a,b\na,0.8,x\nb,1,1\n")
    res = CliRunner().invoke(app, ["analyze", str(bad)])
    assert res.exit_code == 2
    assert f"{bad}:2: field 'b'" in res.output


def test_analyze_writes_report(files, tmp_path):
    scores, _ = files
    res = CliRunner().invoke(app, ["analyze", str(scores), "--out", str(tmp_path / "rep"),
                                   "--lower-is-better"])  # fmt: skip
    assert res.exit_code == 0, res.output
    for name in ("report.html", "analysis.json", "tables.md", "gain_rate_heatmap.png"):
        assert (tmp_path / "rep" / name).is_file()
    assert json.loads((tmp_path / "rep" / "analysis.json").read_text())["higher_is_better"] is False


def test_console_script_json_to_stdout(files):
    scores, _ = files
    cmd = [sys.executable, "-c", "from taskaffinity.cli import main; main()",
           "analyze", str(scores), "--json", "-"]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["positive"] == 3


PAIRS = """target,source,seed,score
a,,0,0.80
a,,1,0.60
a,,2,0.70
a,b,0,0.84
a,b,1,0.66
a,b,2,0.70
b,,0,0.50
b,,1,0.50
b,,2,0.50
b,a,0,0.55
b,a,1,0.56
b,a,2,0.54
b,x,0,0.45
"""


def test_analyze_long_csv_keeps_its_seeds(tmp_path):
    scores = tmp_path / "pairs.csv"
    scores.write_text(PAIRS)
    out = tmp_path / "a.json"
    res = CliRunner().invoke(app, ["analyze", str(scores), "--json", str(out)])
    assert res.exit_code == 0, res.output
    assert "reliability: 1 of 3 cells have a settled sign" in " ".join(res.output.split())
    j = json.loads(out.read_text())
    assert j["tasks"] == ["a", "b"] and j["sources"] == ["a", "b", "x"]
    assert j["seeds"] == [0, 1, 2] and j["ci_kind"] == "seeds"
    assert j["gain_rate"][0][1] == pytest.approx(5.0)  # mean of 5, 10, 0 %
    assert j["settled"] == [[None, 0, None], [1, None, 0]]
    assert j["gain_rate_ci"][1][2] is None  # b <- x: one seed
    assert j["reliability"]["halves"] == [[0, 2], [1]]


def test_analyze_long_csv_error_exits_2_with_location(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("target,source,seed,score\na,,0,0.8\nb,a,0,0.5\n")
    res = CliRunner().invoke(app, ["analyze", str(bad)])
    assert res.exit_code == 2
    assert f"{bad}:3: field 'target'" in res.output and "'b' has no single" in res.output
