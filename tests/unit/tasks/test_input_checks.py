"""Task files read line by line and refused where a value is not what its field needs,
splits that share a file or an example, and task definitions located in their YAML."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd
import pytest
from _taskdata import CLS, write_jsonl

from taskaffinity.config import load_config
from taskaffinity.errors import InputError
from taskaffinity.tasks import load_suite_file, load_task

SPLITS = {"train": "train.jsonl", "dev": "dev.jsonl", "test": "test.jsonl"}


def _spec(**kw) -> dict:
    return {"name": "t", "kind": "classification", "data": dict(SPLITS), **kw}


def _raises(spec: dict, base: Path) -> InputError:
    with pytest.raises(InputError) as info:
        load_task(spec, base)
    return info.value


def _lines(rows: list) -> str:
    return "".join(
        (r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows
    )


@pytest.mark.parametrize(
    ("split", "row", "field"),
    [
        ("train", {"text": "甲", "label": ["x", "y"]}, "label"),
        ("train", {"text": "甲", "label": {"x": 1}}, "label"),
        ("dev", {"text": {"a": "b"}, "label": "甲"}, "text"),
        ("test", {"text": ["a", "b"], "label": "甲"}, "text"),
    ],
)
def test_a_list_or_mapping_where_a_string_is_expected(cls_files, split, row, field) -> None:
    rows = {"train": CLS[:30], "dev": CLS[30:35], "test": CLS[35:]}[split]
    write_jsonl(cls_files / f"{split}.jsonl", [*rows[:2], row, *rows[2:]])
    err = _raises(_spec(), cls_files)
    assert (Path(err.file).name, err.line, err.field) == (f"{split}.jsonl", 3, field)
    assert "a string" in err.message


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"tokens": "ab", "tags": {"a": "O"}}, "tags"),
        ({"tokens": "ab", "tags": ["O", ["P"]]}, "tags"),
        ({"tokens": ["a", {"b": 1}], "tags": ["O", "P"]}, "tokens"),
        ({"tokens": 12, "tags": ["O", "P"]}, "tokens"),
    ],
)
def test_tagging_values_must_be_strings(tmp_path, row, field) -> None:
    good = [{"tokens": f"a{i}", "tags": ["O", "P"]} for i in range(4)]
    write_jsonl(tmp_path / "train.jsonl", [good[0], row, *good[1:]])
    write_jsonl(tmp_path / "dev.jsonl", [{"tokens": "xy", "tags": ["O", "P"]}])
    write_jsonl(tmp_path / "test.jsonl", [{"tokens": "zw", "tags": ["O", "P"]}])
    err = _raises({"name": "p", "kind": "tagging", "data": SPLITS}, tmp_path)
    assert (Path(err.file).name, err.line, err.field) == ("train.jsonl", 2, field)


@pytest.mark.parametrize("column", ["label", "text"])
def test_parquet_list_cells_are_refused(cls_files, column) -> None:
    rows = [dict(r) for r in CLS[:30]]
    for r in rows:
        r[column] = [r[column]]
    pd.DataFrame(rows).to_parquet(cls_files / "train.parquet")
    err = _raises(_spec(data={**SPLITS, "train": "train.parquet"}), cls_files)
    assert (Path(err.file).name, err.line, err.field) == ("train.parquet", 1, column)


@pytest.mark.parametrize("test", ["train.jsonl", "./train.jsonl", "sub/../train.jsonl"])
def test_one_file_for_two_splits_is_refused(cls_files, test) -> None:
    (cls_files / "sub").mkdir()
    err = _raises(_spec(data={**SPLITS, "test": test}), cls_files)
    assert err.field == "data.test" and "data.train" in err.message


@pytest.mark.parametrize(
    ("split", "copied", "other"),
    [("test", CLS[3], "train"), ("test", CLS[31], "dev"), ("dev", CLS[0], "train")],
)
def test_an_example_in_two_splits_is_refused(cls_files, split, copied, other) -> None:
    rows = {"dev": CLS[30:35], "test": CLS[35:]}[split]
    write_jsonl(cls_files / f"{split}.jsonl", [rows[0], copied, *rows[1:]])
    err = _raises(_spec(), cls_files)
    assert (Path(err.file).name, err.line, err.field) == (f"{split}.jsonl", 2, "text")
    assert f"{other}.jsonl:" in err.message


def test_not_utf8_jsonl_names_the_line(cls_files) -> None:
    text = _lines([*CLS[30:33], '{"text": "caf\xe9", "label": "甲"}', *CLS[33:35]])
    (cls_files / "dev.jsonl").write_bytes(text.encode("utf-8").replace("é".encode(), b"\xe9"))
    err = _raises(_spec(), cls_files)
    assert (Path(err.file).name, err.line) == ("dev.jsonl", 4)
    assert "not UTF-8" in err.message and "position" not in err.message


def test_gzip_truncated_or_not_gzip_is_one_error(cls_files) -> None:
    whole = gzip.compress(_lines(CLS[:30]).encode("utf-8"))
    (cls_files / "train.jsonl.gz").write_bytes(whole[:-10])
    err = _raises(_spec(data={**SPLITS, "train": "train.jsonl.gz"}), cls_files)
    assert err.file.endswith("train.jsonl.gz") and "truncated" in err.message
    (cls_files / "train.jsonl.gz").write_bytes(_lines(CLS[:30]).encode("utf-8"))
    err = _raises(_spec(data={**SPLITS, "train": "train.jsonl.gz"}), cls_files)
    assert err.file.endswith("train.jsonl.gz") and "gzip" in err.message


@pytest.mark.parametrize(
    ("content", "line"),
    [
        ("text,label\n甲,1\n乙,2\ncaf\xe9,1\n".encode("latin-1", "replace"), 4),
        ("text,label\n甲,1\n乙,2,3\n丙,1\n".encode(), 3),
    ],
)
def test_csv_rows_name_their_line(tmp_path, content, line) -> None:
    (tmp_path / "a.csv").write_bytes(content)
    write_jsonl(tmp_path / "dev.jsonl", [{"text": "丁", "label": "1"}])
    write_jsonl(tmp_path / "test.jsonl", [{"text": "戊", "label": "2"}])
    err = _raises(_spec(data={**SPLITS, "train": "a.csv"}), tmp_path)
    assert (Path(err.file).name, err.line) == ("a.csv", line)


@pytest.mark.parametrize(
    ("metric", "message"), [("f2", "unknown metric 'f2'"), ("tag_f1", "for tagging tasks")]
)
def test_metrics_are_checked_when_the_task_loads(cls_files, metric, message) -> None:
    err = _raises(_spec(metric=metric), cls_files)
    assert err.field == "metric" and message in err.message


def test_a_task_with_one_label_is_refused(tmp_path) -> None:
    for split, n in SPLITS.items():
        write_jsonl(tmp_path / n, [{"text": f"{split}{i}", "label": "甲"} for i in range(3)])
    err = _raises(_spec(), tmp_path)
    assert err.field == "data.train" and "one label" in err.message


D = "    data: {train: train.jsonl, dev: dev.jsonl, test: test.jsonl}\n"
CONFIG = """\
name: located
tasks:
  - name: a
    kind: classification
    data: {train: train.jsonl, dev: dev.jsonl, test: test.jsonl}
  - name: b
"""


@pytest.mark.parametrize(
    ("rest", "line", "field"),
    [
        (
            D + "    kind: x\n",
            8,
            "tasks[1].kind",
        ),
        (
            D + "    wieght: 1\n",
            8,
            "tasks[1].wieght",
        ),
        (
            D + "    metric: f2\n",
            8,
            "tasks[1].metric",
        ),
        (
            D + "    metric: [accuracy]\n",
            8,
            "tasks[1].metric",
        ),
        (
            D + "    category: [x]\n",
            8,
            "tasks[1].category",
        ),
        (
            D + "    instruction: {a: 1}\n",
            8,
            "tasks[1].instruction",
        ),
        (
            D + "    fields: {txt: x}\n",
            8,
            "tasks[1].fields",
        ),
        (
            D + "    fields: {text: [a]}\n",
            8,
            "tasks[1].fields.text",
        ),
        ("    data: train.jsonl\n", 7, "tasks[1].data"),
        ("    data: {train: train.jsonl}\n", 7, "tasks[1].data"),
        ("    data: {train: [x], dev: dev.jsonl, test: test.jsonl}\n", 7, "tasks[1].data.train"),
        (
            "    data: {train: absent.jsonl, dev: dev.jsonl, test: test.jsonl}\n",
            7,
            "tasks[1].data.train",
        ),
        (
            "    data: {train: train.jsonl, dev: dev.jsonl, test: train.jsonl}\n",
            7,
            "tasks[1].data.test",
        ),
        ("    data: {path: all.jsonl}\n", 7, "tasks[1].data.split"),
        (
            "    data: {path: all.jsonl, split: {train: .nan, dev: 1, test: 1}}\n",
            7,
            "tasks[1].data.split.train",
        ),
        (
            "    data: {path: all.jsonl, split: {train: 8, dev: 0, test: 1}}\n",
            7,
            "tasks[1].data.split.dev",
        ),
        (
            "    data: {path: all.jsonl, split: {train: 8, dev: 1, test: 1, val: 1}}\n",
            7,
            "tasks[1].data.split",
        ),
        (
            "    data: {path: all.jsonl, split: {train: 8, dev: 1, test: 1, seed: 0.5}}\n",
            7,
            "tasks[1].data.split.seed",
        ),
        ("    kind: classification\n", 6, "tasks[1].data"),
    ],
)
def test_definition_errors_name_the_yaml_file_and_line(cls_files, rest, line, field) -> None:
    path = cls_files / "study.yaml"
    path.write_text(CONFIG + rest, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_config(path).load_suite()
    err = info.value
    assert (err.file, err.line, err.field) == (str(path), line, field)
    assert str(err).startswith(f"{path}:{line}: field '{field}': ")


def test_a_suite_file_locates_its_errors(cls_files) -> None:
    path = cls_files / "suite.yaml"
    path.write_text("name: s\n" + CONFIG.split("\n", 1)[1] + "    kind: sorting\n", "utf-8")
    with pytest.raises(InputError) as info:
        load_suite_file(path)
    assert (info.value.file, info.value.line, info.value.field) == (str(path), 7, "tasks[1].kind")
    path.write_text("name: s\nname: t\ntasks: []\n", "utf-8")
    with pytest.raises(InputError, match="given twice"):
        load_suite_file(path)
