"""Study config: YAML -> validated objects, and errors naming file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from taskaffinity.config import StudyConfig, config_from_dict, dump_config, load_config
from taskaffinity.errors import InputError

GOOD = """\
name: demo
suite: zh_classical
backend:
  name: scratch
  epochs: 2
plan:
  singles: true
  pairs: false
  all: true
  groups:
    - [a, b]
seeds: [0, 1]
executor: {kind: local, workers: 2}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "study.yaml"
    path.write_text(text)
    return path


def test_good_config_round_trips(tmp_path):
    cfg = load_config(write(tmp_path, GOOD))
    assert cfg.suite == "zh_classical" and cfg.tasks is None
    assert cfg.backend.name == "scratch" and cfg.backend.params == {"epochs": 2}
    assert cfg.plan.pairs is False and cfg.plan.groups == [["a", "b"]]
    assert cfg.seeds == [0, 1] and cfg.executor.workers == 2
    again = load_config(dump_config(cfg, tmp_path / "copy.yaml"))
    assert again.to_dict() == cfg.to_dict()


def test_defaults_and_tasks_base_dir(tmp_path):
    cfg = load_config(write(tmp_path, "tasks:\n  - {name: t, kind: classification}\n"))
    assert cfg.plan.singles and cfg.plan.pairs and cfg.plan.all and cfg.seeds == [0]
    assert cfg.base_dir == tmp_path and cfg.name == "study"
    copy = load_config(dump_config(cfg, tmp_path / "sub.yaml"))
    assert copy.base_dir == tmp_path.resolve()


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        (GOOD.replace("workers: 2", "workers: 0"), 13, "executor.workers"),
        (GOOD.replace("kind: local", "kind: slurm"), 13, "executor.kind"),
        (GOOD.replace("  pairs: false", "  pairs: maybe"), 8, "plan.pairs"),
        (GOOD.replace("    - [a, b]", "    - [a, a]"), 11, "plan.groups[0]"),
        (GOOD.replace("seeds: [0, 1]", "seeds: [0, x]"), 12, "seeds[1]"),
        (GOOD.replace("  all: true", "  everything: true"), 9, "plan.everything"),
        (GOOD.replace("name: demo", "nmae: demo"), 1, "nmae"),
        (GOOD + "tasks: []\n", 2, "suite"),
    ],
)
def test_errors_name_file_line_field(tmp_path, text, line, field):
    path = write(tmp_path, text)
    with pytest.raises(InputError) as info:
        load_config(path)
    err = info.value
    assert (err.file, err.line, err.field) == (str(path), line, field)
    assert str(err).startswith(f"{path}:{line}: field '{field}'")


def test_unknown_task_in_plan_names_line(tmp_path):
    path = write(tmp_path, GOOD)
    cfg = load_config(path)
    with pytest.raises(InputError) as info:
        cfg.check_plan(("a", "c"))
    assert (info.value.file, info.value.line, info.value.field) == (
        str(path),
        11,
        "plan.groups[0][1]",
    )
    assert "'b'" in str(info.value)


def test_malformed_yaml_and_missing_file(tmp_path):
    with pytest.raises(InputError, match=r"study.yaml:\d+: not valid YAML"):
        load_config(write(tmp_path, "suite: x\nplan:\n  - [a\n"))
    with pytest.raises(InputError, match="not found"):
        load_config(tmp_path / "absent.yaml")


def test_dataclass_validation_without_file():
    with pytest.raises(InputError, match="exactly one"):
        StudyConfig()
    with pytest.raises(InputError) as info:
        config_from_dict({"suite": "s", "seeds": []})
    assert info.value.field == "seeds"


def test_suite_tasks_selects_a_subset_and_round_trips(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("suite: zh_classical\nsuite_tasks: [dynasty, shijing]\n", encoding="utf-8")
    cfg = load_config(path)
    assert cfg.load_suite().names == ("dynasty", "shijing")
    again = tmp_path / "again.yaml"
    dump_config(cfg, again)
    assert load_config(again).suite_tasks == ["dynasty", "shijing"]


def test_suite_tasks_errors_name_the_field(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: x\nsuite: zh_classical\nsuite_tasks: [dynasty, nope]\n")
    with pytest.raises(InputError, match=r"bad.yaml:3: field 'suite_tasks': unknown task 'nope'"):
        load_config(path).load_suite()
    with pytest.raises(InputError, match="suite_tasks"):
        config_from_dict({"tasks": [{"name": "a"}], "suite_tasks": ["a"]})
