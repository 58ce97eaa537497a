"""One transaction boundary for views, CLI commands and background jobs.

    with unit_of_work() as uow:
        forwarding.forward_round(uow.session, round_, actor, now)

Services flush and never commit. The block commits once when it ends cleanly and rolls back
when anything escapes it. What must happen only once the work is kept (wake the job runner) or
only if it is not (remove the files it wrote) is hung on the transaction with `after_commit`
and `on_rollback`, the one place such hooks live; they hold for any commit of the session, so
a test's or a migration's own commit keeps the same promise."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction, scoped_session

from contest.platform.db import db, write_intent


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


_AFTER_COMMIT = "uow.after_commit"
_ON_ROLLBACK = "uow.on_rollback"


def _plain(session: Session | scoped_session) -> Session:
    return session() if isinstance(session, scoped_session) else session


def after_commit(session: Session | scoped_session, callback: Callable[[], None], key=None) -> None:
    """Run `callback` once the current transaction commits (never if it rolls back). With a
    `key`, once per transaction however often it is asked for."""
    hooks = _plain(session).info.setdefault(_AFTER_COMMIT, {})
    hooks.setdefault(key if key is not None else object(), callback)


def on_rollback(session: Session | scoped_session, callback: Callable[[], None]) -> None:
    """Run `callback` if the current transaction ends without committing (a rollback, or a
    close), never once it commits."""
    session = _plain(session)
    if not session.in_transaction():  # a rollback before any SQL must still run it
        session.begin()
    session.info.setdefault(_ON_ROLLBACK, []).append(callback)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    """The outermost transaction committed (a released savepoint is not that)."""
    if session.in_nested_transaction():
        return
    session.info.pop(_ON_ROLLBACK, None)
    for callback in session.info.pop(_AFTER_COMMIT, {}).values():
        callback()


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    """The outermost transaction ended without a commit: its rollback hooks run, its commit
    hooks are forgotten."""
    if transaction.parent is None:
        session.info.pop(_AFTER_COMMIT, None)
        for callback in session.info.pop(_ON_ROLLBACK, []):
            callback()
