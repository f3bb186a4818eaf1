"""SQLite result store: one file per study (``DIR/study.sqlite``), WAL mode.

Table ``runs`` holds one row per run, keyed by :attr:`RunSpec.key`, with the spec and the
result as JSON, its status (``pending``, ``complete``, ``failed``), the last error, the
number of attempts and timestamps; ``position`` is the run's place in the current plan
(NULL for runs of an earlier plan, which are kept, never deleted). Table ``attempts``
keeps the history of every finished attempt, errors included. Table ``predictions`` holds
each run's test predictions, one row per (run key, task), compactly
(:func:`encode_predictions`): ``labels`` the zlib-compressed JSON list of the distinct
predicted values (sorted), ``codes`` every prediction as its index into that list
(zlib-compressed little-endian unsigned integers, tagging: the tags of every example one
after the other) and, for tagging, ``lengths`` the number of tags of each example (same
encoding; NULL otherwise). A row decodes without the suite. Stores made before this table
existed gain it when opened; their runs load with empty predictions. Table
``gold_log_probs`` holds, for single-task runs, the natural-log probability of each test
example's gold label (:attr:`RunResult.gold_log_probs`), one row per (run key, task):
``logp`` the zlib-compressed little-endian float64 values in test order. Stores made before
it gain it too; their runs load with none.

Every write is one transaction, so a process killed at any moment (``kill -9``) leaves each
run either fully stored, predictions included, or not stored at all. A run stored
``complete`` is never overwritten; ``failed`` runs are tried again by the next invocation.

Runs are stored as JSON records (:func:`spec_to_dict`, :func:`result_to_dict` and their
inverses) in the ``spec`` and ``result`` columns.

Table ``claims`` says which driver trains which run (:mod:`taskaffinity.study._claims`):
one row per claimed run with its ``holder`` (``host:pid``), the holder's ``token`` (unique
per driver) and the wall-clock time its lease ``expires``. Stores made before this table
existed gain it when opened for writing.

A store opened with ``readonly=True`` writes nothing, neither the file nor ``-wal`` or
``-shm`` files beside it (see :func:`_connect_readonly`): a read-only folder can be read.
:class:`ResultStore` remembers the identity (device, inode) of the file it opened;
:meth:`ResultStore.check_file` raises :class:`StoreError` once the file is deleted or
replaced. :func:`store_errors` turns SQLite's errors (not a database, corrupt, disk
full, read-only) into a one-line :class:`StoreError` naming the file.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from taskaffinity.errors import TaskAffinityError
from taskaffinity.types import Cost, RunResult, RunSpec

__all__ = [
    "CLAIMED",
    "DONE",
    "HELD",
    "ResultStore",
    "StoreError",
    "decode_predictions",
    "encode_predictions",
    "result_from_dict",
    "result_to_dict",
    "spec_from_dict",
    "spec_to_dict",
    "store_errors",
]


_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
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
);
CREATE TABLE IF NOT EXISTS attempts (
    key TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    status TEXT NOT NULL,
    error TEXT NOT NULL,
    started REAL,
    finished REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS predictions (
    key TEXT NOT NULL,
    task TEXT NOT NULL,
    labels BLOB NOT NULL,
    codes BLOB NOT NULL,
    lengths BLOB,
    PRIMARY KEY (key, task)
);
CREATE TABLE IF NOT EXISTS gold_log_probs (
    key TEXT NOT NULL,
    task TEXT NOT NULL,
    logp BLOB NOT NULL,
    PRIMARY KEY (key, task)
);
"""


_CLAIMS_SCHEMA = """
CREATE TABLE IF NOT EXISTS claims (
    key TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    token TEXT NOT NULL,
    claimed REAL NOT NULL,
    expires REAL NOT NULL
);
"""

CLAIMED, HELD, DONE = "claimed", "held", "done"


class StoreError(TaskAffinityError):
    """The store file cannot be used: ``str(err)`` reads ``FILE: what is wrong``."""

    def __init__(self, message: str, *, file: str | Path) -> None:
        self.file, self.message = str(file), message
        super().__init__(f"{self.file}: {message}")


_SQLITE_ERRORS = (  # what SQLite says -> what it means for a study
    ("file is not a database", "not an SQLite database (not a study store); left as it is"),
    ("malformed", "the store is corrupt ({err}); left as it is (the sqlite3 shell's "
     ".recover may save its runs)"),
    ("disk is full", "the disk is full ({err}); every run stored before is kept; free space "
     "and run the command again to go on"),
    ("readonly", "the store is read-only ({err}): a read-only folder or file can be read "
     "(status, report --out elsewhere) but not trained into"),
    ("unable to open", "cannot open the store ({err}): a read-only or missing folder?"),
)  # fmt: skip


def describe_sqlite_error(err: sqlite3.Error) -> str:
    """A user's reading of SQLite error ``err``."""
    text = str(err)
    for needle, message in _SQLITE_ERRORS:
        if needle in text:
            return message.format(err=text)
    return text


@contextmanager
def store_errors(path: str | Path) -> Iterator[None]:
    """Turn SQLite errors raised inside the block into a :class:`StoreError` naming the
    store ``path``, and ``OSError`` about a file in the store's folder (no room, no
    permission) into one naming that file."""
    folder = Path(path).absolute().parent
    try:
        yield
    except sqlite3.Error as err:
        raise StoreError(describe_sqlite_error(err), file=path) from err
    except OSError as err:
        name = err.filename
        if name is None or folder not in (
            Path(os.fsdecode(name)).absolute(),
            *Path(os.fsdecode(name)).absolute().parents,
        ):
            raise
        what = "read-only" if isinstance(err, PermissionError) else "cannot write there"
        raise StoreError(f"{what} ({err.strerror})", file=os.fsdecode(name)) from err


def connect(path: Path, *, create: bool = True) -> sqlite3.Connection:
    """Open the store database ``path`` for writing, with the schema (creating the file
    unless ``create`` is False)."""
    if create:
        db = sqlite3.connect(path, timeout=60, isolation_level=None)
    else:
        uri = f"{path.resolve().as_uri()}?mode=rw"
        db = sqlite3.connect(uri, uri=True, timeout=60, isolation_level=None)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(_SCHEMA)
    db.executescript(_CLAIMS_SCHEMA)
    return db


def _connect_readonly(path: Path) -> tuple[sqlite3.Connection, Path | None]:
    """A connection to ``path`` that writes nothing anywhere, and the private folder it
    reads from (to delete after closing) or None.

    Without a ``-wal`` file no connection has the store open (a WAL store's last
    connection removes it), so the file alone is the store: opened ``immutable=1``, which
    creates no ``-wal``/``-shm`` either. With one (a driver is running, or was killed),
    ``mode=ro`` reads the file and its WAL through the shared ``-shm``; where that cannot
    be opened either (a read-only folder without ``-shm``), a private copy of the file and
    its WAL in a temporary folder is read instead."""
    base = path.resolve()
    wal = base.with_name(base.name + "-wal")
    tmp: Path | None = None
    uri = f"{base.as_uri()}?{'mode=ro' if wal.exists() else 'immutable=1'}"
    db = sqlite3.connect(uri, uri=True, timeout=60, isolation_level=None)
    try:
        db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError:
        if not wal.exists():
            raise
        db.close()
        tmp = Path(tempfile.mkdtemp(prefix="taskaffinity-store-"))
        shutil.copy2(base, tmp / base.name)
        shutil.copy2(wal, tmp / wal.name)
        db = sqlite3.connect(tmp / base.name, timeout=60, isolation_level=None)
        db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
    db.row_factory = sqlite3.Row
    return db, tmp


def write(db: sqlite3.Connection, statements: Iterable[tuple[str, tuple[Any, ...]]]) -> None:
    """Run ``statements`` in one transaction (all or nothing)."""
    cur = db.cursor()
    cur.execute("BEGIN IMMEDIATE")
    try:
        for sql, args in statements:
            cur.execute(sql, args)
    except BaseException:
        if db.in_transaction:  # SQLite rolls back by itself after some errors (disk full)
            cur.execute("ROLLBACK")
        raise
    cur.execute("COMMIT")


def _pack(values: np.ndarray) -> bytes:
    """zlib-compressed ``values`` (non-negative ints) in the smallest little-endian unsigned
    dtype that holds them, its byte size as the first byte."""
    top = int(values.max()) if values.size else 0
    dtype = next(d for d in ("<u1", "<u2", "<u4", "<u8") if top <= np.iinfo(d).max)
    raw = np.asarray(values, dtype=dtype).tobytes()
    return zlib.compress(bytes([np.dtype(dtype).itemsize]) + raw, 9)


def _unpack(blob: bytes) -> np.ndarray:
    raw = zlib.decompress(blob)
    return np.frombuffer(raw[1:], dtype=f"<u{raw[0]}").astype(np.int64)


def encode_predictions(values: Sequence[Any]) -> tuple[bytes, bytes, bytes | None]:
    """``(labels, codes, lengths)`` blobs of one task's predictions (one per example: a
    label or text string, or a sequence of tags for tagging); ``lengths`` is None unless the
    predictions are tag sequences. See the module docstring for the encoding."""
    nested = bool(values) and isinstance(values[0], list | tuple)
    flat = [v for seq in values for v in seq] if nested else list(values)
    labels = sorted(set(flat))
    index = {v: i for i, v in enumerate(labels)}
    codes = np.array([index[v] for v in flat], dtype=np.int64)
    lengths = _pack(np.array([len(seq) for seq in values], dtype=np.int64)) if nested else None
    text = json.dumps(labels, ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(text.encode(), 9), _pack(codes), lengths


def decode_predictions(labels: bytes, codes: bytes, lengths: bytes | None) -> tuple[Any, ...]:
    """The predictions :func:`encode_predictions` encoded: a tuple with one entry per
    example (tagging: a tuple of tags)."""
    table = json.loads(zlib.decompress(labels).decode())
    flat = [table[i] for i in _unpack(codes).tolist()]
    if lengths is None:
        return tuple(flat)
    out, start = [], 0
    for n in _unpack(lengths).tolist():
        out.append(tuple(flat[start : start + n]))
        start += n
    return tuple(out)


def _pack_floats(values: Sequence[float]) -> bytes:
    return zlib.compress(np.asarray(values, dtype="<f8").tobytes(), 9)


def _unpack_floats(blob: bytes) -> tuple[float, ...]:
    return tuple(np.frombuffer(zlib.decompress(blob), dtype="<f8").tolist())


def spec_to_dict(spec: RunSpec) -> dict[str, Any]:
    return {
        "tasks": list(spec.tasks),
        "backend": spec.backend,
        "backend_config": dict(spec.backend_config),
        "seed": spec.seed,
        "suite": spec.suite,
    }


def spec_from_dict(d: dict[str, Any]) -> RunSpec:
    return RunSpec(tuple(d["tasks"]), d["backend"], d["backend_config"], d["seed"], d["suite"])


def result_to_dict(r: RunResult) -> dict[str, Any]:
    return {
        "key": r.key,
        "tasks": list(r.tasks),
        "seed": r.seed,
        "scores": dict(r.scores),
        "metrics": {t: dict(m) for t, m in r.metrics.items()},
        "cost": r.cost.to_dict(),
        "status": r.status,
        "error": r.error,
    }


def result_from_dict(
    d: dict[str, Any],
    predictions: Mapping[str, tuple[Any, ...]] | None = None,
    gold_log_probs: Mapping[str, tuple[float, ...]] | None = None,
) -> RunResult:
    """The RunResult of a :func:`result_to_dict` record, with ``predictions`` and
    ``gold_log_probs`` (stored apart: they are not part of the record)."""
    return RunResult(
        key=d["key"],
        tasks=tuple(d["tasks"]),
        seed=d["seed"],
        scores=d["scores"],
        metrics=d["metrics"],
        cost=Cost(**d["cost"]),
        status=d["status"],
        error=d["error"],
        predictions=dict(predictions or {}),
        gold_log_probs=dict(gold_log_probs or {}),
    )


class ResultStore:
    """The runs of one study in ``path`` (created on first use, unless ``readonly``: then
    the file must exist and is never written; ``create=False``: must exist, is written)."""

    def __init__(self, path: str | Path, *, readonly: bool = False, create: bool = True) -> None:
        self.path = Path(path)
        self.readonly = readonly
        if readonly or not create:
            if not self.path.is_file():
                raise StoreError("the store does not exist", file=self.path)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._copy: Path | None = None
        if readonly:
            self._db, self._copy = _connect_readonly(self.path)
        else:
            self._db = connect(self.path, create=create)
        self._identity = self._stat()
        self._tables = {
            r[0] for r in self._db.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }

    def _stat(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return st.st_dev, st.st_ino

    def check_file(self) -> None:
        """Raise :class:`StoreError` when the file this store opened was deleted or
        replaced by another file since (what is written then would be lost)."""
        now = self._stat()
        if now == self._identity:
            return
        what = "deleted" if now is None else "replaced by another file"
        raise StoreError(
            f"the store was {what} while the study ran; stopped (runs finished from then "
            "on could not be stored)",
            file=self.path,
        )

    def close(self) -> None:
        self._db.close()
        if self._copy is not None:
            shutil.rmtree(self._copy, ignore_errors=True)
            self._copy = None

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def sync_plan(self, specs: list[RunSpec]) -> None:
        """Make ``specs`` the current plan, in this order; unknown runs become pending."""
        now = time.time()
        stmts: list[tuple[str, tuple[Any, ...]]] = [("UPDATE runs SET position = NULL", ())]
        for i, s in enumerate(specs):
            stmts.append(
                (
                    "INSERT INTO runs (key, tasks, seed, spec, position, created) "
                    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET position = ?",
                    (
                        s.key,
                        json.dumps(list(s.tasks)),
                        s.seed,
                        json.dumps(spec_to_dict(s)),
                        i,
                        now,
                        i,
                    ),
                )
            )
        write(self._db, stmts)

    def mark_started(self, key: str) -> None:
        """Count one more attempt of run ``key`` (a complete run is left untouched)."""
        sql = (
            "UPDATE runs SET attempts = attempts + 1, started = ? "
            "WHERE key = ? AND status != 'complete'"
        )
        write(self._db, [(sql, (time.time(), key))])

    def record(self, result: RunResult) -> None:
        """Store a finished run, its predictions, gold log-probabilities and attempt, in one
        transaction. Never overwrites a complete run or what is stored with it (so a run is
        stored complete at most once)."""
        now = time.time()
        row = self._db.execute(
            "SELECT attempts, started FROM runs WHERE key = ?", (result.key,)
        ).fetchone()
        attempt, started = (row["attempts"], row["started"]) if row else (0, None)
        # before the run's row turns complete: only predictions of a run still open are kept
        stmts = [
            (
                "INSERT OR REPLACE INTO predictions (key, task, labels, codes, lengths) "
                "SELECT ?, ?, ?, ?, ? WHERE EXISTS "
                "(SELECT 1 FROM runs WHERE key = ? AND status != 'complete')",
                (result.key, task, *encode_predictions(values), result.key),
            )
            for task, values in result.predictions.items()
        ]
        stmts += [
            (
                "INSERT OR REPLACE INTO gold_log_probs (key, task, logp) "
                "SELECT ?, ?, ? WHERE EXISTS "
                "(SELECT 1 FROM runs WHERE key = ? AND status != 'complete')",
                (result.key, task, _pack_floats(values), result.key),
            )
            for task, values in result.gold_log_probs.items()
        ]
        write(
            self._db,
            [
                *stmts,
                (
                    "UPDATE runs SET status = ?, result = ?, error = ?, finished = ? "
                    "WHERE key = ? AND status != 'complete'",
                    (
                        result.status,
                        json.dumps(result_to_dict(result)),
                        result.error,
                        now,
                        result.key,
                    ),
                ),
                (
                    "INSERT INTO attempts VALUES (?, ?, ?, ?, ?, ?)",
                    (result.key, attempt, result.status, result.error, started, now),
                ),
            ],
        )

    def rows(self, *, plan_only: bool = True) -> list[dict[str, Any]]:
        """Run rows as dicts (``tasks`` decoded), in plan order."""
        where = (
            "WHERE position IS NOT NULL ORDER BY position" if plan_only else "ORDER BY created, key"
        )
        out = []
        for r in self._db.execute(f"SELECT * FROM runs {where}"):
            d = dict(r)
            d["tasks"] = json.loads(d["tasks"])
            out.append(d)
        return out

    def status_of(self, keys: Iterable[str]) -> dict[str, str]:
        """``key -> status`` for the given keys that are stored."""
        keys = list(keys)
        out: dict[str, str] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for r in self._db.execute(
                f"SELECT key, status FROM runs WHERE key IN ({marks})", chunk
            ):
                out[r["key"]] = r["status"]
        return out

    def specs(self) -> list[RunSpec]:
        """RunSpecs of the current plan, in order."""
        return [spec_from_dict(json.loads(r["spec"])) for r in self.rows()]

    def results(self) -> list[RunResult]:
        """Finished (complete or failed) runs of the current plan, in plan order, with their
        stored predictions and gold log-probabilities (empty for runs stored without)."""
        return [
            result_from_dict(
                json.loads(r["result"]), self.predictions(r["key"]), self.gold_log_probs(r["key"])
            )
            for r in self.rows()
            if r["result"]
        ]

    def predictions(self, key: str) -> dict[str, tuple[Any, ...]]:
        """Task -> stored test predictions of run ``key`` (one per test example, in test
        order; tagging: a tuple of tags each), tasks sorted; empty when none are stored."""
        if "predictions" not in self._tables:  # a store older than the table, read-only
            return {}
        rows = self._db.execute(
            "SELECT task, labels, codes, lengths FROM predictions WHERE key = ? ORDER BY task",
            (key,),
        )
        return {r["task"]: decode_predictions(r["labels"], r["codes"], r["lengths"]) for r in rows}

    def gold_log_probs(self, key: str) -> dict[str, tuple[float, ...]]:
        """Task -> stored test gold log-probabilities of run ``key`` (one per test example,
        in test order), tasks sorted; empty when none are stored."""
        rows = self._db.execute(
            "SELECT task, logp FROM gold_log_probs WHERE key = ? ORDER BY task", (key,)
        )
        return {r["task"]: _unpack_floats(r["logp"]) for r in rows}

    def attempts(self, key: str | None = None) -> list[dict[str, Any]]:
        """History of finished attempts (all runs, or run ``key``), oldest first."""
        if key is None:
            rows = self._db.execute("SELECT * FROM attempts ORDER BY finished")
        else:
            rows = self._db.execute(
                "SELECT * FROM attempts WHERE key = ? ORDER BY finished", (key,)
            )
        return [dict(r) for r in rows]

    def record_lost(self, key: str, error: str) -> None:
        """Store the history of an attempt of run ``key`` whose worker died (``failed``
        with ``error``) while the executor tries the run again: one more attempt counted,
        the run left open."""
        now = time.time()
        row = self._db.execute(
            "SELECT attempts, started FROM runs WHERE key = ?", (key,)
        ).fetchone()
        attempt, started = (row["attempts"], row["started"]) if row else (0, None)
        write(
            self._db,
            [
                ("INSERT INTO attempts VALUES (?, ?, ?, ?, ?, ?)",
                 (key, attempt, "failed", error, started, now)),
                ("UPDATE runs SET attempts = attempts + 1, started = ? "
                 "WHERE key = ? AND status != 'complete'", (now, key)),
            ],
        )  # fmt: skip

    # claims: which driver trains which run (see taskaffinity.study._claims)

    def claim(
        self,
        key: str,
        holder: str,
        token: str,
        lease: float,
        *,
        since: float = 0.0,
        dead: Callable[[str], bool] | None = None,
    ) -> str:
        """Claim run ``key`` for ``holder`` (``token``) for ``lease`` seconds, in one
        ``BEGIN IMMEDIATE`` transaction. Returns :data:`DONE` when the run is stored
        complete, or failed at or after ``since`` (by another driver of this time);
        :data:`HELD` when another token holds a claim whose lease has not expired and whose
        holder is not ``dead(holder)``; else :data:`CLAIMED` (a new claim, a renewed one,
        or one taken over)."""
        cur = self._db.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            now = time.time()
            run = cur.execute("SELECT status, finished FROM runs WHERE key = ?", (key,)).fetchone()
            if run is not None and (
                run["status"] == "complete"
                or (run["status"] == "failed" and (run["finished"] or 0) >= since)
            ):
                outcome = DONE
            else:
                held = cur.execute(
                    "SELECT holder, token, expires FROM claims WHERE key = ?", (key,)
                ).fetchone()
                live = held is not None and held["token"] != token and held["expires"] > now
                if live and not (dead is not None and dead(held["holder"])):
                    outcome = HELD
                else:
                    cur.execute(
                        "INSERT OR REPLACE INTO claims VALUES (?, ?, ?, ?, ?)",
                        (key, holder, token, now, now + lease),
                    )
                    outcome = CLAIMED
        except BaseException:
            if self._db.in_transaction:
                cur.execute("ROLLBACK")
            raise
        cur.execute("COMMIT")
        return outcome

    def renew_claims(self, token: str, lease: float) -> int:
        """Extend every claim of ``token`` to ``lease`` seconds from now; returns how many
        it still holds (a claim taken over by another driver is not renewed)."""
        cur = self._db.execute(
            "UPDATE claims SET expires = ? WHERE token = ?", (time.time() + lease, token)
        )
        return cur.rowcount

    def release_claim(self, token: str, key: str | None = None) -> None:
        """Drop ``token``'s claim on run ``key`` (every claim of ``token`` when None)."""
        if key is None:
            self._db.execute("DELETE FROM claims WHERE token = ?", (token,))
        else:
            self._db.execute("DELETE FROM claims WHERE token = ? AND key = ?", (token, key))

    def claims(self) -> dict[str, dict[str, Any]]:
        """Run key -> ``{"holder", "claimed", "expires"}`` of every claim on a run not
        stored complete (expired ones included: ``expires`` is in the past)."""
        if "claims" not in self._tables and self.readonly:
            return {}
        rows = self._db.execute(
            "SELECT c.key, c.holder, c.claimed, c.expires FROM claims c "
            "JOIN runs r ON r.key = c.key WHERE r.status != 'complete'"
        )
        return {
            r["key"]: {"holder": r["holder"], "claimed": r["claimed"], "expires": r["expires"]}
            for r in rows
        }
