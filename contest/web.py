"""Helpers every package's views share: load a contest by slug, run one user action inside the
unit of work, point an essay's pictures at an access-checked route."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import abort, flash
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from contest.db import db
from contest.errors import DomainError
from contest.models import Contest
from contest.uow import unit_of_work


def contest_or_404(slug: str) -> Contest:
    contest = db.session.scalar(select(Contest).where(Contest.slug == slug))
    if contest is None:
        abort(404)
    return contest


@dataclass
class Action:
    """What a view's `with user_action(…) as action:` block sees and leaves behind."""

    session: Session
    ok: bool = False
    value: Any = None


@contextmanager
def user_action(
    success: str | None = None, errors: tuple[type[Exception], ...] = (DomainError,)
) -> Iterator[Action]:
    """One user action in one unit of work. If a rule refuses (`errors`), everything is rolled
    back, its message is flashed and `action.ok` stays False; otherwise it commits once and
    flashes `success`.

        with user_action(_("Đã gửi.")) as action:
            action.value = forwarding.forward_round(action.session, round_, current_user, now)
        if action.ok: …
    """
    action = Action(db.session)
    try:
        with unit_of_work(action.session):
            yield action
    except errors as error:
        flash(str(error), "error")
        return
    action.ok = True
    if success:
        flash(success, "success")


def rewrite_media(html: str, url_for_name: Callable[[str], str]) -> Markup:
    """Point the essay's pictures at a route that checks access, never at a file path."""
    rewritten = re.sub(r'src="media/([^"]+)"', lambda m: f'src="{url_for_name(m.group(1))}"', html)
    return Markup(rewritten)  # noqa: S704 - pandoc's HTML writer escaped the essay text
