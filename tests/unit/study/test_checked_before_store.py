"""run_study checks everything a run needs before it creates the study folder: the
backend's options and resources, every planned task for the backend, the worker count."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from taskaffinity.config import load_config
from taskaffinity.errors import InputError
from taskaffinity.study import run_study

TASKS = """\
name: checked
tasks:
  - name: a
    kind: classification
    data: {train: a.train.jsonl, dev: a.dev.jsonl, test: a.test.jsonl}
  - name: b
    kind: classification
    data: {train: b.train.jsonl, dev: b.dev.jsonl, test: b.test.jsonl}
backend: {name: scratch, epochs: 1, d_model: 8, heads: 2, ff_dim: 8, max_len: 8}
plan: {singles: true, pairs: true, all: false}
seeds: [0]
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for task in "ab":
        for split, n in (("train", 8), ("dev", 4), ("test", 4)):
            rows = [{"text": f"{task}{split}{i}", "label": "xy"[i % 2]} for i in range(n)]
            (tmp_path / f"{task}.{split}.jsonl").write_text(
                "".join(json.dumps(r) + "\n" for r in rows), "utf-8"
            )
    return tmp_path


def _refused(folder: Path, text: str, **kwargs) -> InputError:
    path = folder / "study.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        run_study(load_config(path), folder / "out", progress=False, **kwargs)
    assert not (folder / "out").exists()
    return info.value


@pytest.mark.parametrize(
    ("option", "field"),
    [
        ("batch_size: 2.5", "backend.batch_size"),
        ("lr: .nan", "backend.lr"),
        ("weight_decay: .nan", "backend.weight_decay"),
        ("epochs: .inf", "backend.epochs"),
    ],
)
def test_backend_numbers(folder, option, field) -> None:
    err = _refused(folder, TASKS.replace("max_len: 8}", f"max_len: 8, {option}}}"))
    assert (err.line, err.field) == (9, field)


def test_negative_seed(folder) -> None:
    err = _refused(folder, TASKS.replace("seeds: [0]", "seeds: [-1]"))
    assert (err.line, err.field) == (11, "seeds[0]")


def test_missing_encoder_model(folder) -> None:
    backend = f"backend: {{name: encoder, model: {folder / 'no-model'}}}"
    err = _refused(folder, TASKS.replace(TASKS.splitlines()[8], backend))
    assert (err.line, err.field) == (9, "backend.model")


def test_the_ray_executor_needs_ray(folder, monkeypatch) -> None:
    import importlib.util

    find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "ray" else find_spec(name, *a)
    )
    err = _refused(folder, TASKS + "executor: {kind: ray}\n")
    assert (err.line, err.field) == (12, "executor.kind") and "pip install" in err.message


def test_workers_must_be_positive(folder) -> None:
    err = _refused(folder, TASKS, workers=-3)
    assert err.field == "workers"


PLUGIN = """
from taskaffinity.tasks import Example, Task, TaskSuite


def _task(name, labels, metric="accuracy"):
    def split(n):
        return tuple(Example(text=f"{name}{i}", label=labels[i % len(labels)]) for i in range(n))

    return Task(name, "classification", "c", metric, split(8), split(4), split(4))


def one_label():
    return TaskSuite("p", (_task("fine", "xy"), _task("one", "x")))


def unknown_metric():
    return TaskSuite("p", (_task("fine", "xy"), _task("odd", "xy", metric="f2")))


def tagging_metric():
    return TaskSuite("p", (_task("fine", "xy"), _task("odd", "xy", metric="tag_f1")))
"""


@pytest.mark.parametrize(
    ("factory", "message"),
    [
        ("one_label", ">= 2 labels"),
        ("unknown_metric", "unknown metric 'f2'"),
        ("tagging_metric", "for tagging tasks"),
    ],
)
def test_tasks_of_a_plugin_suite(folder, monkeypatch, factory, message) -> None:
    (folder / "plugin_suites_checked.py").write_text(PLUGIN, "utf-8")
    monkeypatch.syspath_prepend(str(folder))
    rest = TASKS.split("backend:", 1)[1]
    err = _refused(folder, f"name: p\nsuite: 'plugin_suites_checked:{factory}'\nbackend:{rest}")
    assert message in err.message
    assert (err.line, err.field) == (2, "suite")


def test_the_same_checks_for_a_task_of_the_config(folder) -> None:
    for split in ("train", "dev", "test"):
        rows = [{"text": f"b{split}{i}", "label": "x"} for i in range(4)]
        (folder / f"b.{split}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    err = _refused(folder, TASKS)
    assert "one label" in err.message and (err.line, err.field) == (8, "tasks[1].data.train")
