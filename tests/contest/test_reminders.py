"""Deadline reminders (issue 24): the units that have not sent their choice up are told a few
days before, by mail, once each, and it is in the log (judges: tests/judging)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from contest import tasks
from contest.audit import ContestAction
from contest.platform.db import db
from contest.platform.models import AuditEvent, Job
from contest.quotas import ContestLevel
from contest.services import deadlines, reminders
from tests.plugins.factories import NOW


def _levels(contest, district_in, commune_in):
    contest.levels = [
        ContestLevel(
            unit_kind="district",
            quota_min=0,
            quota_max=2,
            profile_quota=1,
            forward_by=NOW + district_in,
        ),
        ContestLevel(
            unit_kind="commune",
            quota_min=0,
            quota_max=1,
            profile_quota=1,
            forward_by=NOW + commune_in,
        ),
    ]
    db.session.flush()


def test_units_near_their_deadline_are_told_once(app, world, mail_on):
    contest = world["contest"]
    _levels(contest, district_in=timedelta(days=10), commune_in=timedelta(days=2))
    assert reminders.remind_units(db.session, contest, NOW) == 1  # the commune's organiser
    db.session.commit()
    [message] = mail_on.messages
    assert message["To"] == world["users"]["organiser_c1"].email
    assert message["Subject"].startswith("Xã Chiềng Sơn: hạn gửi bài lên là ")
    assert "Đang chờ xét: 0 bài; đã gửi 0 / 1" in message.get_content()
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == ContestAction.DEADLINE_REMINDED)
    )
    assert event.object_id == world["rounds"]["MCH-CSO"].id
    # Again, as a second job or the command would: nobody is told twice.
    assert reminders.remind_units(db.session, contest, NOW + timedelta(hours=1)) == 0
    db.session.commit()
    assert len(mail_on.messages) == 1
    # The deadline moved: a reminder of the new date goes once more.
    contest.level_for("commune").forward_by = NOW + timedelta(days=1)
    assert reminders.remind_units(db.session, contest, NOW) == 1
    # A district is told when its own date comes near; a closed round never.
    world["rounds"]["YCH"].closed_at = NOW
    assert reminders.remind_units(db.session, contest, NOW + timedelta(days=8)) == 1
    db.session.commit()
    assert mail_on.to(world["users"]["organiser_d1"].email)
    assert not mail_on.to(world["users"]["organiser_d2"].email)


def test_a_deadline_books_its_reminder_three_days_before(app, world):
    contest = world["contest"]
    deadline = NOW + timedelta(days=10)
    deadlines.book(db.session, contest, deadline)
    [job] = db.session.scalars(select(Job).where(Job.kind == reminders.REMINDER_JOB)).all()
    assert job.run_after == deadline - timedelta(days=3)


def test_the_command_sends_what_is_due(app, world, mail_on, runner):
    _levels(world["contest"], district_in=timedelta(days=1), commune_in=timedelta(days=1))
    db.session.commit()
    result = runner.invoke(args=["contest", "remind", "son-la-2019"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "Đã gửi 3 thư nhắc hạn."  # two districts and the commune
    again = runner.invoke(args=["contest", "remind", "son-la-2019"])
    assert again.stdout.strip() == "Đã gửi 0 thư nhắc hạn."


def test_the_units_job_reminds_the_juries_too(app, world, mail_on):
    """The job a deadline books runs both packages' reminders in its own unit of work."""
    _levels(world["contest"], district_in=timedelta(days=1), commune_in=timedelta(days=1))
    db.session.commit()
    tasks._remind({"contest_id": world["contest"].id})
    db.session.rollback()
    assert len(mail_on.messages) == 3
    assert db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == ContestAction.DEADLINE_REMINDED)
    ).all()
