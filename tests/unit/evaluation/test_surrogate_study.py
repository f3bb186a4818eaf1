"""The sampling study (surrogate model vs HOA) on a synthetic complete table."""

from __future__ import annotations

from taskaffinity.evaluation import summarize_study, surrogate_study
from taskaffinity.testing import complete_table


def test_surrogate_study_records() -> None:
    t = complete_table(4)
    records = surrogate_study(t, [6, 10], repeats=2, budgets=(2,))
    assert {r["method"] for r in records} == {"surrogate", "hoa"}
    assert len(records) == 5
    assert all(r["regret_partition"] >= -1e-9 and r["regret_select_2"] >= -1e-9 for r in records)
    assert surrogate_study(t, [6], repeats=1, seed=3) == surrogate_study(t, [6], repeats=1, seed=3)
    summary = summarize_study(records)
    assert (summary[0]["method"], summary[0]["measured"]) == ("surrogate", 6)
