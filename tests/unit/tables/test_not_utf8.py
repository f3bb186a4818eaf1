"""Every table reader refuses bytes that are not UTF-8 with one error naming file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from taskaffinity.analysis import read_categories_csv
from taskaffinity.errors import InputError
from taskaffinity.tables import (
    read_affinity,
    read_long_csv,
    read_mtgnet,
    read_score_matrix,
    read_standley,
)

BAD = "caf\xe9".encode("latin-1")


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8").replace(b"@", BAD))
    return path


@pytest.mark.parametrize(
    ("name", "text", "read", "line"),
    [
        ("r.txt", "0.1\t0.2\n0.3\t\n\t@\n", read_standley, 3),
        ("long.csv", "target,source,seed,score\na,,0,1\n@,,0,1\n", read_long_csv, 3),
        ("groups.csv", "group,task,score\na,a,1\n@,a,1\n", read_long_csv, 3),
        ("square.csv", ",a,b\na,1,2\nb,@,1\n", read_score_matrix, 3),
        ("cats.csv", "task,category\na,x\nb,@\n", read_categories_csv, 3),
        ("aff.csv", ",a,b\na,,0.1\n@,0.2,\n", read_affinity, 3),
    ],
)
def test_not_utf8_names_file_and_line(tmp_path, name, text, read, line) -> None:
    path = _write(tmp_path, name, text)
    with pytest.raises(InputError) as info:
        read(path)
    assert (info.value.file, info.value.line) == (str(path), line)
    assert "not UTF-8" in info.value.message


def test_mtgnet_files_not_utf8(tmp_path) -> None:
    x = _write(tmp_path, "x.csv", "1 0\n0 1\n1 @\n")
    y = _write(tmp_path, "y.csv", "0 0\n0 0\n0.1 0.2\n")
    with pytest.raises(InputError) as info:
        read_mtgnet(x, y)
    assert (info.value.file, info.value.line) == (str(x), 3)
    x = _write(tmp_path, "x.csv", "1 0\n0 1\n1 1\n")
    y = _write(tmp_path, "y.csv", "0 0\n0 0\n0.1 @\n")
    with pytest.raises(InputError) as info:
        read_mtgnet(x, y)
    assert (info.value.file, info.value.line) == (str(y), 3)


def test_square_scores_need_their_diagonal(tmp_path) -> None:
    path = tmp_path / "s.csv"
    path.write_text(",a,b,c\na,0.8,0.82,0.79\nb,0.5,,0.55\nc,0.9,0.91,0.89\n", "utf-8")
    with pytest.raises(InputError, match="single-task score") as info:
        read_score_matrix(path)
    assert (info.value.line, info.value.field) == (3, "b")
