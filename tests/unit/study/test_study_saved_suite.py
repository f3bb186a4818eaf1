"""A study saved with a built-in suite and no ``suite_tasks`` reads as the tasks it
trained, even after the suite gains tasks its backend cannot train."""

from __future__ import annotations

from pathlib import Path

from taskaffinity.config import config_from_dict
from taskaffinity.study import StudyData
from taskaffinity.types import RunResult


def _run(tasks: tuple[str, ...], seed: int, scores: dict[str, float]) -> RunResult:
    return RunResult(f"k{'-'.join(tasks)}{seed}", tasks, seed, scores, {})


def _config(**extra: object):
    return config_from_dict(
        {"suite": "zh_classical", "backend": {"name": "scratch"}, "seeds": [0], **extra}
    )


def test_saved_builtin_suite_keeps_only_its_trained_tasks(tmp_path: Path) -> None:
    runs = [
        _run(("poet",), 0, {"poet": 0.30}),
        _run(("dynasty",), 0, {"dynasty": 0.60}),
        _run(("dynasty", "poet"), 0, {"poet": 0.33, "dynasty": 0.58}),
    ]
    study = StudyData(tmp_path, _config(), runs)
    assert study.suite.names == ("poet", "dynasty")  # suite order, no generation task
    table = study.score_table()
    assert table.tasks == ("poet", "dynasty")


def test_listed_suite_tasks_and_empty_studies_keep_the_configured_tasks(tmp_path: Path) -> None:
    listed = StudyData(
        tmp_path,
        _config(suite_tasks=["poet", "dynasty", "tonal"]),
        [_run(("poet",), 0, {"poet": 0.3})],
    )
    assert listed.suite.names == ("poet", "dynasty", "tonal")
    empty = StudyData(tmp_path, _config(), [])
    assert "next_line" in empty.suite.names
