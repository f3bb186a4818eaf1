"""Study-level ``max_examples``: every task's splits cut when the suite is loaded (the same
examples whatever the task order), runs keyed apart from the full study's, bad values
refused with file, line and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from taskaffinity.config import config_from_dict, dump_config, load_config
from taskaffinity.errors import InputError
from taskaffinity.study import run_study

TOY = "{name: 'taskaffinity.testing:ToyBackend', dim: 4}"


def _task_yaml(name: str) -> str:
    data = ", ".join(f"{s}: {name}.{s}.jsonl" for s in ("train", "dev", "test"))
    return f"  - name: {name}\n    kind: classification\n    data: {{{data}}}\n"


def _study(tmp_path: Path, *, order=("a", "b"), extra: str = "", name: str = "s") -> Path:
    for task in ("a", "b"):
        for split, n in (("train", 30), ("dev", 12), ("test", 6)):
            rows = [{"text": f"{task}{split}{i}", "label": "xy"[i % 2]} for i in range(n)]
            text = "".join(json.dumps(r) + "\n" for r in rows)
            (tmp_path / f"{task}.{split}.jsonl").write_text(text, "utf-8")
    tasks = "".join(_task_yaml(t) for t in order)
    path = tmp_path / f"{name}.yaml"
    path.write_text(
        f"name: {name}\ntasks:\n{tasks}{extra}backend: {TOY}\n"
        "plan: {singles: true, pairs: true, all: false}\nseeds: [0]\n",
        "utf-8",
    )
    return path


CAP = "max_examples: {train: 10, dev: 5, test: 100}\n"


def test_max_examples_cuts_every_task_when_the_suite_is_loaded(tmp_path: Path) -> None:
    suite = load_config(_study(tmp_path, extra=CAP)).load_suite()
    for task in suite.tasks:
        assert (len(task.train), len(task.dev), len(task.test)) == (10, 5, 6)  # test kept whole


def test_the_same_examples_across_loads_and_task_orders(tmp_path: Path) -> None:
    one = load_config(_study(tmp_path, extra=CAP)).load_suite()
    two = load_config(_study(tmp_path, extra=CAP)).load_suite()
    flipped = load_config(_study(tmp_path, order=("b", "a"), extra=CAP, name="f")).load_suite()
    assert flipped.names == ("b", "a")
    for name in ("a", "b"):
        fingerprints = {s.task(name).fingerprint for s in (one, two, flipped)}
        assert len(fingerprints) == 1
        assert one.task(name).train == flipped.task(name).train


def test_max_examples_runs_are_keyed_apart_from_the_full_study(tmp_path: Path) -> None:
    full = run_study(_study(tmp_path), tmp_path / "out", progress=False)
    assert (full.trained, full.skipped) == (3, 0)
    with pytest.raises(InputError, match="max_examples"):  # another study: refused as it is
        run_study(_study(tmp_path, extra=CAP), tmp_path / "out", progress=False)
    cut = run_study(
        _study(tmp_path, extra=CAP), tmp_path / "out", progress=False, replace_config=True
    )
    assert (cut.trained, cut.skipped) == (3, 0)  # none of the full study's runs is reused
    again = run_study(_study(tmp_path, extra=CAP), tmp_path / "out", progress=False)
    assert (again.trained, again.skipped) == (0, 3)


def test_max_examples_round_trips(tmp_path: Path) -> None:
    cfg = load_config(_study(tmp_path, extra="max_examples: {train: 7}\n"))
    assert cfg.max_examples == {"train": 7}
    assert load_config(dump_config(cfg, tmp_path / "copy.yaml")).max_examples == {"train": 7}


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ("{train: 0}", "max_examples.train"),
        ("{dev: -1}", "max_examples.dev"),
        ("{test: x}", "max_examples.test"),
        ("{train: 2.5}", "max_examples.train"),
        ("{train: true}", "max_examples.train"),
        ("{validation: 10}", "max_examples.validation"),
        ("{}", "max_examples"),
        ("100", "max_examples"),
    ],
)
def test_bad_values_are_refused_with_file_line_and_field(tmp_path, value, field) -> None:
    path = _study(tmp_path, extra=f"max_examples: {value}\n")
    with pytest.raises(InputError) as info:
        load_config(path)
    line = path.read_text("utf-8").splitlines().index(f"max_examples: {value}") + 1
    assert (info.value.file, info.value.line, info.value.field) == (str(path), line, field)


def test_max_examples_works_for_a_built_in_suite() -> None:
    cfg = config_from_dict(
        {"suite": "zh_classical", "suite_tasks": ["dynasty"], "max_examples": {"test": 50}}
    )
    full = config_from_dict({"suite": "zh_classical", "suite_tasks": ["dynasty"]}).load_suite()
    task = cfg.load_suite().task("dynasty")
    assert len(task.test) == 50 and task.train == full.task("dynasty").train
