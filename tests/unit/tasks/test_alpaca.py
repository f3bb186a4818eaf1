"""Alpaca records (instruction, input, output, system, history) as a task's examples, in
a task dict's ``data: {..., format: alpaca}``; ``.json`` files holding a JSON array."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _taskdata import CLS, write_jsonl

from taskaffinity.errors import InputError
from taskaffinity.tasks import alpaca_text, load_task, read_records

ROWS = [
    {"instruction": "这首诗作于哪个朝代？", "input": f"诗句{i}", "output": "唐宋"[i % 2]}
    for i in range(40)
]


def test_alpaca_text_puts_system_and_history_before_the_instruction() -> None:
    assert alpaca_text("问", "输入") == "问\n输入"
    assert alpaca_text("问") == "问"
    assert alpaca_text("", "只有输入") == "只有输入"
    text = alpaca_text("问", "输入", "系统", (("旧问", "旧答"), ("再问", "")))
    assert text == "系统\n\n旧问\n旧答\n\n再问\n\n问\n输入"


def test_a_plain_alpaca_jsonl_file_is_a_task(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "all.jsonl", ROWS)
    spec = {
        "name": "dynasty",
        "kind": "classification",
        "data": {
            "path": "all.jsonl",
            "format": "alpaca",
            "split": {"train": 8, "dev": 1, "test": 1},
        },
    }
    task = load_task(spec, tmp_path)
    assert task.labels == ("唐", "宋") and len(task.train) == 32
    assert all(e.text.startswith("这首诗作于哪个朝代？\n诗句") for e in task.train)


def test_alpaca_split_files_with_renamed_columns_and_history(tmp_path: Path) -> None:
    rows = [
        {"q": f"问{i}", "a": f"答{i}", "sys": "你是老师", "turns": [["早先", "回答"]]}
        for i in range(12)
    ]
    for split, part in (("train", rows[:8]), ("dev", rows[8:10]), ("test", rows[10:])):
        write_jsonl(tmp_path / f"{split}.jsonl", part)
    data = {s: f"{s}.jsonl" for s in ("train", "dev", "test")}
    columns = {"prompt": "q", "query": None, "response": "a", "system": "sys", "history": "turns"}
    spec = {
        "name": "g",
        "kind": "generation",
        "data": {**data, "format": "alpaca", "columns": columns},
    }
    task = load_task(spec, tmp_path)
    assert task.test[0].text == "你是老师\n\n早先\n回答\n\n问10" and task.test[0].label == "答10"


def _error(spec: dict, base: Path) -> InputError:
    with pytest.raises(InputError) as info:
        load_task(spec, base)
    return info.value


def _alpaca(tmp_path: Path, rows: list[dict], **data) -> dict:
    write_jsonl(tmp_path / "all.jsonl", rows)
    split = {"train": 0.8, "dev": 0.1, "test": 0.1}
    return {
        "name": "t",
        "kind": "generation",
        "data": {"path": "all.jsonl", "format": "alpaca", "split": split, **data},
    }


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"instruction": "问", "input": "x"}, "output"),
        ({"input": "x", "output": "答"}, "instruction"),
        ({"instruction": "问", "output": {"a": 1}}, "output"),
        ({"instruction": "问", "output": "答", "history": [["only one"]]}, "history"),
        ({"instruction": "问", "output": "答", "history": {"q": "a"}}, "history"),
        ({"instruction": " ", "input": "", "output": "答"}, "instruction"),
    ],
)
def test_a_bad_alpaca_record_names_file_line_and_field(tmp_path, record, field) -> None:
    err = _error(_alpaca(tmp_path, [*ROWS[:3], record, *ROWS[3:]]), tmp_path)
    assert (Path(err.file).name, err.line, err.field) == ("all.jsonl", 4, field)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"format": "sharegpt"}, "data.format"),
        ({"columns": {"answer": "output"}}, "data.columns.answer"),
        ({"columns": {"response": None}}, "data.columns.response"),
        ({"columns": {"prompt": ""}}, "data.columns.prompt"),
        ({"columns": "output"}, "data.columns"),
    ],
)
def test_bad_alpaca_options_name_the_field(tmp_path, change, field) -> None:
    assert _error(_alpaca(tmp_path, ROWS, **change), tmp_path).field == field


def test_columns_without_format_and_alpaca_with_fields_are_refused(tmp_path) -> None:
    spec = _alpaca(tmp_path, ROWS)
    del spec["data"]["format"]
    spec["data"]["columns"] = {"prompt": "instruction"}
    assert _error(spec, tmp_path).field == "data.columns"
    spec = _alpaca(tmp_path, ROWS)
    spec["fields"] = {"text": "instruction"}
    assert _error(spec, tmp_path).field == "fields"
    spec = _alpaca(tmp_path, ROWS)
    spec["kind"] = "tagging"
    assert _error(spec, tmp_path).field == "data.format"


def test_a_label_unseen_in_train_names_the_output_column(tmp_path: Path) -> None:
    for split, rows in (("train", ROWS[:30]), ("dev", ROWS[30:35]), ("test", ROWS[35:])):
        write_jsonl(tmp_path / f"{split}.jsonl", rows)
    write_jsonl(tmp_path / "dev.jsonl", [*ROWS[30:32], {**ROWS[32], "output": "元"}])
    data = {s: f"{s}.jsonl" for s in ("train", "dev", "test")}
    err = _error({"name": "t", "data": {**data, "format": "alpaca"}}, tmp_path)
    assert (Path(err.file).name, err.line, err.field) == ("dev.jsonl", 3, "output")


# ------------------------------------------------------------------- .json arrays


def test_a_json_array_file_reads_each_object_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "rows.json"
    path.write_text(json.dumps(CLS[:3], ensure_ascii=False, indent=2), "utf-8")
    recs = read_records(path)
    assert [r.data for r in recs] == CLS[:3]
    assert [r.line for r in recs] == [2, 6, 10]
    path.write_text("".join(json.dumps(r) + "\n" for r in CLS[:3]), "utf-8")  # JSON lines
    assert [r.line for r in read_records(path)] == [1, 2, 3]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('[\n  {"a": 1},\n  {"a": }\n]\n', 3, "malformed JSON"),
        ('[\n  {"a": 1},\n  [1, 2]\n]\n', 3, "JSON object"),
        ('[\n  {"a": 1}\n  {"a": 2}\n]\n', 3, "expected ','"),
        ('[\n  {"a": 1},\n]\n', 3, "','"),
        ('[\n  {"a": 1}\n', 3, "expected ','"),
        ('[\n  {"a": 1}\n]\nmore\n', 4, "after the end"),
    ],
)
def test_a_malformed_json_array_names_the_line(tmp_path, text, line, words) -> None:
    path = tmp_path / "rows.json"
    path.write_text(text, "utf-8")
    with pytest.raises(InputError) as info:
        read_records(path)
    assert (Path(info.value.file).name, info.value.line) == ("rows.json", line)
    assert words in info.value.message
