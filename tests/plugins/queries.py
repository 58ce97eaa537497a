"""Counting SQL statements, for the claims that a page does not load row by row (no N+1)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine, event

# Transaction control is not a query: SQLite's explicit BEGIN (contest.platform.db) comes with
# the first statement after a commit, wherever that falls.
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA")


@contextmanager
def counted_statements(engine: Engine) -> Iterator[list[str]]:
    """The statements `engine` runs inside the block, in order, transaction control left out."""
    statements: list[str] = []

    def count(_conn, _cursor, statement, _parameters, _context, _executemany) -> None:
        if not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


@pytest.fixture(scope="session")
def count_queries() -> Callable[[Engine], contextmanager]:
    """`with count_queries(db.engine) as statements:` what ran inside, as a list."""
    return counted_statements
