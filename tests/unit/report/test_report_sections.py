"""The report's own formats and order: numbers to their column's format (the CSV at full
precision), partners and category synergy from settled cells with intervals, the run
costs collapsed after every other section, and a study's setup."""

from __future__ import annotations

import csv
import re
import warnings

import numpy as np
import pytest

from taskaffinity.analysis import analyze
from taskaffinity.report import ReportSection, Table, html_table, write_table_report
from taskaffinity.report._settled import settled_categories_table, settled_partners_table
from taskaffinity.types import Cost, RunResult, ScoreTable

TASKS = ("a", "b", "c")
GROUPS = (("a",), ("b",), ("c",), ("a", "b"), ("a", "c"), ("b", "c"))


@pytest.fixture(scope="module")
def settled_analysis():
    """Four seeds: b helps a by +10% in every seed (settled), c hurts b by 20% (settled),
    the other cells move by seed noise around 0."""
    rng = np.random.default_rng(1)
    cube = np.full((4, len(GROUPS), 3), np.nan)
    for s in range(4):
        single = 0.5 + 0.02 * rng.standard_normal(3)
        cube[s, 0, 0], cube[s, 1, 1], cube[s, 2, 2] = single
        noise = 0.03 * rng.standard_normal(4)
        cube[s, 3, 0], cube[s, 3, 1] = single[0] * 1.10, single[1] + noise[0]
        cube[s, 4, 0], cube[s, 4, 2] = single[0] + noise[1], single[2] + noise[2]
        cube[s, 5, 1], cube[s, 5, 2] = single[1] * 0.8, single[2] + noise[3]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(cube, 0)
    table = ScoreTable(TASKS, GROUPS, mean, np.ones(6), True, seed_scores=cube)
    return analyze(table, seeds=[0, 1, 2, 3], categories={"a": "x", "b": "x", "c": "y"})


def test_formats_show_but_csv_keeps_full_precision(tmp_path):
    t = Table("t", "T", ("task", "gain_rate", "single"), (("a", 12.3456, 0.812345),),
              formats={"gain_rate": "+.1f", "single": ".3f"})  # fmt: skip
    assert '<td class="num">+12.3</td>' in t.to_html() and ">0.812<" in t.to_html()
    assert "| a | +12.3 | 0.812 |" in t.to_markdown()
    t.write_csv(tmp_path / "t.csv")
    assert list(csv.reader((tmp_path / "t.csv").open()))[1] == ["a", "12.3456", "0.812345"]
    shown = html_table(("x", "y"), [("a", None)], texts=[("", "undefined: why")])
    assert ">undefined: why<" in shown


def test_settled_partners_with_intervals(settled_analysis):
    a = settled_analysis
    t = settled_partners_table(a)
    rows = {r[0]: r for r in t.rows}
    assert rows["a"][1] == "b" and rows["a"][2] == pytest.approx(a.gain_rate[0, 1])
    assert rows["a"][3] > 0  # its interval lies above 0
    assert rows["b"][5] == "c" and rows["b"][8] < 0  # c hurts b, interval below 0
    assert rows["c"][1] is None and rows["c"][5] is None and rows["c"][9] == 2
    html = t.to_html()
    assert "no settled helper" in html and "no settled harm" in html
    cats = {(r[0], r[1]): r for r in settled_categories_table(a).rows}
    # (x, x): a <- b helps (settled), b <- a unsettled; (x, y): a <- c unsettled, b <- c
    # hurts (settled): results, settled helps, settled hurts, unsettled
    assert cats["x", "x"][2:6] == (2, 1, 0, 1)
    assert cats["x", "y"][2:6] == (2, 0, 1, 1)
    assert cats["x", "x"][6] == pytest.approx(a.gain_rate[0, 1])


def test_sections_order_and_collapsed_costs(settled_analysis, tmp_path):
    runs = [RunResult(f"k{i}", g, 0, {t: 0.5 for t in g}, cost=Cost(1.0, 1, 1))
            for i, g in enumerate(GROUPS)]  # fmt: skip
    extra = ReportSection("Estimator comparison", "<p>extra</p>")
    lead = ReportSection("Recommendation", "<p>lead</p>", anchor="recommendation")
    page = write_table_report(settled_analysis, tmp_path, runs=runs, extra_sections=[extra],
                              lead_sections=[lead]).read_text()  # fmt: skip
    order = re.findall(r'<section id="([^"]+)">', page)
    assert order.index("recommendation") < order.index("gain-rates")
    assert order[-3:] == ["estimator-comparison", "run-costs", "glossary"]
    costs = page[page.index('<section id="run-costs">') :]
    assert costs.index("<details>") < costs.index("<table>")
    assert (tmp_path / "settled_partners.csv").is_file()


def test_study_setup_names_what_differs_from_the_defaults(tmp_path):
    from taskaffinity.config import load_config
    from taskaffinity.report import write_study_report
    from taskaffinity.study import open_study, run_study
    from taskaffinity.testing import write_toy_config

    cfg = write_toy_config(
        tmp_path / "toy.yaml", backend="{name: 'taskaffinity.testing:ToyBackend', dim: 4}",
        seeds="[3, 5]",
    )  # fmt: skip
    run_study(load_config(cfg), tmp_path / "st", progress=False)
    page = write_study_report(open_study(tmp_path / "st"), tmp_path / "st").read_text()
    setup = page[page.index('<section id="setup">') : page.index('<section id="gain-rates">')]
    assert "<dd>dim = 4</dd>" in setup and "<dd>3, 5</dd>" in setup
    assert "every task alone, every pair, all tasks together" in setup
    assert re.search(r"<th>more_a</th><td>accuracy</td><td class=\"num\">20</td>", setup)
    assert "more_a (accuracy)" in page  # the metric beside the task in the tables
    assert (tmp_path / "st" / "recommendation.json").is_file()
