"""The recommendation over every combination, measured or predicted: ``select STUDY_DIR`` on
an active-plan study of a replayed table equals brute force over the predicted gains."""

from __future__ import annotations

import html
import itertools
import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from taskaffinity.cli import app
from taskaffinity.errors import InputError
from taskaffinity.recommendation import recommend_predicted
from taskaffinity.study import open_study, run_study

TASKS = ("a", "b", "c", "d")


def _table(path: Path) -> None:
    """Every combination of four tasks, two seeds: a and b help each other, c and d too,
    across the two a task loses; small seed noise."""
    rng = np.random.default_rng(1)
    lines = ["group,task,score,seed"]
    for k in range(1, 5):
        for group in itertools.combinations(TASKS, k):
            for t in group:
                mates = [o for o in group if o != t]
                same = [(t in "ab") == (o in "ab") for o in mates]
                effect = sum(0.04 if s else -0.03 for s in same)
                for seed in (0, 1):
                    v = 0.6 + 0.02 * TASKS.index(t) + effect + rng.normal(0, 0.003)
                    lines.append(f"{'+'.join(group)},{t},{v:.5f},{seed}")
    path.write_text("\n".join(lines) + "\n")


@pytest.fixture(scope="module")
def study_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("predicted")
    _table(folder / "t.csv")
    config = {
        "name": "predicted",
        "backend": {"name": "replay", "format": "long", "table": "t.csv"},
        "plan": {
            "groups": [["a", "b"]],
            "active": {"max_runs": 8, "seed": 1, "batch": 2, "until": "budget"},
        },
        "seeds": [0, 1],
        "budgets": [1, 2, 3],
    }
    (folder / "study.yaml").write_text(yaml.safe_dump(config))
    assert run_study(folder / "study.yaml", folder / "out", progress=False).ok
    return folder / "out"


def _brute(values: np.ndarray, members: np.ndarray, budget: int) -> float:
    """The best sum over tasks of each task's best value among at most ``budget`` rows."""
    best = -np.inf
    for k in range(1, budget + 1):
        for rows in itertools.combinations(range(len(values)), k):
            sub = np.where(members[list(rows)], values[list(rows)], -np.inf).max(axis=0)
            if np.all(np.isfinite(sub)):
                best = max(best, float(sub.sum()))
    return best


def test_select_equals_brute_force_over_measured_and_predicted(
    study_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "sel.json"
    res = CliRunner().invoke(
        app, ["select", str(study_dir), "--budget", "2", "--budget", "3", "--json", str(out)]
    )
    assert res.exit_code == 0, res.output
    records = json.loads(out.read_text())
    rec = recommend_predicted(open_study(study_dir), [2, 3])
    pred, measured = rec.prediction, rec.measured
    assert len(pred.groups) == 15 and 0 < int(pred.measured.sum()) == 8 < 15
    values = np.array(pred.mean, copy=True)
    for g, grp in enumerate(pred.groups):  # measured combinations at their measured means
        if grp in measured.groups:
            values[g] = measured.scores[measured.groups.index(grp)]
    members = pred.members
    stored = {tuple(r.tasks) for r in open_study(study_dir).complete}
    for record, budget in zip(records, (2, 3), strict=True):
        assert record["budget"] == budget
        assert record["objective"]["mean"] == pytest.approx(_brute(values, members, budget))
        assert record["objective"]["low"] <= record["objective"]["mean"]
        assert record["objective"]["mean"] <= record["objective"]["high"]
        networks = record["networks"]
        assert len(networks) <= budget
        for net in networks:
            assert net["measured"] == (tuple(net["tasks"]) in stored)
            assert set(net["gains"]) == set(net["tasks"])
            for g in net["gains"].values():
                assert g["low"] <= g["mean"] <= g["high"]
        for task, k in record["assignment"].items():
            assert task in networks[k]["tasks"]
        assert 0.0 <= record["settled"] <= 1.0
        assert record["predictor"]["name"] == "pairwise"


def test_partition_on_an_active_study_says_it_uses_measured_combinations_only(
    study_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "part.json"
    res = CliRunner().invoke(app, ["partition", str(study_dir), "--json", str(out)])
    assert res.exit_code == 0, res.output
    assert "measured combinations only" in " ".join(res.output.split())
    stored = {tuple(r.tasks) for r in open_study(study_dir).complete}
    for record in json.loads(out.read_text()):
        for net in record["networks"]:
            assert tuple(sorted(net["tasks"])) in stored


def test_predictor_option_and_its_refusals(study_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "hoa.json"
    res = CliRunner().invoke(
        app, ["select", str(study_dir), "--budget", "2", "--predictor", "hoa", "--json", str(out)]
    )
    assert res.exit_code == 0, res.output
    assert json.loads(out.read_text())[0]["predictor"]["name"] == "hoa"
    bad = CliRunner().invoke(app, ["select", str(study_dir), "--budget", "2", "--predictor", "x"])
    assert bad.exit_code != 0 and "unknown predictor 'x'" in bad.output
    with pytest.raises(InputError, match="unknown predictor"):
        recommend_predicted(open_study(study_dir), [2], predictor="nope")


def test_the_report_shows_the_predicted_matrix_and_the_choice(
    study_dir: Path, tmp_path: Path
) -> None:
    from taskaffinity.report import write_study_report

    study = open_study(study_dir)
    page = write_study_report(study, tmp_path).read_text()
    section = page[page.index('id="predicted"') :]
    section = section[: section.index("</section>")] if "</section>" in section else section
    measured_pairs = [g for g in {tuple(r.tasks) for r in study.complete} if len(g) == 2]
    assert ("a", "b") in measured_pairs  # the plan's explicit group
    # both cells of a measured pair are marked, every other pair cell is predicted
    assert section.count('class="measured') == 2 * len(measured_pairs)
    assert section.count('class="predicted') == 4 * 3 - 2 * len(measured_pairs)
    assert "pairwise" in section and "optimal in draws" in section
    records = json.loads((tmp_path / "recommendation_predicted.json").read_text())
    assert [r["budget"] for r in records] == [1.0, 2.0, 3.0]
    for r in records:
        label = " | ".join(
            "+".join(n["tasks"]) + ("" if n["measured"] else "*") for n in r["networks"]
        )
        assert html.escape(label) in section or label in section
    assert "an active plan" in page  # the setup names the run design
