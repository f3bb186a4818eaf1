"""A folder holds one study: another study's config is refused before anything is written,
``--replace-config`` keeps every stored run, and ``run --dry-run`` trains nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from taskaffinity.cli import app
from taskaffinity.config import load_config
from taskaffinity.errors import InputError
from taskaffinity.study import ResultStore, dry_run, run_study, study_status
from taskaffinity.testing import write_toy_config


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def _rows(out: Path) -> int:
    with ResultStore(out / "study.sqlite", readonly=True) as store:
        return len(store.rows(plan_only=False))


def test_another_studys_config_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    out = tmp_path / "study"
    run_study(load_config(write_toy_config(tmp_path / "a.yaml")), out, progress=False)
    before = _digest(out)
    other = write_toy_config(
        tmp_path / "b.yaml",
        backend="{name: 'taskaffinity.testing:ToyBackend', dim: 4}",
        suite="taskaffinity.testing:toy_suite",
    )
    with pytest.raises(InputError, match=r"backend\.dim: 8 -> 4") as err:
        run_study(load_config(other), out, progress=False)
    assert "--replace-config" in str(err.value) and "new folder" in str(err.value)
    assert _digest(out) == before  # refused before anything was written

    result = CliRunner().invoke(app, ["run", str(other), "--out", str(out), "--quiet"])
    assert result.exit_code == 2
    assert "backend.dim" in result.output
    assert _digest(out) == before


def test_replace_config_keeps_every_stored_run(tmp_path: Path) -> None:
    out = tmp_path / "study"
    first = run_study(load_config(write_toy_config(tmp_path / "a.yaml")), out, progress=False)
    assert first.complete == 14
    other = write_toy_config(
        tmp_path / "b.yaml", backend="{name: 'taskaffinity.testing:ToyBackend', dim: 4}"
    )
    second = run_study(load_config(other), out, progress=False, replace_config=True)
    assert second.trained == 14 and second.ok
    assert _rows(out) == 28  # the first study's 14 runs are still stored
    assert load_config(out / "config.yaml").backend.params["dim"] == 4
    status = study_status(out)
    assert (status.total, status.complete, status.outside) == (14, 14, 14)
    shown = CliRunner().invoke(app, ["status", str(out)])
    assert "14 more stored run(s) lie outside the current config" in shown.output
    assert CliRunner().invoke(app, ["report", str(out)]).exit_code == 0
    assert "14 more stored run(s) lie outside" in (out / "report.html").read_text()


def test_more_seeds_a_new_name_or_plan_extend_the_study(tmp_path: Path) -> None:
    out = tmp_path / "study"
    run_study(load_config(write_toy_config(tmp_path / "a.yaml")), out, progress=False)
    more = write_toy_config(
        tmp_path / "b.yaml",
        seeds="[0, 1, 2]",
        name="renamed",
        plan="{singles: true, pairs: false, all: false}",
    )
    summary = run_study(load_config(more), out, progress=False)
    assert summary.ok and summary.trained == 3  # only seed 2's singles are new
    assert _rows(out) == 17


def test_dry_run_trains_nothing_and_estimates_from_stored_runs(tmp_path: Path) -> None:
    out = tmp_path / "study"
    fresh = dry_run(load_config(write_toy_config(tmp_path / "a.yaml")), out)
    assert len(fresh.to_train) == 14 and not fresh.stored
    assert fresh.seconds is None and "--probe" in fresh.basis
    assert not out.exists()  # nothing was created

    run_study(load_config(write_toy_config(tmp_path / "a.yaml", seeds="[0]")), out, progress=False)
    before = _digest(out)
    config = write_toy_config(tmp_path / "b.yaml", seeds="[0, 1]")
    plan = dry_run(load_config(config), out, workers=2)
    assert len(plan.stored) == 7 and len(plan.to_train) == 7
    assert {s.seed for s in plan.to_train} == {1}
    assert plan.seconds is not None and plan.seconds > 0 and "7 complete runs" in plan.basis
    result = CliRunner().invoke(app, ["run", str(config), "--out", str(out), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "7 already stored" in result.output and "7 to train" in result.output
    assert "estimated time" in result.output
    assert _digest(out) == before  # store and every file unchanged, byte for byte


def test_dry_run_probe_times_one_run_outside_the_folder(tmp_path: Path) -> None:
    out = tmp_path / "study"
    plan = dry_run(load_config(write_toy_config(tmp_path / "a.yaml")), out, probe=True)
    assert plan.seconds is not None and plan.seconds >= 0
    assert "timed now" in plan.basis
    assert not out.exists()
