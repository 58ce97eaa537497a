"""Counting SQL statements, for the claims that a page does not load row by row (no N+1)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine, event


@contextmanager
def counted_statements(engine: Engine) -> Iterator[list[str]]:
    """The statements `engine` runs inside the block, in order."""
    statements: list[str] = []

    def count(_conn, _cursor, statement, _parameters, _context, _executemany) -> None:
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
