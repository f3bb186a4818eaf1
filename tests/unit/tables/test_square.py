"""Square matrices from files: affinity matrices (CSV, an estimate's JSON) and complete
score matrices, and the one-line errors of malformed ones."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from taskaffinity.errors import InputError
from taskaffinity.tables import (
    read_affinity,
    read_score_matrix,
    read_square_csv,
    read_table,
    write_affinity_csv,
)
from taskaffinity.types import AffinityMatrix, ScoreTable

AFFINITY = "target\\source,a,b,c\na,,0.4,-0.3\nb,0.5,,-0.2\nc,0.1,-0.1,\n"


def _write(tmp_path: Path, text: str, name: str = "m.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_affinity_csv_rows_are_targets_and_columns_sources(tmp_path: Path) -> None:
    aff = read_affinity(_write(tmp_path, AFFINITY))
    assert aff.tasks == ("a", "b", "c") and aff.method == "imported"
    assert aff.values[0, 1] == 0.4  # target a, source b
    assert aff.values[1, 0] == 0.5  # target b, source a
    assert np.isnan(np.diag(aff.values)).all()


def test_rows_in_another_order_and_any_diagonal(tmp_path: Path) -> None:
    text = "x,a,b,c\nc,0.1,-0.1,7\na,nan,0.4,-0.3\nb,0.5,-,-0.2\n"
    aff = read_affinity(_write(tmp_path, text))
    ref = read_affinity(_write(tmp_path, AFFINITY, "ref.csv"))
    assert np.array_equal(aff.values, ref.values, equal_nan=True)


def test_write_then_read_is_the_same_matrix(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    values = rng.normal(0, 1e-4, (4, 4))
    np.fill_diagonal(values, np.nan)
    aff = AffinityMatrix(("w", "x", "y", "z"), values, "tag")
    back = read_affinity(write_affinity_csv(aff, tmp_path / "aff.csv"))
    assert back.tasks == aff.tasks and np.array_equal(back.values, values, equal_nan=True)


def test_the_json_an_estimate_writes(tmp_path: Path) -> None:
    values = np.array([[np.nan, 0.25], [-0.5, np.nan]])
    aff = AffinityMatrix(("p", "q"), values, "tag", params={"lr": 0.1})
    path = tmp_path / "tag.json"
    path.write_text(json.dumps({**aff.to_dict(), "key": "abc"}, indent=1), encoding="utf-8")
    back = read_affinity(path)
    assert back.tasks == ("p", "q") and back.method == "tag" and dict(back.params) == {"lr": 0.1}
    assert np.array_equal(back.values, values, equal_nan=True)


def test_score_matrix_is_the_singles_and_pairs_table(tmp_path: Path) -> None:
    path = _write(tmp_path, ",a,b\na,0.8,0.82\nb,0.5,0.55\n")
    table = read_score_matrix(path, higher_is_better=False)
    ref = ScoreTable.from_matrix(("a", "b"), np.array([[0.8, 0.82], [0.5, 0.55]]),
                                 higher_is_better=False)  # fmt: skip
    assert table.groups == ref.groups == (("a",), ("a", "b"), ("b",))
    assert np.array_equal(table.scores, ref.scores, equal_nan=True)
    assert not table.higher_is_better
    via = read_table(path, "matrix", higher_is_better=False)
    assert np.array_equal(via.scores, table.scores, equal_nan=True)
    with pytest.raises(InputError, match="names its tasks"):
        read_table(path, "matrix", names=["a", "b"])


MALFORMED = [
    # (text, line, field, message part); diagonals filled, so both readers say the same
    ("x,a,b,c\na,9,1,2\nb,3,9,4\n", 1, "c", "not square"),
    ("x,a,b\na,9,1,2\nb,3,9\n", 2, "a", "has 3 cells"),
    ("x,a,b\na,9,1\nc,3,9\n", 3, "task", "not among the column tasks"),
    ("x,a,b\na,9,1\nb,zz,9\n", 3, "a", "'zz' is not a number (target 'b', source 'a')"),
    ("x,a,b\na,9,1\nb,inf,9\n", 3, "a", "not finite"),
    ("x,a,a\na,9,1\n", 1, "a", "names two columns"),
    ("x,a,b\na,9,1\nb,2,9\na,9,3\n", 4, "a", "second row (first on line 2)"),
    ("x,a,\na,9,1\n", 1, "column 3", "empty task name"),
]


@pytest.mark.parametrize(("text", "line", "field", "part"), MALFORMED)
def test_a_malformed_matrix_is_one_line_naming_file_line_and_field(
    tmp_path: Path, text: str, line: int, field: str, part: str
) -> None:
    path = _write(tmp_path, text)
    for read in (read_affinity, read_score_matrix):
        with pytest.raises(InputError) as err:
            read(path)
        msg = str(err.value)
        assert msg.startswith(f"{path}:{line}: field '{field}': "), msg
        assert part in msg and "\n" not in msg
        assert (err.value.file, err.value.line, err.value.field) == (str(path), line, field)


def test_a_score_matrix_needs_its_diagonal(tmp_path: Path) -> None:
    path = _write(tmp_path, ",a,b\na,0.8,0.82\nb,0.5,\n")
    with pytest.raises(InputError, match=r":3: field 'b': missing single-task score of 'b'"):
        read_score_matrix(path)
    assert read_affinity(path).values[1, 0] == 0.5  # an affinity ignores the diagonal


@pytest.mark.parametrize(
    ("text", "field", "part"),
    [
        ('{"tasks": ["a", "b"], "values": [[null, 1], [null, null]]}', "values[1][0]",
         "None is not a finite number (target 'b', source 'a')"),
        ('{"tasks": ["a", "b"], "values": [[null, 1, 2], [3, null]]}', "values[0]",
         "not square"),
        ('{"tasks": ["a", "a"], "values": [[null, 1], [2, null]]}', "tasks", "named twice"),
        ('{"tasks": ["a", "b"], "values": [[null, 1]]}', "values", "expected 2 rows"),
        ('{"tasks": ["a", "b"], "values": [[null, "x"], [2, null]]}', "values[0][1]",
         "'x' is not a finite number"),
    ],
)  # fmt: skip
def test_a_malformed_json_affinity(tmp_path: Path, text: str, field: str, part: str) -> None:
    path = _write(tmp_path, text, "aff.json")
    with pytest.raises(InputError) as err:
        read_affinity(path)
    assert str(err.value).startswith(f"{path}: field '{field}': ") and part in str(err.value)


def test_json_syntax_errors_name_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, '{"tasks": ["a", "b"],\n "values": [[null, 1],\n [2 null]]}', "a.json")
    with pytest.raises(InputError, match=r"a\.json:3: not valid JSON"):
        read_affinity(path)


def test_missing_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        read_affinity(tmp_path / "none.csv")
    with pytest.raises(InputError, match="empty"):
        read_affinity(_write(tmp_path, "\n\n"))


def test_one_rule_for_missing_cells(tmp_path: Path) -> None:
    """Every missing spelling is 'not measured': allowed off the diagonal of a score matrix,
    required on it; in an affinity matrix the reverse."""
    for spelling in ("", "nan", "NA", "n/a", "-", "None", "null"):
        path = _write(tmp_path, f",a,b\na,0.8,{spelling}\nb,0.5,0.55\n")
        table = read_score_matrix(path)
        assert table.groups == (("a",), ("a", "b"), ("b",))
        assert np.isnan(table.score(("a", "b"), "a")) and table.score(("a", "b"), "b") == 0.5
        with pytest.raises(InputError) as err:
            read_affinity(path)
        assert (err.value.line, err.value.field) == (2, "b")
        assert "missing cell (target 'a', source 'b')" in err.value.message
    tasks, matrix, lines = read_square_csv(path, diagonal=True)
    assert tasks == ("a", "b") and lines == {"a": 2, "b": 3} and np.isnan(matrix[0, 1])


def test_a_pair_measured_one_way_is_refused_for_searches_only(tmp_path: Path) -> None:
    path = _write(tmp_path, ",a,b,c\na,0.8,0.82,\nb,,0.5,\nc,,,0.9\n")
    assert read_score_matrix(path).groups == (("a",), ("a", "b"), ("b",), ("c",))
    with pytest.raises(InputError) as err:
        read_table(path, "matrix")
    assert (err.value.file, err.value.line, err.value.field) == (str(path), 3, "a")
    assert "target 'b', source 'a' is empty" in err.value.message
