"""Every bad input raises InputError naming the file, line and field at fault."""

from __future__ import annotations

from pathlib import Path

import pytest
from _taskdata import CLS, write_jsonl

from taskaffinity.errors import InputError
from taskaffinity.tasks import TaskSuite, load_task, load_tasks

SPLITS = {"train": "train.jsonl", "dev": "dev.jsonl", "test": "test.jsonl"}


def _spec(**kw) -> dict:
    return {"name": "t", "kind": "classification", "data": dict(SPLITS), **kw}


def _raises(spec: dict, base: Path) -> InputError:
    with pytest.raises(InputError) as info:
        load_task(spec, base)
    return info.value


def test_missing_file(cls_files: Path) -> None:
    err = _raises(_spec(data={**SPLITS, "dev": "nope.jsonl"}), cls_files)
    assert err.field == "data.dev" and "not found" in str(err) and "nope.jsonl" in str(err)


def test_malformed_line(cls_files: Path) -> None:
    path = cls_files / "dev.jsonl"
    path.write_text(path.read_text("utf-8") + '{"text": "x", "label": \n', "utf-8")
    err = _raises(_spec(), cls_files)
    assert err.file.endswith("dev.jsonl") and err.line == 6
    assert "dev.jsonl:6" in str(err) and "malformed JSON" in str(err)


def test_missing_field(cls_files: Path) -> None:
    write_jsonl(cls_files / "test.jsonl", [*CLS[35:38], {"text": "无标签"}, *CLS[38:]])
    err = _raises(_spec(), cls_files)
    assert (Path(err.file).name, err.line, err.field) == ("test.jsonl", 4, "label")
    assert "test.jsonl:4: field 'label'" in str(err)


def test_missing_mapped_field_in_csv(tmp_path: Path) -> None:
    for s in SPLITS:
        (tmp_path / f"{s}.csv").write_text(f"text,label\n甲{s},1\n乙{s},2\n", "utf-8")
    spec = _spec(data={s: f"{s}.csv" for s in SPLITS}, fields={"text": "sentence"})
    err = _raises(spec, tmp_path)
    assert (Path(err.file).name, err.line, err.field) == ("train.csv", 2, "sentence")


def test_empty_split(cls_files: Path) -> None:
    (cls_files / "dev.jsonl").write_text("", "utf-8")
    err = _raises(_spec(), cls_files)
    assert err.field == "data.dev" and "empty" in str(err)


def test_unseen_label(cls_files: Path) -> None:
    write_jsonl(cls_files / "dev.jsonl", [*CLS[30:32], {"text": "新", "label": "丙"}])
    err = _raises(_spec(), cls_files)
    assert (Path(err.file).name, err.line, err.field) == ("dev.jsonl", 3, "label")
    assert "'丙'" in str(err) and "train" in str(err)


def test_unseen_tag(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "train.jsonl", [{"tokens": "之乎", "tags": ["O", "。"]}])
    write_jsonl(tmp_path / "dev.jsonl", [{"tokens": "者也", "tags": ["O", "！"]}])
    write_jsonl(tmp_path / "test.jsonl", [{"tokens": "之乎", "tags": ["O", "。"]}])
    err = _raises({"name": "p", "kind": "tagging", "data": SPLITS}, tmp_path)
    assert (Path(err.file).name, err.line, err.field) == ("dev.jsonl", 1, "tags")


def test_tokens_and_tags_lengths_differ(tmp_path: Path) -> None:
    good = {"tokens": "之乎", "tags": ["O", "。"]}
    write_jsonl(tmp_path / "train.jsonl", [good, {"tokens": "者也矣", "tags": ["O", "。"]}])
    err = _raises({"name": "p", "kind": "tagging", "data": SPLITS}, tmp_path)
    assert (Path(err.file).name, err.line, err.field) == ("train.jsonl", 2, "tags")
    assert "3 tokens but 2 tags" in str(err)


def test_duplicate_task_names(cls_files: Path) -> None:
    with pytest.raises(InputError, match="duplicate task name 't'") as info:
        load_tasks([_spec(), _spec()], cls_files, source="study.yaml")
    assert info.value.file == "study.yaml" and info.value.field == "tasks[1].name"


def test_unknown_task_in_plan(cls_files: Path) -> None:
    suite: TaskSuite = load_tasks([_spec()], cls_files)
    with pytest.raises(InputError, match="unknown task 'x'"):
        suite.check(["t", "x"])


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        ({"kind": "classification", "data": SPLITS}, "name"),
        ({"name": "t", "kind": "regression", "data": SPLITS}, "kind"),
        ({"name": "t", "kidn": "tagging", "data": SPLITS}, "kidn"),
        ({"name": "t", "data": {"train": "a"}}, "data"),
        ({"name": "t", "data": {"path": "all.jsonl"}}, "data.split"),
        ({"name": "t", "data": SPLITS, "fields": {"txt": "x"}}, "fields"),
    ],
)
def test_bad_spec_names_the_field(cls_files: Path, spec: dict, field: str) -> None:
    with pytest.raises(InputError) as info:
        load_task(spec, cls_files, source="study.yaml")
    assert info.value.field == field and info.value.file == "study.yaml"


def test_unknown_file_type(tmp_path: Path) -> None:
    (tmp_path / "a.xlsx").write_text("x", "utf-8")
    err = _raises(_spec(data={**SPLITS, "train": "a.xlsx"}), tmp_path)
    assert err.file.endswith("a.xlsx") and "unknown file type" in str(err)
