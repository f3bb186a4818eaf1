"""The store's schema and its version: the tables of a study's store, the version a file
has (SQLite's ``PRAGMA user_version``, in the file's header) and the ordered steps that
bring an older store to the current version.

Tables (version 1 on): ``runs`` (one row per run, keyed by :attr:`RunSpec.key`: the spec
and the result as JSON records of :mod:`taskaffinity.study._records`, status ``pending``,
``complete`` or ``failed``, the last error, the number of attempts, timestamps, and
``position``, the run's place in the current plan, NULL for runs of an earlier plan);
``attempts`` (every finished attempt, errors included); ``predictions`` (one row per (run
key, task): the run's test predictions, encoded); ``gold_log_probs`` (one row per (run key,
task) of a single-task run: the test gold labels' log-probabilities); ``claims`` (which
driver trains which run, :mod:`taskaffinity.study._claims`).

Versions, each reached from the one before by one step of :data:`STEPS`:

- **0**: a store written before the schema had a version (taskaffinity 0.1 up to the
  release before this module). Tables appeared as the code needed them, so it has
  ``runs`` and ``attempts`` and, by its age, ``predictions``, ``gold_log_probs`` and
  ``claims``; taskaffinity 0.1 keyed runs with the suite's name and task order in their
  spec (the ``suite`` fingerprint).
- **1**: every table above. The step creates those missing: runs stored before a table
  existed load with no predictions, no gold log-probabilities, no claims.
- **2**: run keys of the current scheme (what a run reads of the suite, not the suite's
  name, its task order nor its other tasks). The step renames every run stored under a
  key of 0.1 to its current key, in every table, with the key inside its stored spec and
  result; it needs the study's backend and suite (:class:`RunKeys`), see :func:`_rekey`.

How a store is opened (:func:`prepare`, :func:`check_readable`). As optuna's RDB storage
does, the version lives in the database, upgrades are ordered steps, and a store the code
cannot read is refused with a message; unlike optuna (a separate ``storage upgrade``
command), a store is upgraded when a study opens it for writing, so that a study folder of
an earlier release resumes as it is:

- A new store (no tables) is made at :data:`SCHEMA_VERSION` directly.
- A store opened for writing at an older version is upgraded in one ``BEGIN IMMEDIATE``
  transaction (all steps or none; two drivers opening it at once upgrade it once), as
  far as it can be: a step that needs :class:`RunKeys` runs only when a study opens the
  store with its backend and suite (``run_study``); without them the upgrade stops
  before that step and goes on the next time a study opens it. An upgraded store opens
  without upgrading again.
- A store opened read-only is never upgraded (nothing is written); the store reads a
  table that an older store lacks as empty.
- A store whose version is newer than :data:`SCHEMA_VERSION` is refused with a
  :class:`StoreError` naming the file, its version and this code's, before anything is
  written.

A new version adds one step at the end of :data:`STEPS` (its code frozen as it is then:
a step describes how stores of its time were, not how the code is later) and a store of
the version before it to ``tests/data/stores``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from taskaffinity.errors import InputError
from taskaffinity.study._records import spec_to_dict
from taskaffinity.study._sqlite import StoreError, tables, transaction, use_wal
from taskaffinity.types import RunSpec

if TYPE_CHECKING:
    from taskaffinity.backends import RunBackend
    from taskaffinity.tasks import TaskSuite

__all__ = ["SCHEMA_VERSION", "STEPS", "RunKeys", "Step", "check_readable", "prepare", "version"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunKeys:
    """What a key step needs: the study's ``backend`` (its ``name`` and ``spec(tasks,
    seed, suite)``) and ``suite``, to compute each stored run's current key."""

    backend: RunBackend
    suite: TaskSuite


@dataclass(frozen=True)
class Step:
    """One upgrade: ``apply(cursor, keys)`` turns a store of version ``version - 1`` into
    one of ``version`` inside the upgrade's transaction; ``needs_keys``: it runs only
    with the study's :class:`RunKeys`."""

    version: int
    what: str
    apply: Callable[[sqlite3.Cursor, RunKeys | None], None]
    needs_keys: bool = False


# ---- version 1: every table -----------------------------------------------------------

_V1_TABLES = (
    """CREATE TABLE IF NOT EXISTS runs (
    key TEXT PRIMARY KEY,
    tasks TEXT NOT NULL,
    seed INTEGER NOT NULL,
    spec TEXT NOT NULL,
    position INTEGER,
    status TEXT NOT NULL DEFAULT 'pending',
    result TEXT,
    error TEXT NOT NULL DEFAULT '',
    attempts INTEGER NOT NULL DEFAULT 0,
    created REAL NOT NULL,
    started REAL,
    finished REAL
)""",
    """CREATE TABLE IF NOT EXISTS attempts (
    key TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    status TEXT NOT NULL,
    error TEXT NOT NULL,
    started REAL,
    finished REAL NOT NULL
)""",
    """CREATE TABLE IF NOT EXISTS predictions (
    key TEXT NOT NULL,
    task TEXT NOT NULL,
    labels BLOB NOT NULL,
    codes BLOB NOT NULL,
    lengths BLOB,
    PRIMARY KEY (key, task)
)""",
    """CREATE TABLE IF NOT EXISTS gold_log_probs (
    key TEXT NOT NULL,
    task TEXT NOT NULL,
    logp BLOB NOT NULL,
    PRIMARY KEY (key, task)
)""",
    """CREATE TABLE IF NOT EXISTS claims (
    key TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    token TEXT NOT NULL,
    claimed REAL NOT NULL,
    expires REAL NOT NULL
)""",
)


def _create_tables(cur: sqlite3.Cursor, keys: RunKeys | None) -> None:
    """Version 0 -> 1: create the tables a store of an earlier release lacks."""
    for sql in _V1_TABLES:
        cur.execute(sql)


# ---- version 2: run keys without the suite's name ----------------------------------------


def _former_suite_fingerprints(tasks: Sequence[str], suite: TaskSuite) -> set[str]:
    """The ``suite`` fingerprints taskaffinity 0.1 put in the spec of a run of ``tasks``:
    the whole suite's (``scratch``, whose vocabulary is built from every task), that of the
    run's tasks as a suite of the same name (``encoder`` and any other backend), and that
    one hashed with the tasks' prompts (``lora``). A key hashes the backend's name and
    config too, so trying all three on every run renames only the runs they keyed."""
    own = suite.subset(sorted(tasks))
    prompts = [[t.instruction, t.description] for t in own.tasks]
    with_prompts = hashlib.sha256((own.fingerprint + json.dumps(prompts)).encode())
    return {suite.fingerprint, own.fingerprint, with_prompts.hexdigest()[:12]}


def _renames(rows: list[sqlite3.Row], keys: RunKeys) -> list[tuple[str, RunSpec]]:
    """``(stored key, current spec)`` of the stored runs ``rows`` (key, spec) keyed the
    0.1 way: runs of the study's backend on tasks of its suite, whose current spec (same
    tasks with the same data and definitions, same config, same seed) had their key."""
    backend, suite = keys.backend, keys.suite
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
        former = {
            dataclasses.replace(current, suite=fp).key
            for fp in _former_suite_fingerprints(current.tasks, suite)
        }
        if row["key"] in former:
            out.append((row["key"], current))
    return out


def _rename(cur: sqlite3.Cursor, old: str, spec: RunSpec, status: dict[str, str]) -> bool:
    """Rename run ``old`` to ``spec.key`` in every table; False when it is kept apart
    (the current key holds the run already, complete, or ``old`` is not complete either).
    A complete run is never deleted."""
    new = spec.key
    if new in status:
        if status[new] == "complete" or status[old] != "complete":
            return False
        for table in ("runs", "predictions", "gold_log_probs"):
            cur.execute(f"DELETE FROM {table} WHERE key = ?", (new,))
    row = cur.execute("SELECT result FROM runs WHERE key = ?", (old,)).fetchone()
    result: Any = json.loads(row["result"]) if row["result"] else None
    if result is not None:
        result["key"] = new
    cur.execute(
        "UPDATE runs SET key = ?, spec = ?, result = ? WHERE key = ?",
        (new, json.dumps(spec_to_dict(spec)), json.dumps(result) if result else None, old),
    )
    for table in ("attempts", "predictions", "gold_log_probs", "claims"):
        cur.execute(f"UPDATE OR REPLACE {table} SET key = ? WHERE key = ?", (new, old))
    status[new] = status.pop(old)
    return True


def _rekey(cur: sqlite3.Cursor, keys: RunKeys | None) -> None:
    """Version 1 -> 2: rename the runs stored under a key of taskaffinity 0.1 (see
    :func:`_renames`, :func:`_rename`). Runs of another backend or of tasks outside the
    study's suite keep their key (they are kept, and trained again if planned)."""
    assert keys is not None
    renames = _renames(cur.execute("SELECT key, spec FROM runs").fetchall(), keys)
    status = {r["key"]: r["status"] for r in cur.execute("SELECT key, status FROM runs")}
    done = sum(_rename(cur, old, spec, status) for old, spec in renames if old in status)
    if done:
        log.info("renamed %d runs stored under a former key to their current keys", done)


STEPS: tuple[Step, ...] = (
    Step(1, "create the tables a store of an earlier release lacks", _create_tables),
    Step(2, "rename runs stored under a key of taskaffinity 0.1", _rekey, needs_keys=True),
)
"""The upgrade steps, in order: ``STEPS[i]`` makes a store of version ``i`` one of
version ``i + 1``."""

SCHEMA_VERSION = STEPS[-1].version
"""The version of the stores this code writes."""

_LAYOUT = _V1_TABLES  # the tables of a new store (version 2 changed keys, not tables)


def version(db: sqlite3.Connection) -> int:
    """The schema version of the store ``db`` (0 for a store written before versions)."""
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def check_readable(db: sqlite3.Connection, path: str | Path) -> int:
    """The version of the store ``db`` at ``path``; raises :class:`StoreError` when it is
    newer than this code's (:data:`SCHEMA_VERSION`). Writes nothing."""
    found = version(db)
    if found > SCHEMA_VERSION:
        from taskaffinity import __version__

        raise StoreError(
            f"the store has schema version {found}, newer than the version "
            f"{SCHEMA_VERSION} that this taskaffinity ({__version__}) reads and writes; "
            "left as it is: open it with the taskaffinity that wrote it (or a newer one)",
            file=path,
        )
    return found


def _pending(found: int, keys: RunKeys | None) -> list[Step]:
    """The steps a store of version ``found`` can take now (up to the first that needs
    ``keys`` when there are none)."""
    out = []
    for step in STEPS[found:]:
        if step.needs_keys and keys is None:
            break
        out.append(step)
    return out


def prepare(db: sqlite3.Connection, path: str | Path, keys: RunKeys | None = None) -> int:
    """Make the store ``db`` (at ``path``, opened for writing) ready: refuse one newer than
    this code (:func:`check_readable`, before anything is written), put it in WAL mode,
    create the tables of a new one at :data:`SCHEMA_VERSION`, upgrade an older one as far
    as ``keys`` allows (module docstring). Returns the store's version."""
    if not _pending(check_readable(db, path), keys):
        use_wal(db)
        return version(db)
    use_wal(db)
    with transaction(db) as cur:
        # read again under the write lock: another driver may have upgraded it meanwhile
        found = check_readable(db, path)
        if not tables(db):
            for sql in _LAYOUT:
                cur.execute(sql)
            cur.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            return SCHEMA_VERSION
        steps = _pending(found, keys)
        for step in steps:
            step.apply(cur, keys)
        if steps:
            cur.execute(f"PRAGMA user_version = {steps[-1].version}")
            log.info(
                "%s: upgraded the store from schema version %d to %d (%s)",
                path, found, steps[-1].version, "; ".join(s.what for s in steps),
            )  # fmt: skip
    return version(db)
