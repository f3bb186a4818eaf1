"""run_study / open_study with the toy backend: sequential, process pool, failures, retry."""

from __future__ import annotations

import numpy as np
import pytest

from taskaffinity.config import load_config
from taskaffinity.errors import InputError
from taskaffinity.study import open_study, run_study, study_status
from taskaffinity.testing import write_toy_config


def test_sequential_then_cached(tmp_path):
    cfg = load_config(write_toy_config(tmp_path / "toy.yaml"))
    first = run_study(cfg, tmp_path / "out", progress=False)
    assert (first.total, first.complete, first.failed, first.trained) == (
        14,
        14,
        0,
        14,
    ) and first.ok
    again = run_study(cfg, tmp_path / "out", progress=False)
    assert (again.trained, again.skipped, again.complete) == (0, 14, 14)

    study = open_study(tmp_path / "out")
    table = study.score_table()
    assert table.tasks == ("more_a", "has_c", "first")
    assert table.groups[:3] == (("more_a",), ("has_c",), ("first",))
    assert table.groups[-1] == ("first", "has_c", "more_a") and len(table.groups) == 7
    assert table.seed_scores.shape == (2, 7, 3) and table.higher_is_better
    inside = ~np.isnan(table.scores)
    assert np.allclose(table.scores[inside], table.seed_scores.mean(axis=0)[inside])
    assert np.all(table.costs == 1.0) and np.all(study.group_seconds() >= 0)
    assert set(study.baselines()) == set(table.tasks)
    assert study.categories() == {"more_a": "basic", "has_c": "basic", "first": "basic"}


def test_pool_equals_sequential(tmp_path):
    cfg = load_config(write_toy_config(tmp_path / "toy.yaml", seeds="[0]"))
    run_study(cfg, tmp_path / "seq", progress=False)
    summary = run_study(cfg, tmp_path / "pool", workers=2, progress=False)
    assert summary.ok and summary.trained == 7
    a, b = open_study(tmp_path / "seq").score_table(), open_study(tmp_path / "pool").score_table()
    assert a.groups == b.groups
    assert np.array_equal(a.scores, b.scores, equal_nan=True)


def test_failed_runs_stored_study_goes_on_then_retried(tmp_path):
    backend = "{name: 'taskaffinity.testing:ToyBackend', fail_on: [has_c]}"
    cfg = load_config(write_toy_config(tmp_path / "toy.yaml", backend=backend, seeds="[0]"))
    summary = run_study(cfg, tmp_path / "out", progress=False)
    assert (summary.complete, summary.failed) == (3, 4) and not summary.ok
    assert all("toy failure" in r.error and "Traceback" in r.error for r in summary.failures)
    status = study_status(tmp_path / "out")
    assert (status.total, status.complete, status.failed) == (7, 3, 4)
    assert open_study(tmp_path / "out").score_table().groups == (
        ("more_a",),
        ("first",),
        ("first", "more_a"),
    )

    fixed = load_config(write_toy_config(tmp_path / "toy.yaml", seeds="[0]"))  # same run keys
    retry = run_study(fixed, tmp_path / "out", progress=False)
    assert (retry.trained, retry.skipped, retry.complete) == (4, 3, 7) and retry.ok


def test_unknown_plan_task_names_config_line(tmp_path):
    path = write_toy_config(tmp_path / "toy.yaml", plan="{groups: [[more_a, nope]]}")
    with pytest.raises(InputError) as info:
        run_study(load_config(path), tmp_path / "out", progress=False)
    assert (info.value.file, info.value.line, info.value.field) == (
        str(path),
        3,
        "plan.groups[0][1]",
    )
    assert not (tmp_path / "out").exists()  # nothing written before the plan is valid


def test_backend_hyperparameter_error_names_config_line(tmp_path):
    from taskaffinity.study import make_backend

    path = tmp_path / "s.yaml"
    path.write_text("suite: zh_classical\nbackend:\n  name: scratch\n  epochs: -1\n")
    with pytest.raises(InputError) as info:
        make_backend(load_config(path))
    assert (info.value.file, info.value.line, info.value.field) == (str(path), 4, "backend.epochs")
