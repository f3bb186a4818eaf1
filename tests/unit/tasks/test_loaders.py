"""load_task / load_tasks over JSONL, CSV, Parquet and datasets folders."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd
import pytest
from _taskdata import CLS, write_jsonl

from taskaffinity.tasks import load_suite_file, load_task, load_tasks

SPLITS = {"train": "train.jsonl", "dev": "dev.jsonl", "test": "test.jsonl"}


def _spec(**kw) -> dict:
    return {"name": "t", "kind": "classification", "data": dict(SPLITS), **kw}


def test_jsonl_files(cls_files: Path) -> None:
    task = load_task(_spec(category="knowledge", metric="macro_f1"), cls_files)
    assert (len(task.train), len(task.dev), len(task.test)) == (30, 5, 5)
    assert task.labels == ("乙", "甲") and task.category == "knowledge"
    assert task.metric == "macro_f1" and task.train[1].text == "文本1"


def test_default_metric_and_gzip(tmp_path: Path) -> None:
    for split, rows in (("train", CLS[:30]), ("dev", CLS[30:35]), ("test", CLS[35:])):
        data = "".join(json.dumps(r) + "\n" for r in rows).encode()
        (tmp_path / f"{split}.jsonl.gz").write_bytes(gzip.compress(data))
    spec = _spec(data={s: f"{s}.jsonl.gz" for s in SPLITS})
    assert load_task(spec, tmp_path).metric == "accuracy"


def test_csv_and_parquet_with_field_mapping(tmp_path: Path) -> None:
    df = pd.DataFrame(CLS).rename(columns={"text": "sentence", "label": "y"})
    df.iloc[:30].to_csv(tmp_path / "train.csv", index=False)
    df.iloc[30:35].to_parquet(tmp_path / "dev.parquet")
    df.iloc[35:].to_csv(tmp_path / "test.tsv", sep="\t", index=False)
    spec = _spec(
        data={"train": "train.csv", "dev": "dev.parquet", "test": "test.tsv"},
        fields={"text": "sentence", "label": "y"},
    )
    task = load_task(spec, tmp_path)
    assert task.test[0].text == "文本35" and len(task.dev) == 5


def test_hf_datasets_folder(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    dd = datasets.DatasetDict(
        {
            "train": datasets.Dataset.from_list(CLS[:30]),
            "validation": datasets.Dataset.from_list(CLS[30:35]),
            "test": datasets.Dataset.from_list(CLS[35:]),
        }
    )
    dd.save_to_disk(str(tmp_path / "hf"))
    task = load_task(_spec(data={"path": "hf"}), tmp_path)
    assert (len(task.train), len(task.dev), len(task.test)) == (30, 5, 5)
    dd["train"].save_to_disk(str(tmp_path / "one"))
    spec = _spec(data={"path": "one", "split": {"train": 8, "dev": 1, "test": 1, "seed": 0}})
    assert len(load_task(spec, tmp_path).train) == 24


def test_tagging_tokens_as_string_or_list(tmp_path: Path) -> None:
    rows = [{"chars": "学而时习之", "tags": ["O", "O", "O", "O", "。"]}] * 2
    rows += [{"chars": ["不", "亦", "说", "乎"], "tags": "O O O ？"}]
    for i, s in enumerate(SPLITS):  # each split its own examples: another first character
        c = "甲乙丙"[i]
        write_jsonl(
            tmp_path / SPLITS[s],
            [
                {
                    **r,
                    "chars": c + r["chars"][1:]
                    if isinstance(r["chars"], str)
                    else [c, *r["chars"][1:]],
                }
                for r in rows
            ],
        )
    spec = {"name": "p", "kind": "tagging", "data": SPLITS, "fields": {"tokens": "chars"}}
    task = load_task(spec, tmp_path)
    assert task.train[0].tokens == tuple("甲而时习之") and task.train[2].tags[-1] == "？"
    assert task.dev[0].tokens == tuple("乙而时习之")
    assert task.metric == "tag_f1" and task.labels == ("O", "。", "？")


def test_ratio_split_is_deterministic_and_disjoint(tmp_path: Path) -> None:
    rows = [{"text": f"句{i % 90}", "label": str(i % 3)} for i in range(100)]  # 10 duplicates
    write_jsonl(tmp_path / "all.jsonl", rows)
    spec = _spec(data={"path": "all.jsonl", "split": {"train": 0.8, "dev": 0.1, "test": 0.1}})
    a, b = load_task(spec, tmp_path), load_task(spec, tmp_path)
    assert (len(a.train), len(a.dev), len(a.test)) == (72, 9, 9)
    assert [e.text for e in a.train] == [e.text for e in b.train]
    texts = [{e.text for e in a.split(s)} for s in ("train", "dev", "test")]
    assert not (texts[0] & texts[1] or texts[0] & texts[2] or texts[1] & texts[2])
    spec["data"]["split"]["seed"] = 1
    assert [e.text for e in load_task(spec, tmp_path).train] != [e.text for e in a.train]


def test_load_tasks_and_suite_file(cls_files: Path) -> None:
    suite = load_tasks([_spec(), _spec(name="u")], cls_files, name="mine")
    assert suite.names == ("t", "u") and suite.name == "mine"
    (cls_files / "suite.yaml").write_text(
        "name: s\ntasks:\n  - {name: t, data: {path: all.jsonl, "
        "split: {train: 8, dev: 1, test: 1, seed: 3}}}\n",
        "utf-8",
    )
    assert load_suite_file(cls_files / "suite.yaml").names == ("t",)
