"""Few-shot baseline: demonstrations, refusal of backends that cannot prompt, the stored
result and its report section."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from taskaffinity.cli import app
from taskaffinity.config import load_config
from taskaffinity.errors import InputError
from taskaffinity.report import write_study_report
from taskaffinity.study import (
    FEWSHOT_NAME,
    FewShotResult,
    default_shots,
    demonstrations,
    open_study,
    read_fewshot,
    run_fewshot,
    run_study,
)
from taskaffinity.tasks import Example, Task
from taskaffinity.testing import write_synthetic_study


def _task(kind: str = "classification") -> Task:
    train = tuple(Example(text=f"t{i}", label="abc"[i % 3] if i < 9 else "a") for i in range(20))
    one = (Example(text="x", label="a"), Example(text="y", label="b"))
    return Task("demo", kind, "c", "accuracy" if kind == "classification" else "bleu4",
                train, one, one)  # fmt: skip


def test_classification_demonstrations_cycle_through_the_classes() -> None:
    task = _task()
    assert default_shots(task) == 3
    demos = demonstrations(task, 5, seed=0)
    assert [d.label for d in demos] == ["a", "b", "c", "a", "b"]
    assert len({d.text for d in demos}) == 5
    assert demonstrations(task, 5, seed=0) == demos  # deterministic
    assert demonstrations(task, 5, seed=1) != demos
    # more shots than examples of a class: the other classes fill in
    assert [d.label for d in demonstrations(task, 9, seed=0)].count("c") == 3


def test_generation_demonstrations_are_a_seeded_sample() -> None:
    task = _task("generation")
    assert default_shots(task) == 3
    demos = demonstrations(task, 3, seed=4)
    assert len(demos) == 3 and set(demos) <= set(task.train)
    with pytest.raises(InputError, match="shots"):
        demonstrations(task, -1, seed=0)


def test_backend_without_few_shot_is_refused_before_anything(tmp_path: Path) -> None:
    cfg = write_synthetic_study(tmp_path, ["first", "count"])
    with pytest.raises(InputError, match="few_shot") as err:
        run_fewshot(load_config(cfg), tmp_path / "out")
    assert err.value.field == "backend"
    assert not (tmp_path / "out").exists()
    res = CliRunner().invoke(app, ["baseline", "fewshot", str(cfg), "-o", str(tmp_path / "o")])
    assert res.exit_code == 2 and "few_shot" in res.output and "Traceback" not in res.output


def test_stored_result_round_trips_and_reaches_the_report(tmp_path: Path) -> None:
    cfg = write_synthetic_study(tmp_path, ["first", "count"])
    out = tmp_path / "study"
    run_study(cfg, out, progress=False)
    result = FewShotResult(
        backend="lora", seed=0, shots={"first": 2}, metric={"first": "accuracy"},
        score={"first": 0.625}, ci={"first": (0.5, 0.75)},
        metrics={"first": {"accuracy": 0.625}}, seconds={"first": 1.5},
    )  # fmt: skip
    (out / FEWSHOT_NAME).write_text(json.dumps(result.to_dict()))
    assert read_fewshot(out) == result
    page = write_study_report(open_study(out), tmp_path / "report").read_text()
    assert "Few-shot baseline" in page and ">0.625<" in page and "[0.500, 0.750]" in page
    (out / FEWSHOT_NAME).write_text("{}")
    with pytest.raises(InputError, match="few-shot"):
        read_fewshot(out)
