"""The long CSV's pairs layout ``target,source,seed,score``: seeds kept, source-only tasks,
and errors naming file, line and field."""

from __future__ import annotations

import math

import numpy as np
import pytest

from taskaffinity.analysis import analyze
from taskaffinity.errors import InputError
from taskaffinity.tables import is_long_csv, read_long_csv, read_seeded_csv, read_table

NAN = math.nan

GOOD = """score,target,source,seed
0.80,a,,3
0.60,a,,1
0.84,a,b,3
0.66,a,b,1
0.70,a,b,0
0.50,b,,1
0.50,b,,3
0.55,b,a,3
0.56,b,a,1
0.76,a,x,3
"""


def _write(tmp_path, text, name="pairs.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_reads_seeds_groups_and_a_source_only_task(tmp_path):
    path = _write(tmp_path, GOOD)
    assert is_long_csv(path)
    table, seeds = read_seeded_csv(path)
    assert seeds == (0, 1, 3)
    assert table.tasks == ("a", "b", "x")  # targets, then the source-only task
    assert table.groups == (("a",), ("b",), ("a", "b"), ("a", "x"))
    cube = table.seed_scores
    assert cube.shape == (3, 4, 3)
    np.testing.assert_equal(cube[:, 0, 0], [NAN, 0.60, 0.80])  # a alone, seeds 0, 1, 3
    np.testing.assert_equal(cube[:, 2, 0], [0.70, 0.66, 0.84])  # a in a+b
    np.testing.assert_equal(cube[:, 2, 1], [NAN, 0.56, 0.55])  # b in a+b
    np.testing.assert_equal(cube[:, 3], [[NAN] * 3, [NAN] * 3, [0.76, NAN, NAN]])
    assert table.scores[2, 0] == pytest.approx((0.70 + 0.66 + 0.84) / 3)
    assert read_table(path, "csv").groups == table.groups
    assert read_long_csv(path, higher_is_better=False).higher_is_better is False


def test_analysis_pairs_by_seed_and_skips_a_seed_without_single(tmp_path):
    table, seeds = read_seeded_csv(_write(tmp_path, GOOD))
    r = analyze(table, seeds=seeds)
    assert r.tasks == ("a", "b") and r.sources == ("a", "b", "x")
    assert r.seed_list == (0, 1, 3)
    # a <- b: seed 0 has no single for a and is skipped; seeds 1, 3: 10 % and 5 %
    assert r.paired_seeds.tolist() == [[0, 2, 1], [2, 0, 0]]
    assert r.gain_rate[0, 1] == pytest.approx(7.5)
    assert r.gain_rate[0, 2] == pytest.approx(-5.0)  # a <- x, seed 3 only
    assert r.gain_rate[1, 0] == pytest.approx((12.0 + 10.0) / 2)
    assert math.isnan(r.gain_rate_ci[0, 2, 0]) and r.settled[0, 2] == 0
    assert r.reliability.halves == ((0, 3), (1,))


@pytest.mark.parametrize(
    ("text", "line", "field", "message"),
    [
        ("target,source,score\na,,1\n", 1, "seed", "the header has no column 'seed'"),
        ("target,source,seed,score,cost\na,,0,1,1\n", 1, "cost", "unknown column 'cost'"),
        ("target,source,seed,score\na,,0,1\na,b,0,high\n", 3, "score", "not a number: 'high'"),
        ("target,source,seed,score\na,,zero,1\n", 2, "seed", "not a number: 'zero'"),
        ("target,source,seed,score\na,,1.5,1\n", 2, "seed", "not an integer seed"),
        (
            "target,source,seed,score\na,,0,1\na,b,0,2\nb,,0,1\na,b,0,3\n",
            5,
            "seed",
            "second row for target 'a', source 'b', seed 0 (first on line 3)",
        ),
        ("target,source,seed,score\na,a,0,1\n", 2, "source", "is its own target"),
        ("target,source,seed,score\n,b,0,1\n", 2, "target", "empty target"),
        ("target,source,seed,score\na,,0\n", 2, None, "3 cells, expected 4"),
        (
            "target,source,seed,score\na,,0,1\nb,a,0,2\nb,a,1,2\n",
            3,
            "target",
            "target 'b' has no single-task score",
        ),
    ],
)
def test_errors_name_file_line_field(tmp_path, text, line, field, message):
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as info:
        read_long_csv(path)
    err = info.value
    assert (err.file, err.line, err.field) == (str(path), line, field)
    assert message in str(err)
    assert str(err).startswith(f"{path}:{line}: ")


def test_fixed_task_order_and_unknown_tasks(tmp_path):
    path = _write(tmp_path, "target,source,seed,score\na,,0,1\nb,,0,2\na,b,0,3\n")
    assert read_long_csv(path, tasks=["b", "a"]).tasks == ("b", "a")
    with pytest.raises(InputError) as info:
        read_long_csv(path, tasks=["a"])
    assert (info.value.line, info.value.field) == (3, "target")


def test_groups_layout_returns_its_seeds(tmp_path):
    path = _write(tmp_path, "group,task,score,seed\na,a,1,2\na,a,2,5\n")
    table, seeds = read_seeded_csv(path)
    assert seeds == (2, 5) and table.seed_scores.shape == (2, 1, 1)
    _, none = read_seeded_csv(_write(tmp_path, "group,task,score\na,a,1\n", "g.csv"))
    assert none == ()


def test_is_long_csv_tells_the_layouts_apart(tmp_path):
    assert not is_long_csv(_write(tmp_path, ",a,b\na,1,2\nb,3,4\n", "square.csv"))
    assert is_long_csv(_write(tmp_path, "group,task,score\na,a,1\n", "g.csv"))
    assert is_long_csv(_write(tmp_path, "target,score\na,1\n", "bad.csv"))  # then an error
    assert not is_long_csv(tmp_path / "missing.csv")
