"""The SQLite file of a result store: its schema (tables ``runs`` and ``attempts``), the
connection settings (WAL mode) and all-or-nothing transactions."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["connect", "write"]

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
"""


def connect(path: Path) -> sqlite3.Connection:
    """Open (and create when needed) the store database ``path`` with the schema."""
    db = sqlite3.connect(path, timeout=60, isolation_level=None)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(_SCHEMA)
    return db


def write(db: sqlite3.Connection, statements: Iterable[tuple[str, tuple[Any, ...]]]) -> None:
    """Run ``statements`` in one transaction (all or nothing)."""
    cur = db.cursor()
    cur.execute("BEGIN IMMEDIATE")
    try:
        for sql, args in statements:
            cur.execute(sql, args)
    except BaseException:
        cur.execute("ROLLBACK")
        raise
    cur.execute("COMMIT")
