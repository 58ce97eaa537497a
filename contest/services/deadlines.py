"""Each level's deadline, enforced: entrants of a unit cannot send after its round (or one
above it) must forward, and a round still open at its deadline closes itself.

Publishing books one job per deadline date (`schedule`); the job (`close_overdue`) sends up
what the round had ticked, within its quota, marks the rest not selected, and tells the
unit's organisers and the province. A round that judges its own entries is not closed for
it (its jury's results decide, not ticks): its organisers and the province are told instead.
Should the job be late (workers down), nothing can be sent into the round anyway: the dates
are checked at every submission (`Round.entries_close_at`)."""

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
from contest.platform.errors import DomainError
from contest.platform.mail import public_url, queue_mail
from contest.services.forwarding import forward_round, forwarded_count, pending_entries
from contest.services.notifications import SIGNATURE

DEADLINE_JOB = "round_deadline"
# A round that received entries from its overdue children in the same run closes this much
# later, so that its organiser can still choose among them.
GRACE = timedelta(days=1)


def schedule(session: Session, contest: Contest) -> int:
    """One job per distinct deadline date of the contest's levels; how many were booked."""
    dates = sorted({level.forward_by for level in contest.levels if level.forward_by})
    for moment in dates:
        book(session, contest, moment)
    return len(dates)


def book(session: Session, contest: Contest, moment: datetime) -> None:
    """The job that closes what is overdue at `moment` (a job for a date already booked finds
    nothing left to close: harmless)."""
    jobs.enqueue(
        session, DEADLINE_JOB, {"contest_id": contest.id}, contest_id=contest.id, run_after=moment
    )


def overdue_rounds(session: Session, contest: Contest, now: datetime) -> list[Round]:
    """Open unit rounds whose level's deadline has passed, deepest first (a commune's round
    sends up before its district's closes)."""
    rounds = session.scalars(
        select(Round).where(
            Round.contest_id == contest.id,
            Round.parent_id.is_not(None),
            Round.closed_at.is_(None),
        )
    ).all()
    late = [r for r in rounds if r.forward_by is not None and r.forward_by <= now]
    return sorted(late, key=lambda r: -len(r.unit.ancestors()))


def close_overdue(session: Session, contest: Contest, now: datetime) -> list[Round]:
    """Close every overdue round of a contest still taking entries; the rounds closed.

    A round that received entries in this very run (a late job, its children overdue too)
    is left for a job a day later: its organiser gets those days to choose among them."""
    if contest.phase != ContestPhase.SUBMISSION:
        return []
    closed: list[Round] = []
    waiting = False
    for round_ in overdue_rounds(session, contest, now):
        if any(child.parent_id == round_.id for child in closed):
            waiting = True
            continue
        chosen = _ticked_within_quota(session, round_)
        try:
            with session.begin_nested():
                forward_round(session, round_, None, now, entry_ids=chosen, overdue=True)
        except DomainError as refusal:  # a round judging its own entries: tell, do not close
            _tell(session, round_, str(refusal), closed=False)
            continue
        record_event(
            session, None, round_, ContestAction.ROUND_CLOSED_BY_DEADLINE, contest_id=contest.id
        )
        _tell(session, round_, _("%(n)s bài đã đánh dấu được gửi lên.", n=len(chosen)), closed=True)
        closed.append(round_)
    if waiting:
        book(session, contest, now + GRACE)
    return closed


def _ticked_within_quota(session: Session, round_: Round) -> list[int]:
    """The ticked entries, the first ones only when a quota lowered since leaves no room for
    all of them."""
    room = max(round_.quota - forwarded_count(session, round_), 0)
    return [entry.id for entry in pending_entries(session, round_) if entry.is_marked][:room]


def _tell(session: Session, round_: Round, detail: str, *, closed: bool) -> None:
    """The unit's organisers and the province's, by mail."""
    people = session.scalars(
        select(User).where(
            User.is_active_account,
            (User.role == Role.PROVINCE_ORGANISER)
            | ((User.role == Role.UNIT_ORGANISER) & (User.unit_id == round_.unit_id)),
        )
    ).all()
    for person in people:

        def write(person=person) -> tuple[str, str]:
            unit = round_.unit.name
            facts = {
                "name": person.full_name,
                "unit": unit,
                "contest": round_.contest.title,
                "detail": detail,
                "url": public_url("contest.show_round", round_id=round_.id),
            }
            if closed:
                subject = _("%(unit)s: vòng thi đã tự đóng khi hết hạn", unit=unit)
                body = _(
                    "Chào %(name)s,\n\nĐã hết hạn gửi bài lên của %(unit)s trong %(contest)s: "
                    "vòng thi tự đóng. %(detail)s Các bài chưa được chọn không còn chờ xét."
                    "\n\nXem vòng thi: %(url)s",
                    **facts,
                )
            else:
                subject = _("%(unit)s: đã quá hạn gửi bài lên", unit=unit)
                body = _(
                    "Chào %(name)s,\n\nĐã hết hạn gửi bài lên của %(unit)s trong %(contest)s "
                    "nhưng vòng thi chưa đóng: %(detail)s\n\nXem vòng thi: %(url)s",
                    **facts,
                )
            return subject, body + SIGNATURE

        queue_mail(session, person, write, contest_id=round_.contest_id)
