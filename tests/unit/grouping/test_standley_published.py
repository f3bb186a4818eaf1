"""Exact selection on the Standley et al. (2020) tables reproduces the test losses that the
authors' own program's choices reach, as published in their plotting script
(tests/data/standley2020_curves.json): 72 cases = 4 settings x 9 budgets x (measured, HOA)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from taskaffinity.grouping import select_networks
from taskaffinity.tables import hoa, read_standley

CURVES = json.loads(
    (Path(__file__).resolve().parents[2] / "data" / "standley2020_curves.json").read_text()
)
FILES = {
    "1": ("results.txt", "results_test.txt"),
    "2": ("results_large.txt", "results_large_test.txt"),
    "3": ("results_small_data.txt", "results_small_data_test.txt"),
    "4": ("results_alt.txt", "results_alt_test.txt"),
}
# Printed by C++ with 6 significant digits: half a unit in the last place is <= 5e-7 here.
PRINTED = 6e-7


@pytest.mark.parametrize("setting", sorted(FILES))
@pytest.mark.parametrize("curve", ["optimal", "hoa"])
def test_test_loss_equals_authors_program(published: Path, setting: str, curve: str) -> None:
    val = read_standley(published / "standley2020" / FILES[setting][0])
    test = read_standley(published / "standley2020" / FILES[setting][1])
    choose = hoa(val) if curve == "hoa" else val
    for budget, want in zip(CURVES["budgets"], CURVES["settings"][setting][curve], strict=True):
        got = select_networks(choose, budget, test=test).measured
        if (setting, curve, budget) == ("1", "optimal", 1):
            # Published 0.50273, but at budget 1 the five-task network is the only feasible
            # choice: the same figure's 'worst' and 'hoa' curves give it 0.50278, as we do.
            assert want == pytest.approx(0.50273)
            assert got == pytest.approx(CURVES["worst_setting_1"][0], abs=PRINTED)
            assert got == pytest.approx(CURVES["settings"]["1"]["hoa"][0], abs=PRINTED)
            continue
        assert got == pytest.approx(want, abs=PRINTED), (setting, curve, budget)
