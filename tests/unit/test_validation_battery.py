"""The malformed-input battery (``_battery.py``): every case refused by the real CLI with
exit status 2, no traceback, nothing written, and a message naming file, line and field."""

from __future__ import annotations

import pytest
from _battery import CASES, run_case, table


def test_the_battery_is_large_and_covers_every_area() -> None:
    assert len(CASES) >= 100
    areas = {c.area for c in CASES}
    assert areas == {"config", "task files", "tables", "CLI arguments"}
    assert len({c.name for c in CASES}) == len(CASES)
    assert sum(c.subprocess for c in CASES) >= 3


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_refused_cleanly(case, tmp_path) -> None:
    outcome = run_case(case, tmp_path)
    assert outcome.ok, f"{', '.join(outcome.problems)}\n{outcome.output}"


def test_the_table_counts_outcomes(tmp_path) -> None:
    outcomes = [run_case(c, tmp_path / str(i)) for i, c in enumerate(CASES[:3])]
    text = table(outcomes)
    assert "| config | 3 | 3/3 |" in text and "| **all** | 3 |" in text
