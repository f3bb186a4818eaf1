"""Importers: Standley, MTG-Net, long CSV; clear errors on bad tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from taskaffinity.errors import InputError
from taskaffinity.tables import read_long_csv, read_mtgnet, read_standley, write_long_csv

STANDLEY = "0.1\t0.2\t0.3\n0.11\t\t\n\t0.21\t\n\t\t0.31\n0.09\t0.19\t\n0.08\t0.18\t0.28\n"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_standley_synthetic(tmp_path: Path) -> None:
    t = read_standley(_write(tmp_path, "r.txt", STANDLEY))
    assert t.tasks == ("t0", "t1", "t2") and not t.higher_is_better
    assert t.groups[:3] == (("t0",), ("t1",), ("t2",))
    assert list(t.costs) == [0.5, 0.5, 0.5, 1, 1, 1, 1, 1]
    assert t.groups[6] == ("t0", "t1") and t.scores[6, 1] == pytest.approx(0.19)
    assert np.isnan(t.scores[6, 2])


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [("0.1\t0.2\t0.3\n0.1\t0.2\n", 2, None), ("0.1\t0.2\t0.3\n0.1\tx\t\n", 2, "t1")],
)
def test_standley_errors(tmp_path: Path, text: str, line: int, field: str | None) -> None:
    with pytest.raises(InputError) as err:
        read_standley(_write(tmp_path, "bad.txt", text))
    assert err.value.line == line and err.value.field == field and "bad.txt" in str(err.value)


def test_standley_published(published: Path) -> None:
    for name in ("results.txt", "results_test.txt", "results_small_data.txt"):
        t = read_standley(published / "standley2020" / name)
        assert t.tasks == ("s", "d", "n", "k", "e") and len(t.groups) == 36
        assert sorted(t.costs)[:5] == [0.5] * 5 and t.groups[-1] == ("d", "e", "k", "n", "s")
    # the published early-stopped "alt" table lacks one network
    assert len(read_standley(published / "standley2020" / "results_alt_20.txt").groups) == 35


def test_mtgnet_synthetic_and_errors(tmp_path: Path) -> None:
    x = _write(tmp_path, "x.csv", "1,0\n0,1\n1,1\n")
    y = _write(tmp_path, "y.csv", "0 0\n0 0\n0.5 -0.25\n")
    t = read_mtgnet(x, y, names=["a", "b"])
    assert t.groups == (("a",), ("b",), ("a", "b")) and t.higher_is_better
    assert t.scores[2].tolist() == [0.5, -0.25] and np.isnan(t.scores[0, 1])
    bad = _write(tmp_path, "bad.csv", "0 0.1\n0 0\n0.5 -0.25\n")
    with pytest.raises(InputError, match="not in the combination") as err:
        read_mtgnet(x, bad)
    assert err.value.line == 1 and err.value.field == "t1"
    with pytest.raises(InputError, match="0 or 1"):
        read_mtgnet(_write(tmp_path, "x2.csv", "2 0\n"), _write(tmp_path, "y2.csv", "0 0\n"))
    with pytest.raises(InputError, match="cells"):
        read_mtgnet(x, _write(tmp_path, "y3.csv", "0 0\n0\n0 0\n"))


def test_mtgnet_published(published: Path) -> None:
    d = published / "mtgnet2022"
    tk = read_mtgnet(d / "taskonomy/taskonomy_x.csv", d / "taskonomy/taskonomy.csv")
    assert len(tk.groups) == 31 and tk.n_tasks == 5
    mimic = read_mtgnet(d / "mimic27/mimic_x.csv", d / "mimic27/mimic_y_valid.csv")
    assert mimic.n_tasks == 27 and len(mimic.groups) == 3185
    assert sum(len(g) == 1 for g in mimic.groups) == 27


def test_long_csv_roundtrip_and_seeds(tmp_path: Path) -> None:
    text = "group,task,score,cost,seed\na,a,1,1,0\na,a,3,1,1\na+b,a,2,2,0\na+b,b,4,2,0\nb,b,5,1,0\n"
    t = read_long_csv(_write(tmp_path, "t.csv", text))
    assert t.tasks == ("a", "b") and t.groups == (("a",), ("a", "b"), ("b",))
    assert t.scores[0, 0] == 2 and t.costs.tolist() == [1, 2, 1]
    assert t.seed_scores is not None and t.seed_scores.shape == (2, 3, 2)
    back = read_long_csv(write_long_csv(t, tmp_path / "out.csv"))
    assert np.allclose(back.scores, t.scores, equal_nan=True)
    plain = read_long_csv(
        _write(tmp_path, "p.csv", "a+b,b,0.5\na+b,a,0.1\na,a,0.2\nb,b,0.4\n"),
        higher_is_better=False,
    )
    assert plain.tasks == ("a", "b") and not plain.higher_is_better


@pytest.mark.parametrize(
    ("body", "line", "field", "match"),
    [
        ("a,a,1\na+b,a\n", 2, None, "cells"),
        ("a,a,x\n", 1, "score", "not a number"),
        ("a,b,1\n", 1, "task", "does not contain"),
        ("a,a,1\nc,c,1\n", 2, "task", "unknown task"),
        ("a,a,1\na,a,2\n", 2, "score", "duplicate"),
        ("a+b,a,1\n", 1, "task", "no score"),
    ],
)
def test_long_csv_errors(tmp_path: Path, body: str, line: int, field, match: str) -> None:
    path = _write(tmp_path, "bad.csv", body)
    with pytest.raises(InputError, match=match) as err:
        read_long_csv(path, tasks=["a", "b"])
    assert err.value.line == line and err.value.field == field and err.value.file == str(path)
