"""The database: one declarative base with a naming convention, SQLite pragmas, migrations."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

from flask import Flask, current_app, has_request_context, request
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import CheckConstraint, Column, DateTime, MetaData, String, Table, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, mapped_column
from sqlalchemy.types import TypeDecorator

from contest.platform.text import fold

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()


def utcnow() -> datetime:
    """Timestamps are stored in UTC and shown in the province's time zone."""
    return datetime.now(UTC).replace(tzinfo=None)


intpk = Annotated[int, mapped_column(primary_key=True)]
created_at = Annotated[datetime, mapped_column(DateTime, default=utcnow, nullable=False)]


# Set while a request, command or job is about to write. On SQLite its transaction then starts
# with BEGIN IMMEDIATE: writers queue for the lock (up to the busy timeout) before they read,
# instead of reading under a snapshot that another writer's commit makes impossible to upgrade
# ("database is locked" at once, whatever the timeout).
_writing: ContextVar[bool] = ContextVar("writing", default=False)

SQLITE_BUSY_TIMEOUT_MS = 30_000
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@contextmanager
def write_intent() -> Iterator[None]:
    """Transactions begun inside this block are writers (see `_writing`)."""
    token = _writing.set(True)
    try:
        yield
    finally:
        _writing.reset(token)


def records_reads(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a GET view that writes (an audit line for a download or a page of secrets), so its
    transaction is a writer from the start like any POST's."""
    view.records_reads = True  # type: ignore[attr-defined]
    return view


def reads_first(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a POST view that does slow work on what it reads (a password hash) before it
    writes: its reads are not a writer's transaction, so the lock is not held meanwhile; it
    writes in a unit of work of its own afterwards (see `contest.platform.uow.end_reads`)."""
    view.reads_first = True  # type: ignore[attr-defined]
    return view


def _is_writer() -> bool:
    """A unit of work, a command or job marked writing, a POST, or a GET that records reads."""
    if _writing.get():
        return True
    if not has_request_context():
        return False
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "reads_first", False):
        return False
    return request.method not in SAFE_METHODS or getattr(view, "records_reads", False)


@functools.lru_cache(maxsize=65_536)
def _fold_or_null(value: object) -> object:
    """SQLite's gs_fold. Remembered per process: sorting or searching 20,000 titles, authors
    and units folds each one again on every page otherwise (a few MB for 65,536 strings)."""
    return fold(value) if isinstance(value, str) else value


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:  # noqa: ARG001
    """Embedded default: WAL for concurrent readers, foreign keys actually enforced, and a
    writer waits for the lock rather than failing."""
    module = type(dbapi_connection).__module__
    if module.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()
        # Accent-blind search (`contest.platform.listing.matches`): "nguoi" finds "Người".
        dbapi_connection.create_function("gs_fold", 1, _fold_or_null, deterministic=True)
        # Let SQLAlchemy emit BEGIN itself, so savepoints work (SQLAlchemy's pysqlite notes).
        dbapi_connection.isolation_level = None


# PostgreSQL's counterpart of BEGIN IMMEDIATE: a writer's transaction first takes one
# transaction-scoped advisory lock, so writers queue as on SQLite and every rule that reads
# before it writes (quotas, one build at a time, the audit chain's last hash) reads what the
# previous writer committed (READ COMMITTED: each statement sees the latest commit). Readers
# never wait. The key is arbitrary, fixed for the app ("GS" in ASCII).
WRITER_LOCK_KEY = 0x4753


@event.listens_for(Engine, "begin")
def _writer_begin(connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _is_writer() else "BEGIN")
    elif connection.dialect.name == "postgresql" and _is_writer():
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITER_LOCK_KEY})")


def init_app(app: Flask) -> None:
    """Bind the session and the migration commands (`flask db upgrade`) to the app."""
    import os

    db.init_app(app)
    project = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
    migrations = os.path.join(project, "migrations")
    migrate.init_app(app, db, directory=migrations, render_as_batch=True)


class EnumColumn(TypeDecorator):
    """A closed vocabulary (a state, a role, a unit's or a subject's kind): stored as the enum's
    string, read back as the member, and its table gets `CHECK (column IN (…))` named after
    the column, so a model declares the list once, in its enum."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[StrEnum], length: int = 20) -> None:
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: Any, dialect: Any) -> StrEnum | None:
        return None if value is None else self.enum(value)

    def check_text(self, column: str) -> str:
        return f"{column} IN ({', '.join(repr(member.value) for member in self.enum)})"


@event.listens_for(Column, "after_parent_attach")
def _enum_check(column: Column, table: Any) -> None:
    """An EnumColumn joining its table brings its CHECK constraint along."""
    if isinstance(column.type, EnumColumn) and isinstance(table, Table):
        table.append_constraint(
            CheckConstraint(column.type.check_text(column.name), name=column.name)
        )
