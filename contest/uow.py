"""One transaction boundary for views, CLI commands and background jobs.

    with unit_of_work() as uow:
        forwarding.forward_round(uow.session, round_, actor, now)

Services flush and never commit. The block commits once when it ends cleanly and rolls back
when anything escapes it; files written inside it through `contest.storage` are removed on
rollback (see the session hooks there)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.orm import Session

from contest.db import db, write_intent


@dataclass
class UnitOfWork:
    session: Session


@contextmanager
def unit_of_work(session: Session | None = None) -> Iterator[UnitOfWork]:
    """Commit if the block ends cleanly, otherwise roll back and let the error go on."""
    uow = UnitOfWork(session if session is not None else db.session)
    with write_intent():
        try:
            yield uow
        except BaseException:
            uow.session.rollback()
            raise
        uow.session.commit()


def end_reads(session: Session) -> None:
    """End a transaction that has only read (before slow work such as a conversion, so no
    lock is held meanwhile); the objects it loaded reload when next used."""
    assert not (session.new or session.dirty or session.deleted), "unsaved changes"
    session.rollback()


def discard(session: Session) -> None:
    """Throw away whatever failed work left in the session, so the next unit starts clean."""
    session.rollback()
