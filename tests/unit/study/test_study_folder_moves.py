"""A study folder is self-contained: copied elsewhere without the task data beside it, it
reports the same numbers; only training more runs needs the data, and then the error names
the file the config expects."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from taskaffinity.cli import app
from taskaffinity.config import load_config
from taskaffinity.errors import InputError
from taskaffinity.study import open_study, run_study
from taskaffinity.study._snapshot import SNAPSHOT_NAME, read_snapshot

_ALPHABET = "abcdefghij"


def _write_task(folder: Path, name: str, rule, rng: np.random.Generator) -> None:
    for split, n in (("train", 60), ("dev", 20), ("test", 30)):
        with (folder / f"{name}.{split}.jsonl").open("w") as f:
            for _ in range(n):
                text = "".join(rng.choice(list(_ALPHABET), size=12))
                f.write(json.dumps({"text": text, "label": rule(text)}) + "\n")


def _study(tmp_path: Path) -> tuple[Path, Path]:
    """A two-seed study over two own-data tasks (JSONL files in ``project/data``) trained
    into ``project/study``; returns (config path, study folder)."""
    project = tmp_path / "project"
    (project / "data").mkdir(parents=True)
    rng = np.random.default_rng(3)
    _write_task(
        project / "data", "more_a", lambda s: "y" if s.count("a") > s.count("b") else "n", rng
    )
    _write_task(project / "data", "has_c", lambda s: "y" if "c" in s else "n", rng)
    tasks = "".join(
        f"  - {{name: {n}, kind: classification, category: basic, metric: accuracy, "
        f"data: {{train: data/{n}.train.jsonl, dev: data/{n}.dev.jsonl, "
        f"test: data/{n}.test.jsonl}}}}\n"
        for n in ("more_a", "has_c")
    )
    config = project / "study.yaml"
    config.write_text(
        "name: moves\ntasks:\n" + tasks
        + "backend: {name: 'taskaffinity.testing:ToyBackend', dim: 8}\n"
        "plan: {singles: true, pairs: true, all: false}\nseeds: [0, 1]\n"
    )  # fmt: skip
    out = project / "study"
    summary = run_study(load_config(config), out, progress=False)
    assert summary.ok and summary.complete == 6
    return config, out


def test_copied_folder_without_data_reports_the_same_numbers(tmp_path: Path) -> None:
    _, out = _study(tmp_path)
    assert (out / SNAPSHOT_NAME).is_file()
    runner = CliRunner()
    first = runner.invoke(app, ["report", str(out)])
    assert first.exit_code == 0, first.output
    original = json.loads((out / "analysis.json").read_text())
    elsewhere = tmp_path / "laptop" / "study"
    shutil.copytree(out, elsewhere)
    (elsewhere / "analysis.json").unlink()
    shutil.rmtree(tmp_path / "project")  # the data is gone with the original place
    moved = runner.invoke(app, ["report", str(elsewhere)])
    assert moved.exit_code == 0, moved.output
    assert json.loads((elsewhere / "analysis.json").read_text()) == original
    study = open_study(elsewhere)
    assert study.suite.names == ("more_a", "has_c")
    assert len(study.suite.task("has_c").test) == 30
    for cmd in (
        ["status", str(elsewhere)],
        ["analyze", str(elsewhere / "scores.csv")],
        ["select", str(elsewhere), "--budget", "2", "--json", str(tmp_path / "select.json")],
        ["partition", str(elsewhere), "--json", str(tmp_path / "partition.json")],
    ):
        result = runner.invoke(app, cmd)
        assert result.exit_code == 0, (cmd, result.output)
    assert json.loads((tmp_path / "select.json").read_text())  # a choice from the moved folder


def test_moved_folder_reports_what_the_original_reported(tmp_path: Path) -> None:
    """The numbers of the report written in place (data present) equal those written from
    the copy (data absent): the baselines and test sets come from the snapshot."""
    _, out = _study(tmp_path)
    in_place = open_study(out)
    baselines, table = in_place.baselines(), in_place.score_table()
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(out, elsewhere)
    shutil.rmtree(tmp_path / "project" / "data")
    moved = open_study(elsewhere)
    assert moved.baselines() == baselines
    np.testing.assert_array_equal(moved.score_table().seed_scores, table.seed_scores)
    assert moved.categories() == in_place.categories()


def test_training_more_in_a_moved_folder_names_the_missing_file(tmp_path: Path) -> None:
    _, out = _study(tmp_path)
    shutil.rmtree(tmp_path / "project" / "data")
    with pytest.raises(InputError, match=r"more_a\.train\.jsonl"):
        run_study(load_config(out / "config.yaml"), out, progress=False)


def test_damaged_snapshot_is_an_error_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / SNAPSHOT_NAME).write_bytes(b"not gzip")
    with pytest.raises(InputError, match=SNAPSHOT_NAME):
        read_snapshot(tmp_path)
    assert read_snapshot(tmp_path / "nowhere") is None


def _synthetic_study(tmp_path: Path) -> Path:
    """singles and pairs of the synthetic suite (its tasks written as JSONL files in
    ``project/data``) on the tiny scratch backend, one seed; returns the study folder."""
    from taskaffinity.testing import TINY_SCRATCH, synthetic_suite

    project = tmp_path / "project"
    (project / "data").mkdir(parents=True)
    lines = []
    for task in synthetic_suite().tasks:
        for split in ("train", "dev", "test"):
            with (project / "data" / f"{task.name}.{split}.jsonl").open("w") as f:
                for ex in task.split(split):
                    f.write(json.dumps({"text": ex.text, "label": ex.label}) + "\n")
        lines.append(
            f"  - {{name: {task.name}, kind: classification, category: c, metric: accuracy, "
            f"data: {{train: data/{task.name}.train.jsonl, dev: data/{task.name}.dev.jsonl, "
            f"test: data/{task.name}.test.jsonl}}}}\n"
        )
    backend = ", ".join(f"{k}: {v}" for k, v in TINY_SCRATCH.items())
    config = project / "study.yaml"
    config.write_text(
        "name: synthetic\ntasks:\n" + "".join(lines) + f"backend: {{name: scratch, {backend}}}\n"
        "plan: {singles: true, pairs: true, all: false}\nseeds: [0]\n"
    )
    out = project / "study"
    assert run_study(load_config(config), out, progress=False).ok
    return out


def test_compare_in_a_moved_folder_reads_its_cached_estimates(tmp_path: Path) -> None:
    out = _synthetic_study(tmp_path)
    runner = CliRunner()
    here = runner.invoke(
        app, ["compare", str(out), "--methods", "tag", "--no-report", "--json", "-"]
    )
    assert here.exit_code == 0, here.output
    cached = json.loads((out / "estimates" / "tag.json").read_text())
    elsewhere = tmp_path / "copy"
    shutil.copytree(out, elsewhere)
    shutil.rmtree(tmp_path / "project")
    moved = open_study(elsewhere)
    assert not moved.has_task_data
    there = runner.invoke(
        app, ["compare", str(elsewhere), "--methods", "tag", "--no-report", "--json", "-"]
    )
    assert there.exit_code == 0, there.output
    assert json.loads((elsewhere / "estimates" / "tag.json").read_text()) == cached
    assert json.loads(here.stdout) == json.loads(there.stdout)  # the same rows, from the cache
    missing = runner.invoke(app, ["compare", str(elsewhere), "--methods", "pvi", "--no-report"])
    assert missing.exit_code == 2
    assert "not here" in missing.output and "no cached estimate" in missing.output
