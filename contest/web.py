"""Helpers every package's views share: load a contest by slug, run one service and commit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash
from sqlalchemy import select

from contest.db import db
from contest.errors import DomainError
from contest.models import Contest

FAILED = object()


def contest_or_404(slug: str) -> Contest:
    contest = db.session.scalar(select(Contest).where(Contest.slug == slug))
    if contest is None:
        abort(404)
    return contest


def run_and_commit(
    action: Callable[[], Any],
    success: str | None = None,
    errors: tuple[type[Exception], ...] = (DomainError,),
) -> Any:
    """Call one service and commit once; if a rule refuses, roll back and show its message.

    Returns what the service returned, or FAILED."""
    try:
        value = action()
    except errors as error:
        db.session.rollback()
        flash(str(error), "error")
        return FAILED
    db.session.commit()
    if success:
        flash(success, "success")
    return value


def succeeded(action: Callable[[], Any], success: str | None = None) -> bool:
    """run_and_commit, for views that only need to know whether it went through."""
    return run_and_commit(action, success) is not FAILED
