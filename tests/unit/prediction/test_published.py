"""Predictors on the published MTG-Net tables (Song et al., NeurIPS 2022); skipped when
``$TASKAFFINITY_FIXTURES`` names no folder of published measurements."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from taskaffinity.prediction import choose_next, get_predictor, recommend
from taskaffinity.tables import read_mtgnet, take_rows

TABLES = {
    "ETT": ("ETTm1_x.csv", "ETTm1_val_y.csv", "ETTm1_HOA.csv"),
    "mimic27": ("mimic_x.csv", "mimic_y_valid.csv", "mimic_HOA.csv"),
}


def _singles_and_pairs(table):  # type: ignore[no-untyped-def]
    return take_rows(table, [g for g, grp in enumerate(table.groups) if len(grp) <= 2])


@pytest.mark.parametrize("name", sorted(TABLES))
def test_hoa_predictor_reproduces_the_authors_hoa(published: Path, name: str) -> None:
    """From the validation singles and pairs, the ``hoa`` predictor gives the authors' own
    HOA predictions of every larger combination (to their four printed decimals)."""
    folder = published / "mtgnet2022" / name
    x, val, theirs = (folder / f for f in TABLES[name])
    table = read_mtgnet(x, val)
    authors = read_mtgnet(x, theirs)
    pred = get_predictor("hoa").predict(_singles_and_pairs(table), table.groups)
    big = pred.members.sum(axis=1) >= 3
    assert big.sum() >= 99
    assert np.nanmax(np.abs(pred.mean[big] - authors.scores[big])) < 1e-4


def test_active_round_on_taskonomy(published: Path) -> None:
    """One round of the active plan on the complete Taskonomy table: it proposes new
    combinations only, and with every row measured the recommendation is the oracle's."""
    folder = published / "mtgnet2022" / "taskonomy"
    table = read_mtgnet(folder / "taskonomy_x.csv", folder / "taskonomy.csv")
    start = [g for g, grp in enumerate(table.groups) if len(grp) in (1, 5)]
    seen = take_rows(table, start)
    choice = choose_next(get_predictor("pairwise"), seen, table.groups, [2, 3], 3, n_draws=4)
    assert len(choice.groups) == 3 and not set(choice.groups) & set(seen.groups)
    pred = get_predictor("pairwise").predict(table, table.groups)
    from taskaffinity.grouping import select_networks

    for budget in (2, 3):
        got = recommend(pred, budget, measured=table, rule="measured")
        assert got.predicted == pytest.approx(select_networks(table, budget).predicted)
