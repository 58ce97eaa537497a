"""The core's kinds of background job: a level's deadline passing (`services.deadlines`) and
the reminder a few days before it (`services.reminders`)."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from contest import signals
from contest.models import Contest
from contest.platform import jobs
from contest.platform.db import utcnow
from contest.platform.uow import unit_of_work
from contest.services import deadlines, reminders


def _close_overdue(payload: dict) -> None:
    with unit_of_work() as uow:
        contest = uow.session.get(Contest, payload["contest_id"])
        if contest is not None:
            deadlines.close_overdue(uow.session, contest, utcnow())


def _remind(payload: dict) -> None:
    with unit_of_work() as uow:
        contest = uow.session.get(Contest, payload["contest_id"])
        if contest is not None:
            now = utcnow()
            reminders.remind_units(uow.session, contest, now)
            signals.send_reminders(uow.session, contest, now)  # the juries' too, once each


def init_app(app: Flask) -> None:
    jobs.register(
        app,
        deadlines.DEADLINE_JOB,
        jobs.JobKind(run=_close_overdue, label=_l("Đóng các vòng thi quá hạn gửi lên")),
    )
    jobs.register(
        app,
        reminders.REMINDER_JOB,
        jobs.JobKind(run=_remind, label=_l("Nhắc các đơn vị sắp hết hạn gửi bài lên")),
    )
