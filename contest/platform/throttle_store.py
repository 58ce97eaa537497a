"""Throttling counters in a SQLite file, for the web processes of one machine when there is no
Redis (`make serve` runs several): counted in each process's memory, a guesser had as many
tries as there were processes. Registered with the `limits` package under the scheme
`sqlite-file://PATH`; a fixed window per key, as Flask-Limiter's default strategy counts."""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing

from limits.storage import Storage

SCHEME = "sqlite-file://"


class SQLiteFileStorage(Storage):
    STORAGE_SCHEME = ["sqlite-file"]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions, **options)
        self.path = uri.removeprefix(SCHEME)
        with closing(self._connect()) as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS counter "
                "(key TEXT PRIMARY KEY, hits INTEGER NOT NULL, expires REAL NOT NULL)"
            )

    def _connect(self) -> sqlite3.Connection:
        """A connection per call: safe across the fork of a pre-forking server."""
        return sqlite3.connect(self.path, timeout=10, isolation_level=None)

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        with closing(self._connect()) as db:
            db.execute("BEGIN IMMEDIATE")
            db.execute("DELETE FROM counter WHERE expires <= ?", (now,))
            row = db.execute("SELECT hits FROM counter WHERE key = ?", (key,)).fetchone()
            hits = (row[0] if row else 0) + amount
            if row:
                db.execute("UPDATE counter SET hits = ? WHERE key = ?", (hits, key))
            else:
                db.execute("INSERT INTO counter VALUES (?, ?, ?)", (key, hits, now + expiry))
            db.execute("COMMIT")
        return hits

    def _row(self, key: str) -> tuple[int, float] | None:
        with closing(self._connect()) as db:
            return db.execute(
                "SELECT hits, expires FROM counter WHERE key = ? AND expires > ?",
                (key, time.time()),
            ).fetchone()

    def get(self, key: str) -> int:
        row = self._row(key)
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return row[1] if row else time.time()

    def check(self) -> bool:
        with closing(self._connect()) as db:
            db.execute("SELECT 1")
        return True

    def reset(self) -> int | None:
        with closing(self._connect()) as db:
            return db.execute("DELETE FROM counter").rowcount

    def clear(self, key: str) -> None:
        with closing(self._connect()) as db:
            db.execute("DELETE FROM counter WHERE key = ?", (key,))
