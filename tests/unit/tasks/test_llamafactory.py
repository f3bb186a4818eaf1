"""LLaMA-Factory datasets (``dataset_info.json`` + alpaca files) as one task each; errors
naming the study config, ``dataset_info.json`` or the data file, with line and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from taskaffinity.errors import InputError
from taskaffinity.tasks import ALPACA_TEMPLATE, DATASET_INFO, load_llamafactory

DYNASTY = [
    {"instruction": "这首诗作于唐代还是宋代？", "input": f"诗句{i}", "output": "唐宋"[i % 2]}
    for i in range(40)
]
EXPLAIN = [
    {
        "instruction": "解释下面的词语",
        "input": f"词{i}",
        "output": f"释义{i}",
        "system": "你是语文老师",
        "history": [["什么是成语？", "四字固定词组"]],
    }
    for i in range(30)
]


def _json_array(rows: list[dict]) -> str:
    """An indented JSON array, one key a line (LLaMA-Factory's own data files look so)."""
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


def _jsonl(rows: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def _folder(tmp_path: Path, info: dict | str, files: dict[str, str]) -> Path:
    folder = tmp_path / "data"
    folder.mkdir(parents=True, exist_ok=True)
    text = info if isinstance(info, str) else json.dumps(info, ensure_ascii=False, indent=2)
    (folder / DATASET_INFO).write_text(text, "utf-8")
    for name, content in files.items():
        (folder / name).write_text(content, "utf-8")
    return folder


INFO = {
    "dynasty": {"file_name": "dynasty.json"},
    "explain": {
        "file_name": "explain.jsonl",
        "columns": {
            "prompt": "instruction",
            "query": "input",
            "response": "output",
            "system": "system",
            "history": "history",
        },
    },
    "chat": {"file_name": "chat.json", "formatting": "sharegpt"},
    "corpus": {"file_name": "corpus.jsonl", "columns": {"prompt": "text"}},
    "hub": {"hf_hub_url": "someone/data"},
}
FILES = {"dynasty.json": _json_array(DYNASTY), "explain.jsonl": _jsonl(EXPLAIN)}


@pytest.fixture
def lf(tmp_path: Path) -> Path:
    return _folder(tmp_path, INFO, FILES)


def _load(spec: dict, base: Path, **kw):
    return load_llamafactory(spec, base, **kw)


def test_one_task_per_dataset_generation_or_classification(lf: Path) -> None:
    spec = {
        "llamafactory": "data",
        "datasets": [{"name": "dynasty", "labels": ["唐", "宋"], "metric": "macro_f1"}, "explain"],
    }
    dynasty, explain = _load(spec, lf.parent)
    assert (dynasty.name, dynasty.kind, dynasty.metric) == ("dynasty", "classification", "macro_f1")
    assert dynasty.labels == ("唐", "宋") and dynasty.instruction == ALPACA_TEMPLATE == "{text}"
    assert (explain.name, explain.kind, explain.metric) == ("explain", "generation", "bleu4")
    assert len(dynasty.train) + len(dynasty.dev) + len(dynasty.test) == 40
    assert (len(dynasty.train), len(dynasty.dev), len(dynasty.test)) == (32, 4, 4)
    ex = next(e for e in dynasty.train if e.text.endswith("诗句3"))
    assert ex.text == "这首诗作于唐代还是宋代？\n诗句3" and ex.label == "宋"
    ex = next(e for e in explain.train + explain.dev + explain.test if e.label == "释义7")
    assert ex.text == "你是语文老师\n\n什么是成语？\n四字固定词组\n\n解释下面的词语\n词7"


def test_datasets_left_out_takes_every_local_alpaca_dataset(lf: Path) -> None:
    tasks = _load({"llamafactory": "data/dataset_info.json"}, lf.parent)
    assert [t.name for t in tasks] == ["dynasty", "explain"]  # not sharegpt, corpus, hub


def test_given_columns_read_only_the_roles_they_name(tmp_path: Path) -> None:
    """LLaMA-Factory's rule: without columns, system and history are not read; with
    columns, a role left out (here the query) is not read either."""
    rows = [{**r, "instruction": f"问{i}"} for i, r in enumerate(EXPLAIN)]
    info = {
        "plain": {"file_name": "explain.jsonl"},
        "no_query": {
            "file_name": "explain.jsonl",
            "columns": {"prompt": "instruction", "response": "output"},
        },
    }
    folder = _folder(tmp_path, info, {"explain.jsonl": _jsonl(rows)})
    plain, no_query = _load({"llamafactory": str(folder)}, tmp_path)
    every = ("train", "dev", "test")
    assert {e.text for s in every for e in plain.split(s)} == {f"问{i}\n词{i}" for i in range(30)}
    assert {e.text for s in every for e in no_query.split(s)} == {f"问{i}" for i in range(30)}


def test_split_is_stable_when_records_are_added(tmp_path: Path) -> None:
    first = _load(
        {"llamafactory": str(_folder(tmp_path / "a", INFO, FILES)), "datasets": ["dynasty"]},
        tmp_path,
    )[0]
    more = [
        *DYNASTY,
        *({"instruction": "新", "input": f"句{i}", "output": "唐"} for i in range(40)),
    ]
    files = {**FILES, "dynasty.json": _json_array(more)}
    second = _load(
        {"llamafactory": str(_folder(tmp_path / "b", INFO, files)), "datasets": ["dynasty"]},
        tmp_path,
    )[0]
    where = {e.text: s for s in ("train", "dev", "test") for e in second.split(s)}
    before = {e.text: s for s in ("train", "dev", "test") for e in first.split(s)}
    moved = [t for t, s in before.items() if where[t] != s]
    assert len(moved) <= 4  # only examples at the cuts move; most keep their split
    again = _load({"llamafactory": str(tmp_path / "a" / "data"), "datasets": ["dynasty"]}, tmp_path)
    assert again[0].fingerprint == first.fingerprint


def test_split_ratios_and_seed(lf: Path) -> None:
    spec = {"llamafactory": "data", "datasets": ["dynasty"]}
    half = _load({**spec, "split": {"train": 2, "dev": 1, "test": 1}}, lf.parent)[0]
    assert (len(half.train), len(half.dev), len(half.test)) == (20, 10, 10)
    other = _load({**spec, "split": {"train": 2, "dev": 1, "test": 1, "seed": 1}}, lf.parent)[0]
    assert {e.text for e in other.test} != {e.text for e in half.test}


def test_num_samples_keeps_that_many_records(tmp_path: Path) -> None:
    info = {"dynasty": {"file_name": "dynasty.json", "num_samples": 20}}
    task = _load({"llamafactory": str(_folder(tmp_path, info, FILES))}, tmp_path)[0]
    assert len(task.train) + len(task.dev) + len(task.test) == 20


def test_a_folder_of_files_is_one_dataset(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"dynasty": {"file_name": "parts"}}, {})
    (folder / "parts").mkdir()
    (folder / "parts" / "a.jsonl").write_text(_jsonl(DYNASTY[:20]), "utf-8")
    (folder / "parts" / "b.jsonl").write_text(_jsonl(DYNASTY[20:]), "utf-8")
    task = _load({"llamafactory": str(folder)}, tmp_path)[0]
    assert len(task.train) + len(task.dev) + len(task.test) == 40


# ---------------------------------------------------------------------------- errors


def _error(spec: dict, base: Path, **kw) -> InputError:
    with pytest.raises(InputError) as info:
        _load(spec, base, **kw)
    return info.value


def test_missing_dataset_info_names_the_config_field(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    lines = {"tasks_from": 3, "tasks_from.llamafactory": 4}
    err = _error({"llamafactory": "empty"}, tmp_path, source="study.yaml", lines=lines)
    assert (err.file, err.line, err.field) == ("study.yaml", 4, "tasks_from.llamafactory")
    assert DATASET_INFO in err.message
    err = _error({"llamafactory": "nowhere/dataset_info.json"}, tmp_path)
    assert err.field == "tasks_from.llamafactory" and "not found" in err.message


def test_a_dataset_named_but_absent(lf: Path) -> None:
    lines = {"tasks_from.datasets[1]": 6}
    spec = {"llamafactory": "data", "datasets": ["dynasty", "poet"]}
    err = _error(spec, lf.parent, source="s.yaml", lines=lines)
    assert (err.file, err.line, err.field) == ("s.yaml", 6, "tasks_from.datasets[1]")
    assert "'poet'" in err.message and "dynasty" in err.message


def test_a_missing_data_file_names_its_entry_in_dataset_info(tmp_path: Path) -> None:
    folder = _folder(tmp_path, INFO, {"explain.jsonl": _jsonl(EXPLAIN)})
    err = _error({"llamafactory": str(folder), "datasets": ["dynasty"]}, tmp_path)
    assert (Path(err.file).name, err.line, err.field) == (DATASET_INFO, 2, "dynasty.file_name")
    assert "dynasty.json" in err.message


def test_malformed_dataset_info_names_its_line(tmp_path: Path) -> None:
    text = '{\n  "dynasty": {"file_name": "dynasty.json"},\n  "x": {"file_name": }\n}\n'
    err = _error({"llamafactory": str(_folder(tmp_path, text, FILES))}, tmp_path)
    assert (Path(err.file).name, err.line) == (DATASET_INFO, 3)
    text = '{\n  "dynasty": {"file_name": "a.json"},\n  "dynasty": {"file_name": "b.json"}\n}\n'
    err = _error({"llamafactory": str(_folder(tmp_path, text, FILES))}, tmp_path)
    assert (err.line, err.field) == (3, "dynasty") and "twice" in err.message


def test_malformed_data_file_names_its_line(tmp_path: Path) -> None:
    broken = _json_array(DYNASTY[:3]).replace('"output": "宋"', '"output": 宋', 1)
    folder = _folder(tmp_path, INFO, {**FILES, "dynasty.json": broken})
    err = _error({"llamafactory": str(folder), "datasets": ["dynasty"]}, tmp_path)
    line = broken.splitlines().index(next(x for x in broken.splitlines() if '": 宋' in x)) + 1
    assert (Path(err.file).name, err.line) == ("dynasty.json", line)
    assert "malformed JSON" in err.message


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"instruction": "问", "input": "x"}, "output"),
        ({"input": "x", "output": "唐"}, "instruction"),
        ({"instruction": "问", "output": ["唐"]}, "output"),
        ({"instruction": "问", "output": "唐", "system": 5}, "system"),
        ({"instruction": "问", "output": "唐", "history": "earlier"}, "history"),
        ({"instruction": "问", "output": "唐", "history": [["q", "a", "b"]]}, "history"),
        ({"instruction": "问", "output": "唐", "history": [["q", 1]]}, "history"),
        ({"instruction": "问", "output": "唐", "history": ["qa"]}, "history"),
    ],
)
def test_a_bad_record_names_file_line_and_field(tmp_path: Path, record: dict, field: str) -> None:
    rows = [*DYNASTY[:5], record, *DYNASTY[5:]]
    info = {"dynasty": {"file_name": "dynasty.json", "columns": {**_ALL}}}
    folder = _folder(tmp_path, info, {"dynasty.json": _json_array(rows)})
    err = _error({"llamafactory": str(folder)}, tmp_path)
    sixth = [i for i, x in enumerate(_json_array(rows).splitlines()) if x == "  {"][5] + 1
    assert (Path(err.file).name, err.line, err.field) == ("dynasty.json", sixth, field)


_ALL = {
    "prompt": "instruction",
    "query": "input",
    "response": "output",
    "system": "system",
    "history": "history",
}


def test_an_output_outside_the_given_labels(lf: Path) -> None:
    spec = {"llamafactory": "data", "datasets": [{"name": "dynasty", "labels": ["唐", "元"]}]}
    err = _error(spec, lf.parent)
    assert Path(err.file).name == "dynasty.json" and err.field == "output"
    assert "'宋'" in err.message and "tasks_from.datasets[0].labels" in err.message


@pytest.mark.parametrize(
    ("name", "field", "words"),
    [
        ("chat", "chat.formatting", "sharegpt"),
        ("corpus", "corpus.columns.response", "response"),
        ("hub", "hub.hf_hub_url", "local files"),
    ],
)
def test_datasets_that_are_no_alpaca_sft_data_are_refused(lf, name, field, words) -> None:
    err = _error({"llamafactory": "data", "datasets": [name]}, lf.parent)
    text = (lf / DATASET_INFO).read_text("utf-8").splitlines()
    line = next(i for i, x in enumerate(text, 1) if x.startswith(f'  "{name}":'))
    assert (Path(err.file).name, err.line, err.field) == (DATASET_INFO, line, field)
    assert words in err.message


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        ({"llamafactory": "data", "datasets": []}, "tasks_from.datasets"),
        ({"llamafactory": "data", "datasets": "dynasty"}, "tasks_from.datasets"),
        (
            {"llamafactory": "data", "datasets": [{"labels": ["a", "b"]}]},
            "tasks_from.datasets[0].name",
        ),
        (
            {"llamafactory": "data", "datasets": [{"name": "dynasty", "labels": ["唐"]}]},
            "tasks_from.datasets[0].labels",
        ),
        (
            {
                "llamafactory": "data",
                "datasets": [{"name": "dynasty", "labels": ["唐", "唐", "宋"]}],
            },
            "tasks_from.datasets[0].labels",
        ),
        (
            {"llamafactory": "data", "datasets": [{"name": "dynasty", "weight": 2}]},
            "tasks_from.datasets[0].weight",
        ),
        (
            {"llamafactory": "data", "datasets": [{"name": "explain", "metric": "accuracy"}]},
            "tasks_from.datasets[0].metric",
        ),
        ({"llamafactory": "data", "datasets": ["dynasty", "dynasty"]}, "tasks_from.datasets[1]"),
        (
            {"llamafactory": "data", "split": {"train": 0.8, "dev": 0, "test": 0.2}},
            "tasks_from.split.dev",
        ),
        ({"llamafactory": "data", "format": "alpaca"}, "tasks_from.format"),
        ({"datasets": ["dynasty"]}, "tasks_from"),
        ({"llamafactory": 5}, "tasks_from.llamafactory"),
    ],
)
def test_bad_definitions_name_the_config_field(lf: Path, spec: dict, field: str) -> None:
    assert _error(spec, lf.parent).field == field


def test_too_few_distinct_inputs_name_the_dataset(tmp_path: Path) -> None:
    folder = _folder(tmp_path, INFO, {**FILES, "dynasty.json": _json_array(DYNASTY[:2])})
    err = _error({"llamafactory": str(folder), "datasets": ["dynasty"]}, tmp_path)
    assert (Path(err.file).name, err.line, err.field) == (DATASET_INFO, 2, "dynasty")
    assert "empty" in err.message


def test_num_samples_above_the_records_is_refused(tmp_path: Path) -> None:
    info = {"dynasty": {"file_name": "dynasty.json", "num_samples": 41}}
    err = _error({"llamafactory": str(_folder(tmp_path, info, FILES))}, tmp_path)
    assert (Path(err.file).name, err.line, err.field) == (DATASET_INFO, 2, "dynasty.num_samples")


def test_a_dataset_info_without_alpaca_datasets_is_refused(tmp_path: Path) -> None:
    info = {"chat": INFO["chat"], "hub": INFO["hub"]}
    err = _error({"llamafactory": str(_folder(tmp_path, info, {}))}, tmp_path)
    assert err.field == "tasks_from.llamafactory" and "chat" in err.message


def test_the_lora_prompt_of_a_dataset_task_is_its_example_text(lf: Path) -> None:
    from taskaffinity.backends.lora import render_template

    task = _load({"llamafactory": "data", "datasets": ["explain"]}, lf.parent)[0]
    assert render_template(task) == "{text}"
