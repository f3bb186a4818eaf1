"""Reading category CSVs; errors name file, line and field (score CSVs: tests/unit/tables)."""

from __future__ import annotations

import pytest

from taskaffinity.analysis import read_categories_csv
from taskaffinity.errors import InputError


def _write(tmp_path, text, name="scores.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


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
