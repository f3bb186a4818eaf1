"""Partitions: DP, MILP and beam agree with brute force; constraints; published tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from taskaffinity.errors import InputError
from taskaffinity.grouping import brute_force_partition, partition
from taskaffinity.tables import read_mtgnet, read_standley
from taskaffinity.testing import random_table


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("kw", [{}, {"n_groups": 2}, {"max_groups": 3, "budget": 2.5}])
def test_methods_agree(seed: int, kw: dict) -> None:
    table = random_table(seed, complete=True)
    ref = brute_force_partition(table, **kw).predicted
    for method in ("dp_partition", "milp_partition"):
        assert partition(table, method=method, **kw).predicted == pytest.approx(ref)
    beam = partition(table, method="beam_partition", width=1000, **kw)
    assert not beam.exact and beam.predicted == pytest.approx(ref)


def test_bad_arguments() -> None:
    table = random_table(0)
    with pytest.raises(InputError):
        partition(table, n_groups=2, max_groups=2)
    with pytest.raises(InputError):
        partition(table, method="magic")
    with pytest.raises(InputError, match="not a partition"):
        partition(table, method="milp_select")


def test_method_is_the_registered_name_and_old_names_warn() -> None:
    table = random_table(1, complete=True)
    assert partition(table).method == "dp_partition"  # auto, few tasks
    for old, new in (
        ("dp", "dp_partition"),
        ("milp", "milp_partition"),
        ("beam", "beam_partition"),
    ):
        with pytest.deprecated_call(match=f"'{old}' is deprecated; use '{new}'"):
            g = partition(table, method=old)
        assert g.method == new and g == partition(table, method=new)
    assert partition(table, method="brute_partition").method == "brute_partition"


def test_standley_and_ett(published: Path) -> None:
    val = read_standley(published / "standley2020" / "results.txt")
    test = read_standley(published / "standley2020" / "results_test.txt")
    g = partition(val, budget=3, test=test)
    assert g.predicted == pytest.approx(brute_force_partition(val, budget=3).predicted)
    assert g.measured is not None
    d = published / "mtgnet2022" / "ETT"
    ett = read_mtgnet(d / "ETTm1_x.csv", d / "ETTm1_val_y.csv")
    assert partition(ett).predicted == pytest.approx(brute_force_partition(ett).predicted)
    assert partition(ett, method="milp_partition", max_groups=2).predicted == pytest.approx(
        brute_force_partition(ett, max_groups=2).predicted
    )
