"""Judges who have not finished are reminded before the judging's deadline — the contest's
`judging_by` at the province, the unit round's own deadline for a unit's jury: a job booked
when the entries are released (`book`) that books its next run while scoring lasts
(`book_next`), so a deadline set or moved later is honoured; each judge is told once per
stage and deadline however many jobs or commands run, each reminder in the audit log. By
count only, never a title."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from contest.models import Contest, User
from contest.platform import jobs
from contest.platform.audit import record_event
from contest.platform.i18n import format_date
from contest.platform.mail import public_url, queue_mail_once
from contest.services.notifications import SIGNATURE
from contest.services.reminders import LEAD
from judging.audit import JudgingAction
from judging.models import Assignment, Score, Stage
from judging.states import StageState

REMINDER_JOB = "judge_reminder"
# How often a stage without a deadline, or past its reminder, is looked at again.
RECHECK = timedelta(days=1)


def deadline_of(stage: Stage) -> datetime | None:
    """When the stage's judges should be done: a unit jury by its round's deadline."""
    return stage.contest.judging_by if stage.round_id is None else stage.round.forward_by


def book(session: Session, stage: Stage, now: datetime) -> None:
    """The reminder job for a stage released at `now`: `LEAD` before its deadline, or in a
    day when it has none yet (the job books its own next run, `book_next`)."""
    _enqueue(session, stage.contest_id, _due(stage, now))


def _due(stage: Stage, now: datetime) -> datetime:
    """When the stage's judges are next to be reminded: `LEAD` before its deadline; a day on
    when that has come or there is no deadline yet (a date set or moved later is seen then)."""
    deadline = deadline_of(stage)
    if deadline is not None and deadline - LEAD > now:
        return deadline - LEAD
    return now + RECHECK


def _enqueue(session: Session, contest_id: int, moment: datetime) -> None:
    jobs.enqueue(
        session, REMINDER_JOB, {"contest_id": contest_id}, contest_id=contest_id, run_after=moment
    )


def book_next(session: Session, contest: Contest, now: datetime) -> None:
    """After a run: the next one, while a released stage is still being scored, at the
    earliest moment one of them is due; none once scoring is over."""
    due = [_due(stage, now) for stage in _scoring(session, contest)]
    if due:
        _enqueue(session, contest.id, min(due))


def _scoring(session: Session, contest: Contest) -> list[Stage]:
    return list(
        session.scalars(
            select(Stage).where(
                Stage.contest_id == contest.id,
                Stage.state == StageState.OPEN,
                Stage.released_at.is_not(None),
            )
        )
    )


def remind_judges(session: Session, contest: Contest, now: datetime) -> int:
    """Every judge of an open, released stage within `LEAD` of its deadline (or past it) who
    still holds entries without a submitted score: told once per stage and deadline. How many
    were told."""
    told = 0
    for stage in _scoring(session, contest):
        deadline = deadline_of(stage)
        if deadline is None or now < deadline - LEAD:
            continue
        left = Counter(
            session.scalars(
                select(Assignment.judge_id)
                .outerjoin(Score, Score.assignment_id == Assignment.id)
                .where(
                    Assignment.stage_id == stage.id,
                    Assignment.is_active,
                    Score.submitted_at.is_(None),
                )
            )
        )
        here = 0
        for judge_id, count in sorted(left.items()):
            judge = session.get(User, judge_id)
            if not judge.is_active_account:
                continue
            key = f"judge-deadline:{stage.id}:{deadline:%Y%m%d%H%M}:{judge_id}"
            here += queue_mail_once(
                session, key, judge, _writer(stage, judge, count, deadline), contest_id=contest.id
            )
        if here:
            record_event(
                session,
                None,
                stage,
                JudgingAction.JUDGES_REMINDED,
                contest_id=contest.id,
                people=here,
                date=format_date(deadline),
            )
        told += here
    return told


def _writer(stage: Stage, judge: User, count: int, deadline: datetime):
    def write() -> tuple[str, str]:
        facts = {
            "name": judge.full_name,
            "n": count,
            "stage": stage.name,
            "contest": stage.contest.title,
            "date": format_date(deadline),
            "url": public_url("judging.queue", slug=stage.contest.slug),
        }
        return (
            _("Còn %(n)s bài chưa nộp điểm; hạn chấm là %(date)s", **facts),
            _(
                "Chào %(name)s,\n\nBạn còn %(n)s bài chưa nộp điểm ở %(stage)s (%(contest)s); "
                "hạn chấm là %(date)s. Trang chấm của bạn:\n\n%(url)s",
                **facts,
            )
            + SIGNATURE,
        )

    return write
