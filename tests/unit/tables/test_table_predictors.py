"""HOA and the surrogate model on a synthetic complete table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from taskaffinity.errors import InputError
from taskaffinity.tables import (
    Surrogate,
    all_groups,
    hoa,
    pairwise_table,
    read_standley,
    sample_groups,
    take_rows,
)
from taskaffinity.testing import complete_table
from taskaffinity.types import GainMatrix


def test_hoa_is_mean_of_pairs() -> None:
    t = complete_table()
    h = hoa(t)
    g = t.groups.index(("t0", "t1", "t2"))
    p01, p02 = t.score(("t0", "t1"), "t0"), t.score(("t0", "t2"), "t0")
    assert h.scores[g, 0] == pytest.approx((p01 + p02) / 2)
    small = [g for g, grp in enumerate(t.groups) if len(grp) <= 2]
    assert np.allclose(h.scores[small], t.scores[small], equal_nan=True)
    pred = hoa(take_rows(t, small), groups=[("t1", "t2", "t3")])
    assert pred.groups[-1] == ("t1", "t2", "t3") and len(pred.groups) == len(small) + 1
    with pytest.raises(InputError, match="pair"):
        hoa(take_rows(t, [0, 1, 2, 3, len(t.groups) - 1]))


def test_hoa_keeps_standley_half_singles(published: Path) -> None:
    t = read_standley(published / "standley2020" / "results.txt")
    h = hoa(t)
    assert np.allclose(h.scores[:5], t.scores[:5], equal_nan=True)
    assert list(h.costs) == list(t.costs)


def test_surrogate_recovers_additive_table() -> None:
    t = complete_table(5, additive=True)
    rows = sample_groups(t, 20, seed=1)
    assert all((t.groups[g],) != () for g in rows) and len(rows) == 20
    assert {t.groups[g] for g in rows} >= {(x,) for x in t.tasks}
    pred = Surrogate(alpha=1e-6, keep_measured=False).predict(take_rows(t, rows), t.groups)
    assert np.allclose(pred.scores, t.scores, atol=1e-3, equal_nan=True)
    inter = Surrogate(alpha=1e-3, interactions=True).predict(take_rows(t, rows))
    assert inter.groups == tuple(all_groups(t.tasks))
    with pytest.raises(InputError, match="no measured group"):
        Surrogate().predict(take_rows(t, [0]))


def test_pairwise_table_from_gain_matrix() -> None:
    gm = GainMatrix(("a", "b"), np.array([[1.0, 2.0], [3.0, 4.0]]))
    t = pairwise_table(gm)
    assert t.groups == (("a",), ("a", "b"), ("b",))
    assert t.score(("a", "b"), "b") == 3.0
