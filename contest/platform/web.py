"""Helpers every package's views share: ids in routes and forms, one user action inside the
unit of work, downloads."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import Response, flash, send_file
from sqlalchemy.orm import Session
from werkzeug.routing import IntegerConverter

from contest.platform.db import db
from contest.platform.errors import DomainError
from contest.platform.uow import end_reads, unit_of_work

# The largest id a database row can have (a signed 64-bit integer, in SQLite and PostgreSQL).
MAX_ID = 2**63 - 1


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: a number beyond any row's id is a 404, not a database error."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002  (werkzeug's name)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


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


@contextmanager
def read_action(errors: tuple[type[Exception], ...] = (DomainError,)) -> Iterator[Action]:
    """A GET that only reads (a download made from what is stored): no writer's lock is
    taken, nothing is committed, and the transaction ends with the block. A refused rule
    flashes its message and leaves `action.ok` False."""
    action = Action(db.session)
    try:
        yield action
        action.ok = True
    except errors as error:
        flash(str(error), "error")
    finally:
        end_reads(action.session)


def flash_form_errors(form: Any) -> None:
    """A form posted from a page that redirects back: its refusals as flashed messages, each
    naming its field ("Tiêu đề: Trường này là bắt buộc.")."""
    for field in form:
        for message in field.errors:
            flash(f"{field.label.text}: {message}", "error")


def attachment(data: bytes, mimetype: str, name: str) -> Response:
    """`data` as a file to save under `name`: a unit's code or a contest's name may hold
    Vietnamese letters, spaces or quotes, which Flask encodes for the header (RFC 6266)."""
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)
