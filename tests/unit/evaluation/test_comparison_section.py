"""The estimator comparison next to the truth's own reliability: the ceiling (split-half
Spearman), each estimator's share of it, the sentence when there is none, and the report
section's HTML."""

from __future__ import annotations

import re

import numpy as np
import pytest

from taskaffinity.analysis import analyze
from taskaffinity.evaluation import (
    Ceiling,
    comparison_ceiling,
    comparison_section,
    comparison_table,
)
from taskaffinity.types import AffinityMatrix, GainMatrix, ScoreTable

TASKS = ("a", "b", "c")


def _seeded_table(n_seeds: int, noise: float, seed: int = 0) -> ScoreTable:
    """Singles and pairs of three tasks over ``n_seeds`` seeds: a fixed effect per cell
    plus ``noise``."""
    rng = np.random.default_rng(seed)
    groups = [("a",), ("b",), ("c",), ("a", "b"), ("a", "c"), ("b", "c")]
    effect = np.full((len(groups), 3), np.nan)
    for g, grp in enumerate(groups):
        for t in grp:
            effect[g, TASKS.index(t)] = 1.0 if len(grp) == 1 else 1.0 + rng.normal(0, 0.1)
    cube = effect + rng.normal(0, noise, (n_seeds, len(groups), 3)) * ~np.isnan(effect)
    return ScoreTable(TASKS, tuple(groups), cube.mean(axis=0), np.ones(6), True,
                      cube if n_seeds > 1 else None)  # fmt: skip


def test_the_ceiling_is_the_analysis_split_half_spearman() -> None:
    table = _seeded_table(4, 0.02)
    analysis = analyze(table, seeds=[0, 1, 2, 3])
    ceiling = Ceiling.from_analysis(analysis)
    assert ceiling.spearman == analysis.reliability.split_half_spearman
    assert ceiling.seeds == 4 and ceiling.halves == ((0, 2), (1, 3))
    assert "(seeds 0, 2 vs 1, 3) agree" in ceiling.statement
    assert Ceiling.from_dict(ceiling.to_dict()) == ceiling
    one = Ceiling.from_analysis(analyze(_seeded_table(1, 0.02)))
    assert one.spearman is None and one.seeds == 1 and one.share(0.5) is None


def test_share_of_the_ceiling() -> None:
    assert Ceiling(0.6, 4).share(0.3) == pytest.approx(0.5)
    assert Ceiling(0.6, 4).share(0.9) == pytest.approx(1.5)  # a reference, not a bound
    assert Ceiling(0.6, 4).share(float("nan")) is None
    assert Ceiling(-0.2, 4).share(0.3) is None and Ceiling(0.0, 4).share(0.3) is None
    assert Ceiling(None, 4).share(0.3) is None and Ceiling(None, 1).share(0.3) is None


def test_the_sentences() -> None:
    assert Ceiling(None, 1).statement.startswith("Ceiling unknown: the truth has one seed")
    assert "undefined" in Ceiling(None, 2, ((0,), (1,))).statement
    low = Ceiling(-0.25, 2, ((0,), (1,))).statement
    assert low.startswith("Ceiling not positive") and "-0.25" in low and "seeds 0 vs 1" in low
    ok = Ceiling(0.71, 4, ((0, 2), (1, 3))).statement
    assert ok.startswith("Ceiling:") and "0.71" in ok and "share of the ceiling" in ok


def _rows(ceiling: Ceiling) -> list[dict]:
    rows = []
    for method, rho in (("tag", 0.3), ("pvi", -0.1)):
        rows.append({
            "method": method, "spearman": rho, "top1": 0.5, "regret": 1.25,
            "cost_fraction": 0.1, "seconds_fraction": 0.2, "kendall": rho / 2,
            "meets_target": False, "share_of_ceiling": ceiling.share(rho),
            "ceiling": ceiling.to_dict(),
        })  # fmt: skip
    return rows


def _section_html(ceiling: Ceiling) -> str:
    rng = np.random.default_rng(0)
    values = rng.normal(0, 1, (3, 3))
    truth = GainMatrix(TASKS, 1 + np.abs(values), True)
    matrices = {m: AffinityMatrix(TASKS, values, m) for m in ("tag", "pvi")}
    return comparison_section(_rows(ceiling), matrices, truth).html


def _cells(html: str, first: str) -> list[str]:
    """The cells of the table row whose first cell is ``first``."""
    for row in re.findall(r"<tr>(.*?)</tr>", html, flags=re.S):
        cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<t[hd][^>]*>.*?</t[hd]>", row)]
        if cells and cells[0] == first:
            return cells
    raise AssertionError(f"no row {first!r}")


def test_the_section_shows_the_ceiling_row_and_each_share() -> None:
    html = _section_html(Ceiling(0.6, 4, ((0, 2), (1, 3))))
    header = _cells(html, "method")
    assert header[:3] == ["method", "spearman", "share_of_ceiling"]
    assert _cells(html, "tag")[1:3] == ["0.3", "0.5"]
    assert _cells(html, "pvi")[1:3] == ["-0.1", "-0.1667"]
    ceiling = _cells(html, "ceiling (truth split-half)")
    assert ceiling[1:3] == ["0.6", "1"] and set(ceiling[3:]) == {"–"}
    assert "truth&#x27;s two halves (seeds 0, 2 vs 1, 3) agree at split-half Spearman 0.60" in html


@pytest.mark.parametrize(
    ("ceiling", "sentence"),
    [
        (Ceiling(None, 1), "Ceiling unknown: the truth has one seed"),
        (Ceiling(-0.3, 2, ((0,), (1,))), "Ceiling not positive"),
    ],
)
def test_without_a_usable_ceiling_the_section_says_why(ceiling: Ceiling, sentence: str) -> None:
    html = _section_html(ceiling)
    assert sentence in html
    assert _cells(html, "tag")[2] == "–" and _cells(html, "pvi")[2] == "–"
    assert _cells(html, "ceiling (truth split-half)")[1:3] == [
        "–" if ceiling.spearman is None else "-0.3",
        "–",
    ]


def test_rows_without_a_ceiling_have_no_ceiling_row() -> None:
    rows = [{k: v for k, v in r.items() if k != "ceiling"} for r in _rows(Ceiling(0.6, 4))]
    assert comparison_ceiling(rows) is None
    assert len(comparison_table(rows)[1]) == 2


@pytest.fixture(scope="module")
def two_seed_study(tmp_path_factory):
    from taskaffinity.study import open_study, run_study
    from taskaffinity.testing import write_synthetic_study

    root = tmp_path_factory.mktemp("study")
    write_synthetic_study(root, ("first", "count", "last"), seeds=(0, 1))
    run_study(root / "config.yaml", root / "out", progress=False)
    return open_study(root / "out")


def test_compare_estimators_puts_the_ceiling_in_every_row(two_seed_study) -> None:
    from taskaffinity.evaluation import compare_estimators

    rows, _, _ = compare_estimators(two_seed_study, ["gradient_cosine"])
    expected = analyze(two_seed_study.score_table(), seeds=two_seed_study.seeds)
    ceiling = Ceiling.from_dict(rows[0]["ceiling"])
    assert ceiling == Ceiling.from_analysis(expected) and ceiling.seeds == 2
    assert rows[0]["share_of_ceiling"] == ceiling.share(rows[0]["spearman"])
