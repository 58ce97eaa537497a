"""Judging's kind of background job: the reminder to judges before their deadline
(`services.reminders`)."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from contest.models import Contest
from contest.platform import jobs
from contest.platform.db import utcnow
from contest.platform.uow import unit_of_work
from judging.services import reminders


def _remind(payload: dict) -> None:
    with unit_of_work() as uow:
        contest = uow.session.get(Contest, payload["contest_id"])
        if contest is not None:
            now = utcnow()
            reminders.remind_judges(uow.session, contest, now)
            reminders.book_next(uow.session, contest, now)


def init_app(app: Flask) -> None:
    jobs.register(
        app,
        reminders.REMINDER_JOB,
        jobs.JobKind(run=_remind, label=_l("Nhắc giám khảo chấm xong trước hạn")),
    )
