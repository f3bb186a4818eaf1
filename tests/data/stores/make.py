"""Writes the stores of earlier schema versions that ``tests/unit/study/test_store_schema.py``
upgrades. Run from the repository root: ``python tests/data/stores/make.py``.

Made by taskaffinity at commit 54d0b84, the last release before the store had a schema
version (``PRAGMA user_version`` 0), with its own code: run it there, not at a later
commit (it uses that commit's ``ToyBackend.previous_specs``, which the schema's upgrade
steps replaced).

- ``previous/``: a study folder as that release wrote it (``config.yaml`` and
  ``study.sqlite``): the toy suite and backend, singles, pairs and all tasks, seeds 0 and 1
  (14 runs, all complete), every table (runs, attempts, predictions, gold_log_probs,
  claims); single-task runs carry gold log-probabilities (the toy backend keeps none, so a
  subclass adds them: log 0.9 for a right prediction, log 0.1 for a wrong one).
- ``v0-runs.sqlite``, ``v0-predictions.sqlite``, ``v0-gold.sqlite``: the same runs in the
  layouts of the earlier releases (tables ``runs`` and ``attempts``; then ``predictions``;
  then ``gold_log_probs``), keyed as taskaffinity 0.1 keyed runs (the whole suite's
  fingerprint in the spec), which the previous release's ``study/_migrate.py`` renamed.
"""

from __future__ import annotations

import json
import math
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from taskaffinity.study import run_study
from taskaffinity.testing import ToyBackend, toy_suite, write_toy_config
from taskaffinity.types import RunResult, RunSpec

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class _GoldToy(ToyBackend):
    """The toy backend, with gold log-probabilities for single-task runs."""

    def run(self, spec: RunSpec, suite) -> RunResult:  # type: ignore[no-untyped-def]
        result = super().run(spec, suite)
        if len(spec.tasks) != 1:
            return result
        (name,) = spec.tasks
        gold = [ex.label for ex in suite.task(name).test]
        logp = tuple(
            math.log(0.9 if p == g else 0.1)
            for p, g in zip(result.predictions[name], gold, strict=True)
        )
        return RunResult(
            result.key, result.tasks, result.seed, result.scores, result.metrics, result.cost,
            predictions=result.predictions, gold_log_probs={name: logp},
        )  # fmt: skip


def _previous(folder: Path) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir()
    config = write_toy_config(HERE / "toy.yaml")
    try:
        summary = run_study(config, folder, progress=False, backend=_GoldToy())
    finally:
        config.unlink()
    assert (summary.complete, summary.failed) == (14, 0), summary
    db = sqlite3.connect(folder / "study.sqlite", isolation_level=None)
    db.execute("VACUUM")
    db.close()  # the last connection: checkpoints the WAL into the file and removes it


def _former_layout(src: Path, dst: Path, tables: tuple[str, ...]) -> None:
    """Copy of store ``src`` keyed the 0.1 way, with only ``tables`` (besides runs and
    attempts)."""
    dst.unlink(missing_ok=True)
    shutil.copy2(src, dst)
    suite, backend = toy_suite(), ToyBackend()
    db = sqlite3.connect(dst, isolation_level=None)
    db.execute("BEGIN")
    for key, spec_text, result_text in db.execute("SELECT key, spec, result FROM runs").fetchall():
        d = json.loads(spec_text)
        spec = RunSpec(tuple(d["tasks"]), d["backend"], d["backend_config"], d["seed"], d["suite"])
        assert spec.key == key
        (old,) = backend.previous_specs(spec, suite)
        d["suite"] = old.suite
        result = json.loads(result_text)
        result["key"] = old.key
        db.execute(
            "UPDATE runs SET key = ?, spec = ?, result = ? WHERE key = ?",
            (old.key, json.dumps(d), json.dumps(result), key),
        )
        for table in ("attempts", "predictions", "gold_log_probs"):
            db.execute(f"UPDATE {table} SET key = ? WHERE key = ?", (old.key, key))
    for table in ("predictions", "gold_log_probs", "claims"):
        if table not in tables:
            db.execute(f"DROP TABLE {table}")
    db.execute("COMMIT")
    db.execute("VACUUM")
    db.close()


if __name__ == "__main__":
    _previous(HERE / "previous")
    store = HERE / "previous" / "study.sqlite"
    _former_layout(store, HERE / "v0-runs.sqlite", ())
    _former_layout(store, HERE / "v0-predictions.sqlite", ("predictions",))
    _former_layout(store, HERE / "v0-gold.sqlite", ("predictions", "gold_log_probs"))
    for path in sorted(HERE.rglob("*")):
        if path.is_file():
            print(path.relative_to(HERE), path.stat().st_size)
