"""Run claims with leases: several drivers on one study train each run once.

As optuna's heartbeat and stale-trial recovery do for trials, a driver claims a run in the
store (table ``claims``: one row per claimed run with its ``holder`` (``host:pid``), the
holder's ``token`` (unique per driver), when it was ``claimed`` and the wall-clock time its
lease ``expires``; one ``BEGIN IMMEDIATE`` transaction: :meth:`ClaimsTable.claim`) before
it trains it, and a heartbeat thread renews every claim it holds while the run trains.
Another driver skips a run claimed under a live lease and trains the others; when it runs
out of unclaimed work it waits for the claimed runs to be stored (or to fail, or for their
claims to expire) and then reports the full study.

A claim is taken over, and the run trained again, when its lease has expired (the holder
stopped renewing: killed, its machine gone) or at once when its holder is a process of
this host that no longer exists. A driver that loses a claim while it still trains (it was
paused for longer than a lease) may train the run a second time; the store keeps the first
complete result (a complete run is never overwritten). Leases use wall-clock time, so the
machines sharing one study need clocks that agree to well within a lease.
"""

from __future__ import annotations

import logging
import os
import socket
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from taskaffinity.study._sqlite import connect, transaction

__all__ = [
    "CLAIMED",
    "DEFAULT_LEASE",
    "DONE",
    "HELD",
    "ClaimingStore",
    "ClaimsTable",
    "Lease",
    "holder_is_dead",
    "this_holder",
]

log = logging.getLogger(__name__)

DEFAULT_LEASE = 60.0
"""Seconds a claim lives without renewal (renewed every quarter of it)."""

CLAIMED, HELD, DONE = "claimed", "held", "done"


class ClaimsTable:
    """The claims stored in database ``db``, whose tables are ``tables`` (a store opened
    read-only at an older version may lack ``claims``: read as empty)."""

    def __init__(self, db: sqlite3.Connection, tables: set[str]) -> None:
        self._db, self._tables = db, tables

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
        with transaction(self._db) as cur:
            now = time.time()
            run = cur.execute("SELECT status, finished FROM runs WHERE key = ?", (key,)).fetchone()
            if run is not None and (
                run["status"] == "complete"
                or (run["status"] == "failed" and (run["finished"] or 0) >= since)
            ):
                return DONE
            held = cur.execute(
                "SELECT holder, token, expires FROM claims WHERE key = ?", (key,)
            ).fetchone()
            live = held is not None and held["token"] != token and held["expires"] > now
            if live and not (dead is not None and dead(held["holder"])):
                return HELD
            cur.execute(
                "INSERT OR REPLACE INTO claims VALUES (?, ?, ?, ?, ?)",
                (key, holder, token, now, now + lease),
            )
            return CLAIMED

    def renew(self, token: str, lease: float) -> int:
        """Extend every claim of ``token`` to ``lease`` seconds from now; returns how many
        it still holds (a claim taken over by another driver is not renewed)."""
        cur = self._db.execute(
            "UPDATE claims SET expires = ? WHERE token = ?", (time.time() + lease, token)
        )
        return cur.rowcount

    def release(self, token: str, key: str | None = None) -> None:
        """Drop ``token``'s claim on run ``key`` (every claim of ``token`` when None)."""
        if key is None:
            self._db.execute("DELETE FROM claims WHERE token = ?", (token,))
        else:
            self._db.execute("DELETE FROM claims WHERE token = ? AND key = ?", (token, key))

    def claims(self) -> dict[str, dict[str, Any]]:
        """Run key -> ``{"holder", "claimed", "expires"}`` of every claim on a run not
        stored complete (expired ones included: ``expires`` is in the past)."""
        if "claims" not in self._tables:
            return {}
        rows = self._db.execute(
            "SELECT c.key, c.holder, c.claimed, c.expires FROM claims c "
            "JOIN runs r ON r.key = c.key WHERE r.status != 'complete'"
        )
        return {
            r["key"]: {"holder": r["holder"], "claimed": r["claimed"], "expires": r["expires"]}
            for r in rows
        }


class ClaimingStore(Protocol):
    """What a :class:`Lease` needs of a store (a :class:`~taskaffinity.study.ResultStore`):
    its file and its claims."""

    path: Path

    def claim(
        self,
        key: str,
        holder: str,
        token: str,
        lease: float,
        *,
        since: float = 0.0,
        dead: Callable[[str], bool] | None = None,
    ) -> str: ...

    def release_claim(self, token: str, key: str | None = None) -> None: ...


def this_holder() -> str:
    """``host:pid`` of this process, the name a claim is held under."""
    return f"{socket.gethostname()}:{os.getpid()}"


def holder_is_dead(holder: str) -> bool:
    """Whether ``holder`` (``host:pid``) is a process of this host that no longer exists.
    A holder on another host, or one whose name does not parse, is never known dead (its
    lease decides); nor is any holder off POSIX systems."""
    host, _, pid = holder.rpartition(":")
    if os.name != "posix" or host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


class Lease:
    """A driver's claims on the runs of ``store``, each for ``seconds`` after its last
    renewal. As a context manager it renews them from a heartbeat thread (its own
    connection to the store file) every ``seconds / 4`` and releases what it still holds
    on exit. ``holder`` defaults to :func:`this_holder`."""

    def __init__(
        self, store: ClaimingStore, seconds: float = DEFAULT_LEASE, holder: str | None = None
    ) -> None:
        if not seconds > 0:
            raise ValueError(f"a lease lasts a positive number of seconds, not {seconds!r}")
        self.store, self.seconds = store, float(seconds)
        self.holder = holder or this_holder()
        self.token = uuid.uuid4().hex
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        return f"Lease({self.holder}, {self.seconds:g} s, {self.store.path})"

    def claim(self, key: str, since: float = 0.0) -> str:
        """Claim run ``key``: ``"claimed"``, ``"held"`` (by another driver, live) or
        ``"done"`` (stored complete, or failed at or after ``since``); see
        :meth:`ClaimsTable.claim`."""
        return self.store.claim(
            key, self.holder, self.token, self.seconds, since=since, dead=holder_is_dead
        )

    def release(self, key: str | None = None) -> None:
        """Drop the claim on run ``key`` (all of this lease's claims when None)."""
        self.store.release_claim(self.token, key)

    def __enter__(self) -> Lease:
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._beat, args=(self.store.path,), name="taskaffinity-lease", daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        try:
            self.release()
        except Exception as err:  # the store is gone or full: the claims expire by themselves
            log.debug("could not release the claims of %r: %s", self, err)

    def _beat(self, path: Path) -> None:
        try:  # its own connection: the driver's may be busy in another thread
            db = connect(path, create=False)
        except Exception as err:
            log.warning("lease heartbeat cannot open %s: %s", path, err)
            return
        try:
            claims = ClaimsTable(db, {"claims"})
            while not self._stop.wait(self.seconds / 4):
                try:
                    claims.renew(self.token, self.seconds)
                except Exception as err:  # busy or gone: the driver's own checks decide
                    log.debug("lease heartbeat: %s", err)
        finally:
            db.close()
