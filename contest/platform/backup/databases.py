"""The database half of a backup: SQLite through its online backup API, PostgreSQL through
pg_dump and pg_restore. Each function takes the SQLAlchemy URL of the database it works on."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager

from flask_babel import lazy_gettext as _l
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from contest.platform.errors import BackupError

KINDS = ("sqlite", "postgresql")
# How long a copy waits for a database another process holds locked, then gives up.
SQLITE_LOCK_TIMEOUT_SECONDS = 30


def database_kind(database_url: str) -> str:
    """`sqlite` or `postgresql`, from the SQLAlchemy URL (whatever the driver)."""
    backend = make_url(database_url).get_backend_name()
    if backend not in KINDS:
        raise BackupError(_l("Chưa hỗ trợ sao lưu cơ sở dữ liệu loại «%(kind)s».", kind=backend))
    return backend


def sqlite_path(database_url: str) -> str:
    path = make_url(database_url).database
    if not path or path == ":memory:":
        raise BackupError(_l("Cơ sở dữ liệu SQLite không nằm trong một tệp."))
    return os.path.abspath(path)


def dump(database_url: str, target_path: str) -> str | None:
    """Write a consistent copy of the database to `target_path` while the app keeps running;
    return the Alembic revision the copy is at (None before the first migration)."""
    if database_kind(database_url) == "sqlite":
        with _sqlite_errors():
            _snapshot_sqlite(sqlite_path(database_url), target_path)
            return _sqlite_revision(target_path)
    revision = _live_revision(database_url)
    _pg_command("pg_dump", database_url, ["--format=custom", f"--file={target_path}"])
    return revision


def load(database_url: str, dump_path: str) -> None:
    """Replace the database's content with a dump made by `dump`. The app's own connections
    must be closed first (engine disposed)."""
    if database_kind(database_url) == "sqlite":
        with _sqlite_errors():
            _copy_into_sqlite(dump_path, sqlite_path(database_url))
    else:
        arguments = ["--clean", "--if-exists", "--no-owner", "--single-transaction", dump_path]
        _pg_command("pg_restore", database_url, arguments)


def count_rows(database_url: str, tables: tuple[str, ...]) -> int:
    """Rows in those of `tables` that exist; a database not created or not migrated has 0."""
    if database_kind(database_url) == "sqlite" and not os.path.exists(sqlite_path(database_url)):
        return 0  # and connecting would create the file
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            present = set(inspect(connection).get_table_names())
            return sum(
                connection.scalar(text(f'SELECT count(*) FROM "{table}"')) or 0
                for table in tables
                if table in present
            )
    finally:
        engine.dispose()


@contextmanager
def _sqlite_errors() -> Iterator[None]:
    """SQLite's own refusals (locked past the busy timeout, not a database) as a message."""
    try:
        yield
    except sqlite3.Error as error:
        raise BackupError(_l("SQLite báo lỗi: %(error)s", error=str(error))) from error


def _snapshot_sqlite(source_path: str, target_path: str) -> None:
    """A consistent copy through SQLite's online backup API, while others read and write;
    the copy is one self-contained file (rollback journal, no -wal beside it)."""
    if not os.path.isfile(source_path):
        raise BackupError(_l("Không có tệp cơ sở dữ liệu «%(path)s».", path=source_path))
    with (
        closing(sqlite3.connect(source_path, timeout=SQLITE_LOCK_TIMEOUT_SECONDS)) as source,
        closing(sqlite3.connect(target_path)) as target,
    ):
        _backup(source, target)
        target.execute("PRAGMA journal_mode=DELETE")


def _copy_into_sqlite(source_path: str, target_path: str) -> None:
    """Replace the live database's content through the backup API, so SQLite itself deals
    with the -wal and -shm files beside it (copying the file over them would corrupt it)."""
    os.makedirs(os.path.dirname(target_path), exist_ok=True)
    with (
        closing(sqlite3.connect(source_path)) as source,
        closing(sqlite3.connect(target_path, timeout=SQLITE_LOCK_TIMEOUT_SECONDS)) as target,
    ):
        _backup(source, target)


def _backup(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    """`source.backup(target)`, giving up once a lock has outlasted the busy timeout: Python's
    own loop would retry a database held locked (a web server still running) for ever."""

    def give_up_when_locked(status: int, remaining: int, pages: int) -> None:  # noqa: ARG001
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            raise sqlite3.OperationalError("database is locked")

    source.backup(target, progress=give_up_when_locked)


def _sqlite_revision(path: str) -> str | None:
    with closing(sqlite3.connect(path)) as connection:
        if not connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).fetchone():
            return None
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


def _live_revision(database_url: str) -> str | None:
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return None
            return connection.scalar(text("SELECT version_num FROM alembic_version"))
    finally:
        engine.dispose()


def _pg_command(program: str, database_url: str, arguments: list[str]) -> None:
    """Run pg_dump or pg_restore on the URL's database, without a shell; the password goes
    through PGPASSWORD, never on the command line. Untested here: no PostgreSQL server yet."""
    url = make_url(database_url)
    connection = [
        *(["--host", url.host] if url.host else []),
        *(["--port", str(url.port)] if url.port else []),
        *(["--username", url.username] if url.username else []),
        f"--dbname={url.database}",
    ]
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = url.password
    try:
        done = subprocess.run(
            [program, *connection, *arguments], env=environment, capture_output=True, text=True
        )
    except FileNotFoundError as error:
        raise BackupError(
            _l("Không tìm thấy chương trình %(program)s.", program=program)
        ) from error
    if done.returncode != 0:
        raise BackupError(
            _l("%(program)s báo lỗi: %(detail)s", program=program, detail=done.stderr.strip())
        )
