"""``tasks_from`` in a study config: LLaMA-Factory datasets as tasks, beside or instead of
``tasks``; errors naming the study config's file, line and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from taskaffinity.config import dump_config, load_config
from taskaffinity.errors import InputError
from taskaffinity.study import run_study

TOY = "{name: 'taskaffinity.testing:ToyBackend', dim: 4}"


def _lf(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    rows = [
        {"instruction": "朝代？", "input": f"句{i}", "output": "唐宋"[i % 2]} for i in range(30)
    ]
    (folder / "dynasty.json").write_text(json.dumps(rows, ensure_ascii=False, indent=2), "utf-8")
    rows = [{"instruction": "解释", "input": f"词{i}", "output": f"义{i}"} for i in range(20)]
    (folder / "explain.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8"
    )
    info = {"dynasty": {"file_name": "dynasty.json"}, "explain": {"file_name": "explain.jsonl"}}
    (folder / "dataset_info.json").write_text(json.dumps(info, indent=2), "utf-8")


STUDY = f"""\
name: lf
tasks_from:
  llamafactory: data
  datasets:
    - {{name: dynasty, labels: [唐, 宋]}}
    - explain
backend: {TOY}
plan: {{singles: true, pairs: false, all: false}}
"""


def _write(tmp_path: Path, text: str) -> Path:
    _lf(tmp_path / "data")
    path = tmp_path / "study.yaml"
    path.write_text(text, "utf-8")
    return path


def test_tasks_from_loads_and_round_trips(tmp_path: Path) -> None:
    cfg = load_config(_write(tmp_path, STUDY))
    suite = cfg.load_suite()
    assert suite.names == ("dynasty", "explain")
    assert [t.kind for t in suite.tasks] == ["classification", "generation"]
    copy = load_config(dump_config(cfg, tmp_path / "elsewhere.yaml"))
    assert copy.load_suite().tasks_fingerprint(suite.names) == suite.tasks_fingerprint(suite.names)


def test_a_study_of_llamafactory_datasets_runs(tmp_path: Path) -> None:
    text = STUDY.replace("    - explain\n", "")
    text += (
        "tasks:\n  - name: own\n    data: {path: own.jsonl, split: {train: 8, dev: 1, test: 1}}\n"
    )
    rows = [{"text": f"t{i}", "label": "ab"[i % 2]} for i in range(30)]
    (tmp_path / "own.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    path = _write(tmp_path, text.replace("pairs: false", "pairs: true"))
    assert load_config(path).load_suite().names == ("own", "dynasty")
    summary = run_study(path, tmp_path / "out", progress=False)
    assert (summary.trained, summary.complete) == (3, 3)


@pytest.mark.parametrize(
    ("old", "new", "line", "field"),
    [
        ("    - explain\n", "    - poet\n", 6, "tasks_from.datasets[1]"),
        ("  llamafactory: data\n", "  llamafactory: nodata\n", 3, "tasks_from.llamafactory"),
        ("[唐, 宋]", "[唐]", 5, "tasks_from.datasets[0].labels"),
        ("  datasets:\n", "  sets: 1\n  datasets:\n", 4, "tasks_from.sets"),
        ("tasks_from:\n", "suite: zh_classical\ntasks_from:\n", 2, "suite"),
    ],
)
def test_bad_tasks_from_names_the_config_line(tmp_path, old, new, line, field) -> None:
    path = _write(tmp_path, STUDY.replace(old, new))
    with pytest.raises(InputError) as info:
        load_config(path).load_suite()
    assert (info.value.file, info.value.line, info.value.field) == (str(path), line, field)


def test_a_dataset_named_like_a_task_is_refused(tmp_path: Path) -> None:
    rows = [{"text": f"t{i}", "label": "ab"[i % 2]} for i in range(10)]
    (tmp_path / "x.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    split = "{train: 8, dev: 1, test: 1}"
    path = _write(
        tmp_path,
        STUDY + f"tasks:\n  - name: explain\n    data: {{path: x.jsonl, split: {split}}}\n",
    )
    with pytest.raises(InputError) as info:
        load_config(path).load_suite()
    assert (info.value.file, info.value.line, info.value.field) == (
        str(path),
        4,
        "tasks_from.datasets",
    )
    assert "'explain'" in info.value.message


def test_a_dataset_the_backend_cannot_train_names_tasks_from(tmp_path: Path) -> None:
    path = _write(tmp_path, STUDY.replace(TOY, "{name: scratch, epochs: 1}"))
    with pytest.raises(InputError) as info:
        run_study(path, tmp_path / "out", progress=False)
    err = info.value
    assert (err.file, err.line, err.field) == (str(path), 2, "tasks_from")
    assert "'explain' is a generation task" in err.message
