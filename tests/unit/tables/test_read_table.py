"""``read_table``: one entry point over the importers, dispatching on the format."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from taskaffinity.errors import InputError
from taskaffinity.tables import (
    TableFormat,
    read_long_csv,
    read_mtgnet,
    read_standley,
    read_table,
)
from taskaffinity.types import ScoreTable


def _same(a: ScoreTable, b: ScoreTable) -> bool:
    return (
        a.tasks == b.tasks
        and a.groups == b.groups
        and np.array_equal(a.scores, b.scores, equal_nan=True)
        and np.array_equal(a.costs, b.costs)
        and a.higher_is_better == b.higher_is_better
    )


def test_dispatch_matches_the_importers(published: Path, tmp_path: Path) -> None:
    std = published / "standley2020" / "results.txt"
    assert _same(read_table(std, "standley"), read_standley(std))
    d = published / "mtgnet2022" / "ETT"
    x, y = d / "ETTm1_x.csv", d / "ETTm1_y.csv"
    assert _same(read_table(y, TableFormat.mtgnet, members=x), read_mtgnet(x, y))
    csv = tmp_path / "t.csv"
    csv.write_text("group,task,score\na,a,1\nb,b,2\na+b,a,3\na+b,b,4\n")
    got = read_table(csv, "csv", names=["b", "a"], higher_is_better=False)
    assert _same(got, read_long_csv(csv, higher_is_better=False, tasks=["b", "a"]))
    assert got.tasks == ("b", "a") and not got.higher_is_better


def test_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="members"):
        read_table(tmp_path / "y.csv", "mtgnet")
    with pytest.raises(InputError, match="unknown table format"):
        read_table(tmp_path / "t.csv", "xlsx")
