"""``task_overrides``: a study changes a task's main metric and metric options (e.g. a
built-in generation task scored by the LM judge); errors name file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from taskaffinity.config import load_config
from taskaffinity.errors import InputError


def _write(tmp_path: Path, overrides: object) -> Path:
    cfg = {
        "name": "o",
        "suite": "zh_classical",
        "suite_tasks": ["next_line", "poet"],
        "task_overrides": overrides,
        "backend": {"name": "lora", "model": "gemma3-270m"},
    }
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def test_override_sets_the_metric_and_its_options(tmp_path: Path) -> None:
    judge = {"model": "gemma3-270m", "rubric": "{input} {reference} {output} 1-10?"}
    path = _write(tmp_path, {"next_line": {"metric": "judge", "metric_options": {"judge": judge}}})
    suite = load_config(path).load_suite()
    task = suite.task("next_line")
    assert task.metric == "judge" and task.metric_options["judge"]["rubric"] == judge["rubric"]
    plain = load_config(_write(tmp_path / "p", {"poet": {"metric": "accuracy"}})).load_suite()
    assert plain.task("next_line").metric == "bertscore_f1"  # untouched
    assert plain.task("poet").metric == "accuracy"
    assert plain.task("next_line").fingerprint != task.fingerprint  # part of the run keys
    assert load_config(path).to_dict()["task_overrides"]["next_line"]["metric"] == "judge"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"nope": {"metric": "bleu4"}}, "task_overrides.nope"),
        ({"next_line": {"metric": "accuracy"}}, "task_overrides.next_line.metric"),
        ({"next_line": {"metric": "judge"}}, "task_overrides.next_line.metric_options"),
        ({"next_line": {"colour": "red"}}, "task_overrides.next_line.colour"),
        ({"next_line": "bleu4"}, "task_overrides.next_line"),
        ([], "task_overrides"),
    ],
)
def test_bad_overrides_are_refused_with_file_line_field(
    tmp_path: Path, overrides: object, field: str
) -> None:
    path = _write(tmp_path, overrides)
    with pytest.raises(InputError) as err:
        load_config(path).load_suite()
    assert err.value.field is not None and err.value.field.startswith(field)
    assert str(path) in str(err.value) and err.value.line is not None
