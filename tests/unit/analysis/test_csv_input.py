"""Reading square score CSVs and category CSVs; errors name file, line and field."""

from __future__ import annotations

import math

import numpy as np
import pytest

from taskaffinity.analysis import analyze, read_categories_csv, read_score_csv
from taskaffinity.errors import InputError


def _write(tmp_path, text, name="scores.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_reads_square_matrix_with_gaps_and_any_row_order(tmp_path):
    p = _write(tmp_path, ",a,b,c\nb,0.5,0.5,\na,0.8,0.84,0.76\n\nc,0.9,NA,0.85\n")
    table = read_score_csv(p)
    assert table.tasks == ("a", "b", "c")
    gm = analyze(table).gain.values
    expected = [[0.8, 0.84, 0.76], [0.5, 0.5, math.nan], [0.9, math.nan, 0.85]]
    np.testing.assert_allclose(gm, expected, equal_nan=True)
    assert math.isnan(table.score(("b", "c"), "c"))  # b+c measured neither way: no network
    assert table.score(("a", "c"), "c") == 0.9


def test_lower_is_better_flag(tmp_path):
    p = _write(tmp_path, ",a,b\na,1.0,0.9\nb,2.0,2.0\n")
    assert not read_score_csv(p, higher_is_better=False).higher_is_better


@pytest.mark.parametrize(
    ("text", "line", "field", "message"),
    [
        (",a,b\na,0.8,0.9\nb,0.5\n", 3, "b", "row has 1 scores"),
        (",a,b\na,0.8,high\nb,0.5,0.6\n", 2, "b", "'high' is not a number"),
        (",a,b\na,0.8,0.9\nc,0.5,0.6\n", 3, "task", "row task 'c' is not in the header"),
        (",a,b\na,0.8,0.9\na,0.5,0.6\n", 3, "a", "second row"),
        (",a,b\na,0.8,0.9\n", 1, "b", "no row for task(s) ['b']"),
        (",a,a\na,0.8,0.9\n", 1, None, "duplicate task name"),
        (",a,b\na,0.8,inf\nb,1,1\n", 2, "b", "not finite"),
    ],
)
def test_score_csv_errors_name_file_line_field(tmp_path, text, line, field, message):
    p = _write(tmp_path, text)
    with pytest.raises(InputError) as info:
        read_score_csv(p)
    err = info.value
    assert (err.file, err.line, err.field) == (str(p), line, field)
    assert message in str(err)
    assert str(err).startswith(f"{p}:{line}: ")


def test_missing_and_empty_files(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        read_score_csv(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="empty"):
        read_score_csv(_write(tmp_path, "\n\n"))


def test_categories(tmp_path):
    p = _write(tmp_path, "task,category\na,basic\nb,knowledge\n", "cats.csv")
    assert read_categories_csv(p) == {"a": "basic", "b": "knowledge"}


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        ("name,category\na,x\n", 1, "task"),
        ("task,category\na,\n", 2, "category"),
        ("task,category\na,x\na,y\n", 3, "category"),
        ("task,category\na\n", 2, "category"),
    ],
)
def test_category_errors(tmp_path, text, line, field):
    p = _write(tmp_path, text, "cats.csv")
    with pytest.raises(InputError) as info:
        read_categories_csv(p)
    assert (info.value.file, info.value.line, info.value.field) == (str(p), line, field)
