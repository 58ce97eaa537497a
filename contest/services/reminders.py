"""Deadline reminders to the units that have not sent their choice up: booked as a job a few
days before each level's deadline (`book`), sent once per organiser and deadline however many
jobs or commands run (`contest.platform.mail.queue_mail_once`), and recorded in the audit log.
Judges who have not finished are reminded by the judging package the same way, through the
`reminders` signal the command `flask reminders send` also calls."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from contest.audit import ContestAction
from contest.lifecycles import ContestPhase, Role
from contest.models import Contest, Round, User
from contest.platform import jobs
from contest.platform.audit import record_event
from contest.platform.i18n import format_date
from contest.platform.mail import public_url, queue_mail_once
from contest.services.forwarding import forwarded_count, open_unit_rounds, pending_entries
from contest.services.notifications import SIGNATURE

REMINDER_JOB = "deadline_reminder"
# How long before a deadline its reminder goes.
LEAD = timedelta(days=3)


def book(session: Session, contest: Contest, deadline: datetime, lead: timedelta = LEAD) -> None:
    """The job that reminds the units still holding their choice `lead` before `deadline`
    (at once when that moment has passed). A job whose deadline moved since finds the rounds
    of the deadline that stands, and nobody is told twice."""
    jobs.enqueue(
        session,
        REMINDER_JOB,
        {"contest_id": contest.id},
        contest_id=contest.id,
        run_after=deadline - lead,
    )


def rounds_to_remind(
    session: Session, contest: Contest, now: datetime, lead: timedelta = LEAD
) -> list[Round]:
    """Unit rounds still open whose deadline comes within `lead` of `now`."""
    rounds = open_unit_rounds(session, contest)
    return [r for r in rounds if r.forward_by is not None and now < r.forward_by <= now + lead]


def remind_units(session: Session, contest: Contest, now: datetime, lead: timedelta = LEAD) -> int:
    """Tell the organisers of each round due within `lead` what is still to send, once per
    organiser and deadline; each round told is in the audit log. How many were told."""
    if contest.phase != ContestPhase.SUBMISSION:
        return 0
    told = 0
    for round_ in rounds_to_remind(session, contest, now, lead):
        organisers = session.scalars(
            select(User).where(
                User.is_active_account,
                User.role == Role.UNIT_ORGANISER,
                User.unit_id == round_.unit_id,
            )
        ).all()
        waiting, sent = len(pending_entries(session, round_)), forwarded_count(session, round_)
        here = 0
        for person in organisers:
            key = f"round-deadline:{round_.id}:{round_.forward_by:%Y%m%d%H%M}:{person.id}"
            here += queue_mail_once(
                session,
                key,
                person,
                _writer(round_, person, waiting, sent),
                contest_id=contest.id,
            )
        if here:
            record_event(
                session,
                None,
                round_,
                ContestAction.DEADLINE_REMINDED,
                contest_id=contest.id,
                people=here,
            )
        told += here
    return told


def _writer(round_: Round, person: User, waiting: int, sent: int):
    def write() -> tuple[str, str]:
        facts = {
            "name": person.full_name,
            "unit": round_.unit.name,
            "contest": round_.contest.title,
            "date": format_date(round_.forward_by),
            "waiting": waiting,
            "sent": sent,
            "quota": round_.quota,
            "url": public_url("contest.show_round", round_id=round_.id),
        }
        subject = _("%(unit)s: hạn gửi bài lên là %(date)s", **facts)
        body = _(
            "Chào %(name)s,\n\n%(unit)s chưa gửi bài lên trong %(contest)s; hạn là %(date)s. "
            "Đang chờ xét: %(waiting)s bài; đã gửi %(sent)s / %(quota)s. Khi hết hạn, vòng thi "
            "tự đóng và chỉ các bài đã đánh dấu được gửi lên.\n\nXem vòng thi: %(url)s",
            **facts,
        )
        return subject, body + SIGNATURE

    return write
