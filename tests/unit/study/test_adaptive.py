"""Adaptive seeds on the toy backend: further seeds only for the runs of open cells, up to
``max_seeds``, decided from stored results (a second call trains nothing). (Cells with
different numbers of seeds: tests/unit/analysis/test_uncertainty.py.)"""

from __future__ import annotations

import numpy as np
import pytest

from taskaffinity.analysis import analyze
from taskaffinity.config import load_config
from taskaffinity.errors import InputError
from taskaffinity.study import open_study, run_study
from taskaffinity.testing import write_toy_config


def _open_cells(study, seeds: set[int]) -> set[tuple[str, str]]:
    from taskaffinity.study import StudyData

    kept = [r for r in study.complete if r.seed in seeds]
    sub = StudyData(study.path, study.config, kept)
    a = analyze(sub.score_table(), seeds=sorted(seeds))
    out = set()
    for i, t in enumerate(a.tasks):
        for j, s in enumerate(a.sources):
            if t != s and np.isfinite(a.gain_rate[i, j]) and a.settled[i, j] == 0:
                out.add((t, s))
    return out


def test_adaptive_trains_open_cells_only_and_resumes(tmp_path) -> None:
    cfg = write_toy_config(
        tmp_path / "toy.yaml",
        plan="{singles: true, pairs: true, all: false, adaptive: {max_seeds: 4}}",
        seeds="[0, 1]",
    )
    summary = run_study(load_config(cfg), tmp_path / "out", progress=False)
    study = open_study(tmp_path / "out")
    seeds = sorted({r.seed for r in study.complete})
    assert seeds[:2] == [0, 1] and max(seeds) <= 3
    extra = [r for r in study.complete if r.seed >= 2]
    assert extra, "two seeds settle nothing here: the adaptive plan must add runs"
    assert summary.total == 12 + len(extra) and summary.ok
    opened = _open_cells(study, {0, 1})
    for r in extra:
        if len(r.tasks) == 2 and r.seed == 2:
            a, b = r.tasks
            assert (a, b) in opened or (b, a) in opened, r.tasks
    for pair in (("first", "has_c"), ("first", "more_a"), ("has_c", "more_a")):
        if pair not in opened and pair[::-1] not in opened:
            assert not any(tuple(r.tasks) == pair and r.seed == 2 for r in extra)
    a = analyze(study.score_table(), seeds=seeds)
    off = a.paired_seeds[np.isfinite(a.gain_rate)]
    assert off.min() >= 2 and off.max() <= 4
    again = run_study(load_config(cfg), tmp_path / "out", progress=False)
    assert again.trained == 0 and again.total == summary.total


def test_adaptive_rounds_share_one_worker_pool(tmp_path, monkeypatch) -> None:
    """The planned seeds and every adaptive round run on one executor (its worker
    processes live until the study ends), closed once at the end."""
    import taskaffinity.study._context as context_mod

    made: list = []
    real = context_mod.make_executor

    def counting(*args, **kwargs):
        ex = real(*args, **kwargs)
        closes: list[bool] = []
        close = ex.close

        def recorded_close(abort: bool = False) -> None:
            closes.append(abort)
            close(abort=abort)

        ex.close = recorded_close
        made.append((ex, closes))
        return ex

    monkeypatch.setattr(context_mod, "make_executor", counting)
    cfg = write_toy_config(
        tmp_path / "toy.yaml",
        plan="{singles: true, pairs: true, all: false, adaptive: {max_seeds: 4}}",
        seeds="[0, 1]",
    )
    summary = run_study(load_config(cfg), tmp_path / "out", workers=2, progress=False)
    assert summary.ok and summary.total > 12, "adaptive rounds must have run"
    assert len(made) == 1
    ex, closes = made[0]
    assert ex.slots == 2 and closes == [False]


@pytest.mark.parametrize(
    "adaptive, field",
    [
        ("{max_seeds: 0}", "plan.adaptive.max_seeds"),
        ("{max_seeds: 3, until: forever}", "plan.adaptive.until"),
        ("{max_seeds: 3, patience: 2}", "plan.adaptive"),
        ("[3]", "plan.adaptive"),
    ],
)
def test_adaptive_config_errors_name_the_field(tmp_path, adaptive: str, field: str) -> None:
    cfg = write_toy_config(tmp_path / "toy.yaml", plan=f"{{adaptive: {adaptive}}}")
    with pytest.raises(InputError) as err:
        load_config(cfg)
    assert err.value.field == field and "toy.yaml" in str(err.value)
