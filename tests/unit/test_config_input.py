"""Study configs refused before anything runs: keys given twice, bytes that are not UTF-8,
seeds, names and plans that cannot be trained; each error names file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from taskaffinity.config import load_config
from taskaffinity.errors import InputError

GOOD = """\
name: demo
suite: zh_classical
backend:
  name: scratch
  epochs: 2
plan: {singles: true, pairs: false, all: true}
seeds: [0, 1]
executor: {kind: local, workers: 2}
"""


def _error(tmp_path: Path, text: str | bytes) -> InputError:
    path = tmp_path / "study.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_config(path)
    assert info.value.file == str(path)
    return info.value


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        (GOOD + "seeds: [5]\n", 9, "seeds"),
        (GOOD.replace("  epochs: 2\n", "  epochs: 2\n  epochs: 3\n"), 6, "backend.epochs"),
        (GOOD.replace("all: true}", "all: true, pairs: true}"), 6, "plan.pairs"),
        (
            "tasks:\n  - name: a\n    kind: tagging\n    kind: classification\n",
            4,
            "tasks[0].kind",
        ),
    ],
)
def test_a_key_given_twice_is_refused_at_its_second_line(tmp_path, text, line, field) -> None:
    err = _error(tmp_path, text)
    assert (err.line, err.field) == (line, field)
    assert "given twice" in err.message


def test_bytes_that_are_not_utf8_name_their_line(tmp_path) -> None:
    err = _error(tmp_path, GOOD.replace("epochs: 2", "epochs: 2 # r\xe9sum\xe9").encode("latin-1"))
    assert err.line == 5 and "not UTF-8" in err.message


@pytest.mark.parametrize(
    ("seeds", "field"),
    [("[-1]", "seeds[0]"), ("[0, .nan]", "seeds[1]"), ("[4294967296]", "seeds[0]")],
)
def test_seeds_outside_the_range_of_random_generators(tmp_path, seeds, field) -> None:
    err = _error(tmp_path, GOOD.replace("seeds: [0, 1]", f"seeds: {seeds}"))
    assert (err.line, err.field) == (7, field)


def test_a_plan_that_trains_nothing_is_refused(tmp_path) -> None:
    text = GOOD.replace(
        "{singles: true, pairs: false, all: true}", "{singles: false, pairs: false, all: false}"
    )
    err = _error(tmp_path, text)
    assert (err.line, err.field) == (6, "plan") and "trains nothing" in err.message


@pytest.mark.parametrize(
    ("old", "new", "line", "field"),
    [
        ("name: demo", "name: [a, b]", 1, "name"),
        ("name: demo", "name: ''", 1, "name"),
        ("workers: 2}", "workers: 2, gpus_per_run: .inf}", 8, "executor.gpus_per_run"),
        ("workers: 2}", "workers: 2, address: 5}", 8, "executor.address"),
    ],
)
def test_values_of_the_wrong_type(tmp_path, old, new, line, field) -> None:
    err = _error(tmp_path, GOOD.replace(old, new))
    assert (err.line, err.field) == (line, field)


def test_base_dir_must_be_a_path(tmp_path) -> None:
    err = _error(tmp_path, "tasks: [{name: a}]\nbase_dir: 5\n")
    assert (err.line, err.field) == (2, "base_dir")
