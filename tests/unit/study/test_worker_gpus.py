"""One GPU per worker on one machine, checked without a GPU: each pool worker sees its own
``CUDA_VISIBLE_DEVICES`` (set before torch could start CUDA there), GPUs shared out by
``gpus_per_run``, and more workers than the GPUs hold is refused before anything runs."""

from __future__ import annotations

import logging
from collections import defaultdict

import pytest

from taskaffinity.config import ExecutorConfig, load_config
from taskaffinity.errors import InputError
from taskaffinity.study import run_study
from taskaffinity.study._gpus import backend_wants_gpu, worker_gpus
from taskaffinity.testing import ToyBackend, read_probes, toy_suite, write_toy_config


def probe_config(tmp_path, executor: str):
    probes = tmp_path / "probes"
    probes.mkdir(exist_ok=True)
    backend = f"{{name: 'taskaffinity.testing:ProbeBackend', sleep: 0.2, record_dir: '{probes}'}}"
    return write_toy_config(tmp_path / "toy.yaml", backend=backend, seeds="[0]", executor=executor)


def test_each_worker_sees_its_own_gpu(tmp_path, caplog):
    cfg = probe_config(tmp_path, "{workers: 2, gpus: [0, 1]}")
    with caplog.at_level(logging.INFO, logger="taskaffinity"):
        summary = run_study(load_config(cfg), tmp_path / "out", progress=False)
    assert summary.ok and summary.total == 7
    seen: dict[int, set[str | None]] = defaultdict(set)
    for record in read_probes(tmp_path / "probes"):
        seen[record["pid"]].add(record["cuda_visible_devices"])
    assert len(seen) == 2, f"two workers expected, saw {dict(seen)}"
    assert sorted(v for values in seen.values() for v in values) == ["0", "1"]
    started = [r.getMessage() for r in caplog.records if "started on GPU" in r.getMessage()]
    assert len(started) == 7 and {m[-5:] for m in started} == {"GPU 0", "GPU 1"}


def test_more_workers_than_gpus_is_refused_before_anything_runs(tmp_path):
    cfg = probe_config(tmp_path, "{workers: 3, gpus: [0, 1]}")
    with pytest.raises(InputError) as info:
        run_study(load_config(cfg), tmp_path / "out", progress=False)
    err = info.value
    assert err.field == "executor.workers" and err.file is not None and err.line == 5
    assert "set workers to 2 or less" in err.message
    assert "list more GPUs in executor.gpus" in err.message
    assert "gpus_per_run: 0.5" in err.message
    assert not (tmp_path / "out").exists()
    assert read_probes(tmp_path / "probes") == []
    # the same three workers fit when two share a GPU
    cfg = probe_config(tmp_path, "{workers: 3, gpus: [0, 1], gpus_per_run: 0.5}")
    assert run_study(load_config(cfg), tmp_path / "out", progress=False).ok
    seen = {r["cuda_visible_devices"] for r in read_probes(tmp_path / "probes")}
    assert seen <= {"0", "1"} and seen


def test_shares_of_gpus():
    def slots(workers: int, **kw) -> list[str] | None:
        return worker_gpus(ExecutorConfig(workers=workers, **kw), workers, ToyBackend())

    assert slots(2, gpus=[0, 3]) == ["0", "3"]
    assert slots(4, gpus=[0, 1], gpus_per_run=0.5) == ["0", "0", "1", "1"]
    assert slots(2, gpus=[0, 1, 2, 3], gpus_per_run=2) == ["0,1", "2,3"]
    assert slots(2, gpus=[]) is None  # none given out: the workers' devices are left alone
    assert slots(2) is None  # auto, and the toy backend does not train on a GPU
    assert slots(2, gpus=[0, 1], kind="ray") is None  # Ray places runs itself
    with pytest.raises(InputError, match="set workers to 1 or less"):
        slots(2, gpus=[0, 1, 2], gpus_per_run=2)
    with pytest.raises(InputError) as info:
        slots(1, gpus=[0, 1, 2], gpus_per_run=1.5)
    assert info.value.field == "executor.gpus_per_run"


def test_which_backends_want_a_gpu():
    from taskaffinity.backends import get_backend

    assert not backend_wants_gpu(ToyBackend())
    assert backend_wants_gpu(get_backend("scratch", {"device": "cuda"}))
    assert backend_wants_gpu(get_backend("scratch", {"device": "auto"}))
    assert not backend_wants_gpu(get_backend("scratch", {"device": "cpu"}))
    assert not backend_wants_gpu(get_backend("scratch", {"device": "cuda:1"}))  # pinned


def test_gpus_option(tmp_path):
    assert load_config(write_toy_config(tmp_path / "a.yaml")).executor.gpus == "auto"
    for bad in ("[0, 0]", "[-1]", "all", "[a]"):
        path = write_toy_config(tmp_path / "b.yaml", executor=f"{{gpus: {bad}}}")
        with pytest.raises(InputError) as info:
            load_config(path)
        assert info.value.field == "executor.gpus" and info.value.line == 5


def test_progress_line_names_each_running_runs_gpu():
    from taskaffinity.study._progress import StudyProgress

    suite, backend = toy_suite(), ToyBackend()
    a, b = (backend.spec((t,), 0, suite) for t in ("first", "has_c"))
    with StudyProgress(2, 0, enabled=True) as bar:
        bar.start(a, "GPU 0")
        bar.start(b, "GPU 1")
        assert bar.now == "now: first (seed 0) on GPU 0, has_c (seed 0) on GPU 1"
        bar.finish(backend.run(a, suite))
        assert bar.now == "now: has_c (seed 0) on GPU 1"
        assert bar._bar.tasks[0].description == bar.now  # what the bar shows
