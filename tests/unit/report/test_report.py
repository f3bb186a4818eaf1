"""Report files, figure data, sections, and label fallback for undrawable task names."""

from __future__ import annotations

import base64
import csv
import json
import math
import re
from types import SimpleNamespace

import numpy as np
import pytest

from taskaffinity.analysis import analyze, score_table_from_matrix
from taskaffinity.report import (
    ReportFigure,
    ReportSection,
    baseline_bars_data,
    heatmap_data,
    html_table,
    stability_data,
    write_study_report,
    write_table_report,
)
from taskaffinity.report.matplotlib import _style, figure_png, label_fonts, pyplot
from taskaffinity.tables import read_score_matrix
from taskaffinity.types import Cost, RunResult, ScoreTable

NAN = math.nan
TASKS = ("a", "b", "c")
S = np.array([[0.80, 0.84, 0.76], [0.50, 0.50, NAN], [0.90, 0.88, 0.85]])


def _png() -> bytes:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.plot([0, 1], [0, 1])
    return figure_png(fig)


@pytest.fixture(scope="module")
def table_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("rep")
    a = analyze(score_table_from_matrix(TASKS, S), categories={"a": "x", "b": "x", "c": "y"},
                baselines={"a": 0.3, "b": 0.25, "c": 0.5})  # fmt: skip
    extra = ReportSection("Estimators", html_table(("method", "spearman"), [("tag", 0.9)]),
                          (ReportFigure("scatter", _png(), "Estimated vs measured."),))  # fmt: skip
    return a, write_table_report(a, out, title="Tiny", extra_sections=[extra])


def test_files_written(table_report):
    _, path = table_report
    names = {p.name for p in path.parent.iterdir()}
    expected = {
        *("report.html", "analysis.json", "tables.md", "scores.csv", "gain_rate.csv"),
        *("stability.csv", "categories.csv", "partners.csv", "baselines.csv"),
        *("gain_rate_heatmap.png", "stability.png", "baseline_bars.png", "scatter.png"),
    }
    assert expected <= names
    for png in path.parent.glob("*.png"):
        assert png.read_bytes().startswith(b"\x89PNG")


def test_html_is_self_contained(table_report):
    _, path = table_report
    page = path.read_text()
    assert not re.search(r"(src|href)\s*=\s*[\"'](?!data:|#)", page)  # no external resource
    assert "<link" not in page and "@import" not in page
    uris = re.findall(r'<img src="data:image/png;base64,([^"]+)"', page)
    assert len(uris) == 4  # heatmap, stability, baseline bars, the extra section's figure
    assert all(base64.b64decode(u).startswith(b"\x89PNG") for u in uris)
    for heading in ("Gain rates", "Scores", "Stability", "Category synergy", "Baselines",
                    "Asymmetry", "Estimators", "What the statistics mean"):  # fmt: skip
        assert f">{heading}</h2>" in page
    assert "<th>spearman</th>" in page


def test_csv_and_json_round_trip(table_report):
    a, path = table_report
    again = analyze(read_score_matrix(path.parent / "scores.csv"))
    np.testing.assert_allclose(again.gain.values, a.gain.values, equal_nan=True)
    assert json.loads((path.parent / "analysis.json").read_text()) == json.loads(
        json.dumps(a.to_json())
    )
    with (path.parent / "stability.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert rows[1]["task"] == "b" and rows[1]["max_source"] == "" and rows[1]["std"] == "0.0"
    md = (path.parent / "tables.md").read_text()
    assert "## Gain rate (%)" in md and "| a | – | +5.0 | -5.0 |" in md  # one decimal


def test_figure_data():
    a = analyze(score_table_from_matrix(TASKS, S), baselines={"a": 0.3})
    heat = heatmap_data(a)
    assert heat.rows == TASKS and heat.text[0][0] == "0.800" and heat.text[0][1] == "+5.0"
    named = heatmap_data(a, {"a": "accuracy"})
    assert named.text[0][0] == "0.800\naccuracy" and named.text[1][1] == "0.500"
    assert heat.text[1][2] == "" and heat.limit == pytest.approx(5.882352941)
    bars = baseline_bars_data(a)
    assert bars.series == ("baseline", "single task") and math.isnan(bars.values[0][1])
    st = stability_data(a)
    np.testing.assert_allclose(st.best, [0.84, 0.5, 0.9])
    assert baseline_bars_data(analyze(score_table_from_matrix(TASKS, S))) is None


def test_undrawable_labels_fall_back(monkeypatch):
    monkeypatch.setattr(_style, "_fonts", lambda: (("DejaVu Sans",), frozenset(range(128))))
    labels, _, replaced = label_fonts(["poet", "句读"])
    assert labels == ["poet", "T2"] and replaced == {"T2": "句读"}
    from taskaffinity.report.matplotlib import draw_heatmap

    a = analyze(score_table_from_matrix(("poet", "句读"), np.array([[0.5, 0.6], [0.7, 0.8]])))
    png, replaced = draw_heatmap(heatmap_data(a))
    assert png.startswith(b"\x89PNG") and replaced == {"T2": "句读"}


def test_report_figure_and_section_validation():
    with pytest.raises(ValueError, match="file stem"):
        ReportFigure("../x", _png())
    with pytest.raises(ValueError, match="PNG"):
        ReportFigure("x", b"GIF89a")
    assert ReportSection("Estimator comparison").anchor == "estimator-comparison"


def test_study_report_with_costs_and_failures(tmp_path):
    groups = [("a",), ("b",), ("a", "b")]
    table = ScoreTable(("a", "b"), groups, np.array([[0.8, NAN], [NAN, 0.5], [0.82, 0.45]]),
                       np.ones(3))  # fmt: skip
    runs = [
        RunResult("k1", ("a",), 0, {"a": 0.8}, cost=Cost(2.0, 10, 100)),
        RunResult("k2", ("b",), 0, {"b": 0.5}, cost=Cost(3.0, 20, 200)),
        RunResult("k3", ("a", "b"), 0, {"a": 0.82, "b": 0.45}, cost=Cost(4.5, 30, 300)),
        RunResult("k4", ("a", "b"), 1, status="failed", error="Traceback\nValueError: boom"),
    ]
    study = SimpleNamespace(
        suite=SimpleNamespace(name="toy"), results=runs, score_table=lambda: table,
        baselines=lambda: {"a": 0.3, "b": 0.2}, categories=lambda: {"a": "x", "b": "y"},
        seeds=None,
    )  # fmt: skip
    path = write_study_report(study, tmp_path)
    page = path.read_text()
    assert ">Run costs</h2>" in page and ">Failed runs</h2>" in page
    assert "ValueError: boom" in page and ">All tasks together</h2>" in page
    with (tmp_path / "costs.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert rows[-1]["tasks"] == "total (4 runs)" and float(rows[-1]["seconds"]) == 9.5
    assert (tmp_path / "failed.csv").is_file()
    j = json.loads((tmp_path / "analysis.json").read_text())
    assert j["baselines"] == {"a": 0.3, "b": 0.2}
    assert j["all_tasks"][1]["delta"] == pytest.approx(-0.05)
