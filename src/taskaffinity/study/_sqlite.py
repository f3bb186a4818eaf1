"""The SQLite connection of a study's store and what SQLite's errors mean to a user.

:func:`connect` opens the store for writing (WAL journal, ``synchronous=NORMAL``, a
60-second busy timeout, autocommit: every write goes through :func:`write`, one
transaction each). :func:`connect_readonly` opens it without writing anything anywhere,
neither the file nor ``-wal``/``-shm`` files beside it, so a read-only folder can be read.
:func:`store_errors` turns SQLite's errors (not a database, corrupt, disk full, read-only)
and ``OSError`` about a file of the store's folder into a one-line :class:`StoreError`
naming the file.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from taskaffinity.errors import TaskAffinityError

__all__ = [
    "StoreError",
    "connect",
    "connect_readonly",
    "describe_sqlite_error",
    "store_errors",
    "tables",
    "transaction",
    "use_wal",
    "write",
]


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
    """A connection to the store database ``path`` (created unless ``create`` is False),
    rows as :class:`sqlite3.Row`. Nothing is written yet: the caller checks the schema
    version (:mod:`taskaffinity.study._schema`) before :func:`use_wal`."""
    if create:
        db = sqlite3.connect(path, timeout=60, isolation_level=None)
    else:
        uri = f"{path.resolve().as_uri()}?mode=rw"
        db = sqlite3.connect(uri, uri=True, timeout=60, isolation_level=None)
    db.row_factory = sqlite3.Row
    return db


def use_wal(db: sqlite3.Connection) -> None:
    """Put the store ``db`` in WAL mode (readers never block the writer; kept in the file),
    its commits durable at checkpoints (``synchronous=NORMAL``)."""
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")


def connect_readonly(path: Path) -> tuple[sqlite3.Connection, Path | None]:
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


def tables(db: sqlite3.Connection) -> set[str]:
    """Names of the tables in database ``db``."""
    return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Cursor]:
    """A ``BEGIN IMMEDIATE`` transaction on ``db`` (the write lock taken at once):
    committed when the block ends, rolled back when it raises."""
    cur = db.cursor()
    cur.execute("BEGIN IMMEDIATE")
    try:
        yield cur
    except BaseException:
        if db.in_transaction:  # SQLite rolls back by itself after some errors (disk full)
            cur.execute("ROLLBACK")
        raise
    cur.execute("COMMIT")


def write(db: sqlite3.Connection, statements: Iterable[tuple[str, tuple[Any, ...]]]) -> None:
    """Run ``statements`` (SQL, parameters) in one transaction (all or nothing)."""
    with transaction(db) as cur:
        for sql, args in statements:
            cur.execute(sql, args)
