"""The result store: one SQLite file per study (``DIR/study.sqlite``), opened as one
:class:`ResultStore`.

The store is four concerns, one module each, and this class that opens the file and
answers for it: the connection and what SQLite's errors mean
(:mod:`~taskaffinity.study._sqlite`), the schema, its version and the upgrades of older
stores (:mod:`~taskaffinity.study._schema`), the runs with their records, predictions and
gold log-probabilities (:mod:`~taskaffinity.study._runs`,
:mod:`~taskaffinity.study._records`) and the claims of the drivers
(:mod:`~taskaffinity.study._claims`).

A store opened for writing is made ready first (:func:`~taskaffinity.study._schema.prepare`:
a store newer than this code is refused, an older one upgraded). A store opened with
``readonly=True`` writes nothing, neither the file nor ``-wal`` or ``-shm`` files beside it:
a read-only folder can be read. :class:`ResultStore` remembers the identity (device,
inode) of the file it opened; :meth:`ResultStore.check_file` raises :class:`StoreError`
once the file is deleted or replaced.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from taskaffinity.study._claims import ClaimsTable
from taskaffinity.study._runs import RunsTable
from taskaffinity.study._schema import RunKeys, check_readable, prepare
from taskaffinity.study._sqlite import StoreError, connect, connect_readonly, tables
from taskaffinity.types import RunResult, RunSpec

__all__ = ["ResultStore"]


class ResultStore:
    """The runs of one study in ``path`` (created on first use, unless ``readonly``: then
    the file must exist and is never written; ``create=False``: must exist, is written).

    ``keys``: the study's backend and suite, which the upgrade of a store of an earlier
    key scheme needs (:class:`~taskaffinity.study._schema.RunKeys`; ``run_study`` gives
    them); without them such a store is upgraded up to that step. Raises
    :class:`StoreError` for a store whose schema version is newer than this code's.
    ``version``: the store's schema version once opened (read-only: as found)."""

    def __init__(
        self,
        path: str | Path,
        *,
        readonly: bool = False,
        create: bool = True,
        keys: RunKeys | None = None,
    ) -> None:
        self.path = Path(path)
        self.readonly = readonly
        if readonly or not create:
            if not self.path.is_file():
                raise StoreError("the store does not exist", file=self.path)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._copy: Path | None = None
        if readonly:
            self._db, self._copy = connect_readonly(self.path)
        else:
            self._db = connect(self.path, create=create)
        try:
            if readonly:
                self.version = check_readable(self._db, self.path)
            else:
                self.version = prepare(self._db, self.path, keys)
        except BaseException:
            self.close()
            raise
        self._identity = self._stat()
        have = tables(self._db)
        self._runs = RunsTable(self._db, have)
        self._claims = ClaimsTable(self._db, have)

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

    # runs: see taskaffinity.study._runs

    def sync_plan(self, specs: list[RunSpec]) -> None:
        """Make ``specs`` the current plan, in this order; unknown runs become pending."""
        self._runs.sync_plan(specs)

    def mark_started(self, key: str) -> None:
        """Count one more attempt of run ``key`` (a complete run is left untouched)."""
        self._runs.mark_started(key)

    def record(self, result: RunResult) -> None:
        """Store a finished run with its predictions, gold log-probabilities and attempt,
        in one transaction; never overwrites a complete run or what is stored with it."""
        self._runs.record(result)

    def record_lost(self, key: str, error: str) -> None:
        """Store a failed attempt of run ``key`` whose worker died (``error``), the run left
        open for the executor's next try."""
        self._runs.record_lost(key, error)

    def rows(self, *, plan_only: bool = True) -> list[dict[str, Any]]:
        """Run rows as dicts (``tasks`` decoded), in plan order (``plan_only=False``: every
        stored run)."""
        return self._runs.rows(plan_only=plan_only)

    def status_of(self, keys: Iterable[str]) -> dict[str, str]:
        """``key -> status`` for the given keys that are stored."""
        return self._runs.status_of(keys)

    def specs(self) -> list[RunSpec]:
        """RunSpecs of the current plan, in order."""
        return self._runs.specs()

    def results(self) -> list[RunResult]:
        """Finished runs of the current plan, in plan order, with their predictions and
        gold log-probabilities."""
        return self._runs.results()

    def predictions(self, key: str) -> dict[str, tuple[Any, ...]]:
        """Task -> stored test predictions of run ``key`` (one per test example, in test
        order), tasks sorted; empty when none are stored."""
        return self._runs.predictions(key)

    def gold_log_probs(self, key: str) -> dict[str, tuple[float, ...]]:
        """Task -> stored test gold log-probabilities of run ``key`` (one per test
        example, in test order), tasks sorted; empty when none are stored."""
        return self._runs.gold_log_probs(key)

    def attempts(self, key: str | None = None) -> list[dict[str, Any]]:
        """History of finished attempts (all runs, or run ``key``), oldest first."""
        return self._runs.attempts(key)

    # claims: see taskaffinity.study._claims

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
        """Claim run ``key`` for ``holder`` (``token``) for ``lease`` seconds: ``"done"``,
        ``"held"`` or ``"claimed"`` (:meth:`ClaimsTable.claim`)."""
        return self._claims.claim(key, holder, token, lease, since=since, dead=dead)

    def renew_claims(self, token: str, lease: float) -> int:
        """Extend every claim of ``token`` to ``lease`` seconds from now; returns how many
        it still holds."""
        return self._claims.renew(token, lease)

    def release_claim(self, token: str, key: str | None = None) -> None:
        """Drop ``token``'s claim on run ``key`` (every claim of ``token`` when None)."""
        self._claims.release(token, key)

    def claims(self) -> dict[str, dict[str, Any]]:
        """Run key -> ``{"holder", "claimed", "expires"}`` of every claim on a run not
        stored complete (expired ones included)."""
        return self._claims.claims()
