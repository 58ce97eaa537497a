"""Throttling counters in a SQLite file, for the web processes of one machine when there is no
Redis (`make serve` runs several): counted in each process's memory, a guesser had as many
tries as there were processes. Registered with the `limits` package under the scheme
`sqlite-file://PATH`; a fixed window per key, as Flask-Limiter's default strategy counts."""

from __future__ import annotations

import os
import sqlite3
import threading
import time

from limits.storage import Storage

SCHEME = "sqlite-file://"
# Connections a forked process inherited: kept referenced, so that it never closes them.
_INHERITED: list[sqlite3.Connection] = []


class SQLiteFileStorage(Storage):
    STORAGE_SCHEME = ["sqlite-file"]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions, **options)
        self.path = uri.removeprefix(SCHEME)
        self._local = threading.local()
        self._connect()

    def _connect(self) -> sqlite3.Connection:
        """This thread's connection, kept between hits, in write-ahead-log mode without a wait
        for the disk at each commit (a counter lost with the machine's power is a few tries
        more): 30 µs a hit instead of 1.6 ms for a connection per hit. A connection must not
        cross a fork (a pre-forking server's workers): a child opens its own and leaves the
        ones it inherited alone, unused and unclosed. A file deleted or replaced meanwhile is
        opened anew, so that every process counts in the same one."""
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            if getattr(local, "db", None) is not None:
                _INHERITED.append(local.db)
            local.db, local.pid = None, os.getpid()
        try:
            file = os.stat(self.path).st_ino
        except FileNotFoundError:
            file = None
        if local.db is None or local.file != file:
            if local.db is not None:
                local.db.close()
            local.db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            local.db.execute("PRAGMA journal_mode=WAL")
            local.db.execute("PRAGMA synchronous=NORMAL")
            local.db.execute(
                "CREATE TABLE IF NOT EXISTS counter "
                "(key TEXT PRIMARY KEY, hits INTEGER NOT NULL, expires REAL NOT NULL)"
            )
            local.file = os.stat(self.path).st_ino
        return local.db

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        db = self._connect()
        with db:  # committed, or rolled back on any error: the connection is kept
            db.execute("BEGIN IMMEDIATE")
            db.execute("DELETE FROM counter WHERE expires <= ?", (now,))
            row = db.execute("SELECT hits FROM counter WHERE key = ?", (key,)).fetchone()
            hits = (row[0] if row else 0) + amount
            if row:
                db.execute("UPDATE counter SET hits = ? WHERE key = ?", (hits, key))
            else:
                db.execute("INSERT INTO counter VALUES (?, ?, ?)", (key, hits, now + expiry))
        return hits

    def _row(self, key: str) -> tuple[int, float] | None:
        return (
            self._connect()
            .execute(
                "SELECT hits, expires FROM counter WHERE key = ? AND expires > ?",
                (key, time.time()),
            )
            .fetchone()
        )

    def get(self, key: str) -> int:
        row = self._row(key)
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return row[1] if row else time.time()

    def check(self) -> bool:
        self._connect().execute("SELECT 1")
        return True

    def reset(self) -> int | None:
        return self._connect().execute("DELETE FROM counter").rowcount

    def clear(self, key: str) -> None:
        self._connect().execute("DELETE FROM counter WHERE key = ?", (key,))
