"""Migrating the keys of stored runs to the current key scheme.

A run's key (:attr:`RunSpec.key`) hashes what defines the run. When what a backend puts in
it changes (taskaffinity 0.1 hashed the suite's name, the order of its tasks and every
other task's metric into each run's key), the runs of an existing store would no longer
be found and would be trained again. :func:`migrate_keys` finds them: for every stored run
of ``backend`` whose tasks are in ``suite``, it builds the run's current spec
(``backend.spec``) and the specs earlier schemes gave it (``backend.previous_specs``,
optional: a backend without it is not migrated); a stored key equal to one of those is
renamed to the current key, in ``runs``, ``attempts``, ``predictions`` and
``gold_log_probs`` alike, with the
key inside the stored result and the stored spec updated. All in one transaction.

A stored run under a former key is migrated only when its current spec is the same run:
same tasks with the same data and definitions, same hyperparameters, same seed. If the
current key is stored already, the complete one of the two is kept (the current one when
both are); nothing complete is ever deleted. Nothing is written when nothing matches, so
a read-only store that needs no migration opens as before.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from taskaffinity.errors import InputError
from taskaffinity.study._store import spec_to_dict
from taskaffinity.types import RunSpec

if TYPE_CHECKING:
    from taskaffinity.backends import RunBackend
    from taskaffinity.tasks import TaskSuite

__all__ = ["migrate_keys"]


def _renames(
    rows: list[sqlite3.Row], backend: RunBackend, suite: TaskSuite
) -> list[tuple[str, RunSpec]]:
    """``(stored key, current spec)`` of the stored runs keyed by a former scheme."""
    previous = getattr(backend, "previous_specs", None)
    if previous is None:
        return []
    names = set(suite.names)
    out = []
    for row in rows:
        stored = json.loads(row["spec"])
        if stored.get("backend") != backend.name or not set(stored["tasks"]) <= names:
            continue
        try:
            current = backend.spec(stored["tasks"], stored["seed"], suite)
        except InputError:
            continue
        if current.key == row["key"]:
            continue
        if row["key"] in {p.key for p in previous(current, suite)}:
            out.append((row["key"], current))
    return out


def _rename(
    db: sqlite3.Connection, old: str, spec: RunSpec, status: dict[str, str], tables: set[str]
) -> bool:
    """Rename run ``old`` to ``spec.key`` (one transaction is open); False if kept apart."""
    new = spec.key
    keyed = [t for t in ("attempts", "predictions", "gold_log_probs") if t in tables]
    if new in status:
        if status[new] == "complete" or status[old] != "complete":
            return False  # the current key holds the run already, or as much of it
        db.execute("DELETE FROM runs WHERE key = ?", (new,))
        for table in ("predictions", "gold_log_probs"):
            if table in tables:
                db.execute(f"DELETE FROM {table} WHERE key = ?", (new,))
    row = db.execute("SELECT result FROM runs WHERE key = ?", (old,)).fetchone()
    result: Any = json.loads(row["result"]) if row["result"] else None
    if result is not None:
        result["key"] = new
    db.execute(
        "UPDATE runs SET key = ?, spec = ?, result = ? WHERE key = ?",
        (new, json.dumps(spec_to_dict(spec)), json.dumps(result) if result else None, old),
    )
    for table in keyed:
        db.execute(f"UPDATE {table} SET key = ? WHERE key = ?", (new, old))
    status[new] = status.pop(old)
    return True


def migrate_keys(path: str | Path, backend: RunBackend, suite: TaskSuite) -> int:
    """Rename the runs stored in the store ``path`` under a former key of ``backend``'s
    runs on ``suite`` to their current keys (see the module docstring). Returns the number
    of runs renamed (0 when there is no store at ``path``)."""
    path = Path(path)
    if not path.is_file():
        return 0
    db = sqlite3.connect(path, timeout=60, isolation_level=None)
    db.row_factory = sqlite3.Row
    try:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "runs" not in tables:
            return 0
        renames = _renames(db.execute("SELECT key, spec FROM runs").fetchall(), backend, suite)
        if not renames:
            return 0
        db.execute("BEGIN IMMEDIATE")
        try:
            status = {r["key"]: r["status"] for r in db.execute("SELECT key, status FROM runs")}
            done = sum(
                _rename(db, old, spec, status, tables) for old, spec in renames if old in status
            )
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        return done
    finally:
        db.close()
