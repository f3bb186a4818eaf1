"""The measured scores ``analyze`` reads (a square score matrix or a long CSV with seeds,
told apart by the header), format detection and the refusal of a format the header
contradicts; errors name file, line and field."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pytest

from taskaffinity.analysis import analyze
from taskaffinity.errors import InputError
from taskaffinity.tables import (
    detect_format,
    read_scores,
    read_seeded_csv,
    resolve_format,
    write_seeded_csv,
)
from taskaffinity.types import ScoreTable


def _write(tmp_path: Path, text: str, name: str = "scores.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_square_matrix_with_gaps_and_any_row_order(tmp_path: Path) -> None:
    p = _write(tmp_path, ",a,b,c\nb,0.5,0.5,\na,0.8,0.84,0.76\n\nc,0.9,NA,0.85\n")
    table, seeds = read_scores(p)
    assert table.tasks == ("a", "b", "c") and seeds == ()
    gm = analyze(table).gain.values
    expected = [[0.8, 0.84, 0.76], [0.5, 0.5, math.nan], [0.9, math.nan, 0.85]]
    np.testing.assert_allclose(gm, expected, equal_nan=True)
    assert math.isnan(table.score(("b", "c"), "c"))  # b+c measured neither way: no network
    assert table.score(("a", "c"), "c") == 0.9
    assert not read_scores(p, higher_is_better=False)[0].higher_is_better


@pytest.mark.parametrize(
    ("text", "line", "field", "message"),
    [
        (",a,b\na,0.8,0.9\nb,0.5\n", 3, "b", "row 'b' has 1 cells"),
        (",a,b\na,0.8,high\nb,0.5,0.6\n", 2, "b", "'high' is not a number"),
        (",a,b\na,0.8,0.9\nc,0.5,0.6\n", 3, "task", "row task 'c' is not among the column"),
        (",a,b\na,0.8,0.9\na,0.5,0.6\n", 3, "a", "second row"),
        (",a,b\na,0.8,0.9\n", 1, "b", "no row for task(s) ['b']"),
        (",a,a\na,0.8,0.9\n", 1, "a", "names two columns"),
        (",a,b\na,0.8,inf\nb,1,1\n", 2, "b", "not finite"),
        (",a,b\na,0.8,0.9\nb,0.5,\n", 3, "b", "missing single-task score of 'b'"),
    ],
)
def test_square_errors_name_file_line_field(
    tmp_path: Path, text: str, line: int, field: str, message: str
) -> None:
    p = _write(tmp_path, text)
    with pytest.raises(InputError) as info:
        read_scores(p)
    err = info.value
    assert (err.file, err.line, err.field) == (str(p), line, field)
    assert message in str(err) and str(err).startswith(f"{p}:{line}: ")


def test_an_affinity_matrix_is_not_scores(tmp_path: Path) -> None:
    p = _write(tmp_path, ",a,b\na,,5.0\nb,-3.0,\n", "gain_rate.csv")
    assert detect_format(p) == "affinity"
    with pytest.raises(InputError, match="looks like an affinity or gain-rate matrix") as info:
        read_scores(p)
    assert (info.value.line, info.value.field) == (2, "a")


def test_missing_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        read_scores(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="empty"):
        read_scores(_write(tmp_path, "\n\n"))


def test_long_csv_with_seeds(tmp_path: Path) -> None:
    text = "target,source,seed,score\na,,0,0.8\na,,1,0.7\na,b,0,0.9\na,b,1,0.8\nb,,0,0.5\n"
    table, seeds = read_scores(_write(tmp_path, text))
    assert seeds == (0, 1) and table.seed_scores is not None
    assert table.seed_scores.shape == (2, 3, 2)  # seeds x groups (a, b, a+b) x tasks


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        (",a,b\na,0.8,0.9\nb,0.5,0.6\n", "s.csv", "matrix"),
        ("target \\ auxiliary,a,b\na,0.8,\nb,0.5,0.6\n", "s.csv", "matrix"),
        (",a,b\na,,0.9\nb,0.5,\n", "g.csv", "affinity"),
        ("target,source,seed,score\na,,0,1\n", "l.csv", "csv"),
        ("group,task,score\na,a,1\n", "l.csv", "csv"),
        ("0.5\t0.4\n0.3\t\n", "r.txt", None),
        ("1 0\n0 1\n", "x.csv", None),
        ("task,single,max\na,0.8,0.9\n", "stability.csv", None),
        ('{"tasks": ["a"]}', "e.json", "affinity"),
    ],
)
def test_detect_format(tmp_path: Path, text: str, name: str, expected: str | None) -> None:
    assert detect_format(_write(tmp_path, text, name)) == expected


def test_detect_missing_file(tmp_path: Path) -> None:
    assert detect_format(tmp_path / "none.csv") is None


CHOICES = ("standley", "mtgnet", "csv", "matrix", "affinity")


def test_resolve_format(tmp_path: Path) -> None:
    square = _write(tmp_path, "\n,a,b\na,0.8,0.9\nb,0.5,0.6\n")
    numbers = _write(tmp_path, "0.5\t0.4\n", "r.txt")
    assert resolve_format(square, None, choices=CHOICES, default="standley") == "matrix"
    assert resolve_format(numbers, None, choices=CHOICES, default="standley") == "standley"
    assert resolve_format(numbers, "mtgnet", choices=CHOICES, default="standley") == "mtgnet"
    assert resolve_format(square, "affinity", choices=CHOICES, default="x") == "affinity"
    with pytest.raises(InputError) as info:
        resolve_format(square, "standley", choices=CHOICES, default="standley")
    err = info.value
    assert (err.file, err.line, err.field) == (str(square), 2, "format")
    assert "looks like a square score matrix" in err.message and "--format matrix" in err.message
    long = _write(tmp_path, "target,source,seed,score\na,,0,1\n", "l.csv")
    with pytest.raises(InputError, match=r"looks like a long CSV.*use --format csv"):
        resolve_format(long, "matrix", choices=CHOICES, default="standley")
    with pytest.raises(InputError, match="use another command"):
        resolve_format(long, "matrix", choices=("matrix",), default="matrix")


def test_seeded_csv_round_trip(tmp_path: Path) -> None:
    """write_seeded_csv then read_seeded_csv gives the same per-seed singles and pairs."""
    rng = np.random.default_rng(1)
    tasks = ("a", "b", "c")
    groups = (("a",), ("b",), ("c",), ("a", "b"), ("a", "c"), ("b", "c"), ("a", "b", "c"))
    cube = rng.uniform(0.2, 0.9, (3, len(groups), 3))
    for g, group in enumerate(groups):
        for t in range(3):
            if tasks[t] not in group:
                cube[:, g, t] = np.nan
    cube[1, 3, 0] = np.nan  # a's score in a+b missing for the second seed
    with warnings.catch_warnings():  # all-NaN cells outside each group
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(cube, axis=0)
    table = ScoreTable(tasks, groups, mean, np.ones(7), True, cube)
    path = write_seeded_csv(table, tmp_path / "seeds.csv", seeds=[7, 3, 11])
    back, seeds = read_seeded_csv(path)
    assert seeds == (3, 7, 11) and back.tasks == tasks
    order = [1, 0, 2]  # seeds 3, 7, 11 are slices 1, 0, 2
    assert back.seed_scores is not None
    for g, group in enumerate(back.groups):
        np.testing.assert_array_equal(
            back.seed_scores[:, g], cube[order][:, groups.index(group)], strict=False
        )
    assert ("a", "b", "c") not in back.groups
    with pytest.raises(ValueError, match="integer seeds"):
        write_seeded_csv(table, tmp_path / "x.csv", seeds=[0.5, 1, 2])
