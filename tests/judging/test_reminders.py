"""Judges who have not finished are reminded before their deadline, once each, by code only
(issue 24; the units' reminders: tests/contest/test_reminders.py)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from contest.platform.db import db
from contest.platform.models import AuditEvent, Job
from judging.audit import JudgingAction
from judging.services import reminders as judge_reminders
from judging.services import scoring
from judging.states import StageState
from tests.plugins.factories import NOW
from tests.plugins.panels import marks_for, open_for_judging


def test_judges_who_have_not_finished_are_told_once(app, world, panel, mail_on):
    contest, stage = panel["contest"], panel["stage"]
    contest.judging_by = NOW + timedelta(days=20)
    open_for_judging(panel)
    booked = db.session.scalars(select(Job).where(Job.kind == judge_reminders.REMINDER_JOB))
    assert [j.run_after for j in booked] == [contest.judging_by - timedelta(days=3)]
    assert judge_reminders.remind_judges(db.session, contest, NOW) == 0  # too early
    finished = panel["judges"][0]
    for assignment in scoring.judge_assignments(db.session, stage, finished):
        scoring.save_score(db.session, assignment, marks_for(stage, 0.7), "", submit=True, now=NOW)
    db.session.commit()
    sent_before = len(mail_on.messages)
    later = contest.judging_by - timedelta(days=2)
    told = judge_reminders.remind_judges(db.session, contest, later)
    db.session.commit()
    busy = {
        a.judge_id
        for j in panel["judges"]
        for a in scoring.judge_assignments(db.session, stage, j)
        if not a.is_submitted
    }
    assert told == len(busy) and finished.id not in busy
    reminded = mail_on.messages[sent_before:]
    assert {m["To"] for m in reminded} == {j.email for j in panel["judges"] if j.id in busy}
    body = reminded[0].get_content()
    assert "chưa nộp điểm" in body and panel["entries"][0].title not in body
    assert judge_reminders.remind_judges(db.session, contest, later) == 0
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == JudgingAction.JUDGES_REMINDED)
    )


def test_a_deadline_set_after_the_release_is_honoured(app, world, panel, mail_on):
    """Released without a judging deadline: the job looks again each day, and reminds once
    a date is set and near; it stops booking itself once scoring is over."""
    contest, stage = panel["contest"], panel["stage"]
    open_for_judging(panel)  # released at NOW, no judging_by yet

    def jobs():
        query = select(Job.run_after).where(Job.kind == judge_reminders.REMINDER_JOB)
        return db.session.scalars(query).all()

    assert jobs() == [NOW + judge_reminders.RECHECK]
    contest.judging_by = NOW + timedelta(days=3)
    a_day_on = NOW + timedelta(days=1)
    assert judge_reminders.remind_judges(db.session, contest, a_day_on) > 0
    judge_reminders.book_next(db.session, contest, a_day_on)
    assert max(jobs()) == a_day_on + judge_reminders.RECHECK
    stage.state = StageState.CLOSED  # scoring over
    before = len(jobs())
    judge_reminders.book_next(db.session, contest, a_day_on)
    assert len(jobs()) == before
