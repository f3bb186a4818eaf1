"""``taskaffinity estimate``, ``compare`` and ``pvi`` on a tiny synthetic study."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from taskaffinity.affinity import available
from taskaffinity.cli import app
from taskaffinity.testing import write_synthetic_study

NAMES = ("first", "count", "last")


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    from taskaffinity.study import run_study

    root = tmp_path_factory.mktemp("study")
    write_synthetic_study(root, NAMES, seeds=(0,))
    run_study(root / "config.yaml", root / "out", progress=False)
    return root


def test_estimate_writes_the_affinity_json(study):
    out = study / "tag.json"
    res = CliRunner().invoke(app, ["estimate", str(study / "out"), "--method", "tag",
                                   "--json", str(out), "-p", "every=3"])  # fmt: skip
    assert res.exit_code == 0, res.output
    data = json.loads(out.read_text())
    assert data["tasks"] == list(NAMES) and data["method"] == "tag"
    assert data["values"][0][0] is None and len(data["values"]) == 3
    assert data["params"]["every"] == 3
    assert data["cost"]["steps"] > 0 and 0 < data["cost"]["fraction"] < 5


def test_estimate_unknown_method_is_a_clear_error(study):
    res = CliRunner().invoke(app, ["estimate", str(study / "out"), "--method", "nope"])
    assert res.exit_code == 2 and "unknown estimator" in res.output


def test_compare_scores_every_estimator_and_reports(study):
    out = study / "compare.json"
    res = CliRunner().invoke(app, ["compare", str(study / "out"), "--json", str(out)])
    assert res.exit_code == 0, res.output
    rows = json.loads(out.read_text())
    assert {r["method"] for r in rows} == set(available())  # every registered estimator
    for r in rows:
        assert {"method", "spearman", "top1", "regret", "cost_fraction"} <= set(r)
        assert r["regret"] >= 0 and set(r["per_target"]) == set(NAMES)
    html = (study / "out" / "report.html").read_text()
    assert "Estimators vs measured transfer" in html
    assert (study / "out" / "estimators_scatter.png").is_file()
    again = CliRunner().invoke(app, ["compare", str(study / "out"), "--json", str(out)])
    assert again.exit_code == 0 and json.loads(out.read_text()) == rows  # cached estimates


def test_pvi_command_writes_csv_and_groups(study):
    csv_out, js = study / "pvi.csv", study / "pvi.json"
    res = CliRunner().invoke(app, ["pvi", str(study / "config.yaml"), "--csv", str(csv_out),
                                   "--json", str(js)])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert csv_out.read_text().splitlines()[0] == "task,split,index,pvi"
    data = json.loads(js.read_text())
    assert set(data["v_information"]) == set(NAMES) and data["proposed"]
    assert len(data["tested"]) == 4  # 3 pairs + 1 triple
