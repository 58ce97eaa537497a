"""Each level's deadline, enforced: entrants of a unit cannot send after its round (or one
above it) must forward, and a round still open at its deadline closes itself.

Where an essay may go in now is decided once (`check_intake`), for the services that take
essays and for every page that offers to: each refusal says truly why (the contest's dates,
the province taking no essay straight from an entrant, the unit or one above it having sent
its choice up or passed its deadline, or its own judging having begun, told by the package
that runs it through `signals.intake`).

Publishing books one job per deadline date (`schedule`); the job (`close_overdue`) sends up
what the round had ticked, within its quota, marks the rest not selected, and tells the
unit's organisers and the province. A round that judges its own entries is not closed for
it (its jury's results decide, not ticks): its organisers and the province are told instead.
Should the job be late (workers down), nothing can be sent into the round anyway: the dates
are checked at every submission (`Round.entries_close_at`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from contest import signals
from contest.audit import ContestAction
from contest.errors import DeadlinePassed
from contest.lifecycles import ContestPhase, Role
from contest.models import Contest, Round, Unit, User
from contest.platform import jobs
from contest.platform.audit import record_event
from contest.platform.errors import DomainError, InvalidInput
from contest.platform.i18n import format_date
from contest.platform.mail import public_url, queue_mail
from contest.platform.text import vietnamese_key
from contest.services import reminders
from contest.services.forwarding import (
    forward_round,
    forwarded_count,
    open_unit_rounds,
    pending_entries,
    round_for_unit,
)
from contest.services.notifications import SIGNATURE

DEADLINE_JOB = "round_deadline"
# A round that received entries from its overdue children in the same run closes this much
# later, so that its organiser can still choose among them.
GRACE = timedelta(days=1)


def check_intake(
    session: Session, contest: Contest, unit: Unit | None, now: datetime, *, by_organiser=False
) -> Round:
    """The round an essay of `unit` goes into, when one may go in now; else a refusal that
    says why. An organiser typing in a paper essay is not held to the dates, but cannot put
    it where nothing will judge it either."""
    _check_contest_dates(contest, now, by_organiser)
    if unit is None:
        raise InvalidInput(_l("Tài khoản chưa chọn đơn vị, không thể gửi bài."))
    round_ = round_for_unit(session, contest, unit)
    check_round_intake(round_, now, by_organiser=by_organiser)
    return round_


def check_round_intake(round_: Round, now: datetime, *, by_organiser=False) -> None:
    """`round_` takes an essay now (a draft in it is submitted, a submitted one changed), or a
    refusal that says why."""
    _check_contest_dates(round_.contest, now, by_organiser)
    refusal = round_refusal(round_, now, signals.intake_closures(round_.contest), by_organiser)
    if refusal is not None:
        raise refusal


def _check_contest_dates(contest: Contest, now: datetime, by_organiser: bool) -> None:
    if contest.phase == ContestPhase.DRAFT:
        raise DeadlinePassed(_l("Cuộc thi chưa công bố, chưa nhận bài."))
    if contest.phase != ContestPhase.SUBMISSION:
        raise DeadlinePassed(_l("Cuộc thi đã kết thúc nhận bài: cấp tỉnh đã mở chấm."))
    if not by_organiser and now < contest.opens_at:
        raise DeadlinePassed(
            _l("Cuộc thi bắt đầu nhận bài từ ngày %(day)s.", day=format_date(contest.opens_at))
        )
    if not by_organiser and now > contest.closes_at:
        raise DeadlinePassed(
            _l(
                "Cuộc thi đã hết hạn nhận bài (hết ngày %(day)s).",
                day=format_date(contest.closes_at),
            )
        )


def round_refusal(
    round_: Round, now: datetime, closures: dict[int, str], by_organiser: bool = False
) -> DomainError | None:
    """Why `round_` takes no essay now (the contest's own dates aside), or None. `closures`
    are the other packages' reasons (`signals.intake_closures`)."""
    if round_.is_province:
        # Province judging judges what the units send up: an essay filed straight at the
        # province would wait there, never judged.
        return InvalidInput(
            _l(
                "%(province)s không nhận bài trực tiếp: bài dự thi được gửi về vòng thi của đơn "
                "vị nơi tác giả công tác hoặc cư trú, đơn vị chọn rồi gửi lên. Hãy chọn đơn vị "
                "của bạn («Đổi đơn vị»).",
                province=round_.unit.name,
            )
        )
    node: Round | None = round_
    while node is not None and not node.is_province:
        if node.closed_at is not None:
            return DeadlinePassed(_closed(round_, node))
        if node.id in closures:
            return DeadlinePassed(closures[node.id])
        if not by_organiser and node.forward_by is not None and now > node.forward_by:
            return DeadlinePassed(
                _l(
                    "%(unit)s đã hết hạn nhận bài (hết ngày %(day)s).",
                    unit=node.unit.name,
                    day=format_date(node.forward_by),
                )
            )
        node = node.parent
    return None


def _closed(round_: Round, node: Round) -> str:
    """A round closed at or above the entrant's: by its deadline, or by its organiser."""
    facts = {"unit": node.unit.name, "day": format_date(node.closed_at)}
    if node.forward_by is not None and node.closed_at >= node.forward_by:
        return _l(
            "%(unit)s đã hết hạn nhận bài (hết ngày %(deadline)s) và đã gửi bài lên cấp trên.",
            unit=node.unit.name,
            deadline=format_date(node.forward_by),
        )
    if node is round_:
        return _l(
            "%(unit)s đã gửi bài lên cấp trên ngày %(day)s nên không nhận thêm bài; cuộc thi "
            "vẫn nhận bài ở các đơn vị chưa gửi lên, đến hết ngày %(closes)s.",
            closes=format_date(round_.contest.closes_at),
            **facts,
        )
    return _l(
        "%(unit)s đã gửi bài lên cấp trên ngày %(day)s: bài nộp vào %(own)s không còn được "
        "xét tiếp, nên %(own)s không nhận thêm bài.",
        own=round_.unit.name,
        **facts,
    )


def intake_refusal(
    session: Session, contest: Contest, unit: Unit | None, now: datetime
) -> str | None:
    """What an entrant of `unit` is told instead of an offer to send an essay, or None."""
    try:
        check_intake(session, contest, unit, now)
    except DomainError as refusal:
        return str(refusal)
    return None


def round_intake_refusal(round_: Round, now: datetime, *, by_organiser=False) -> str | None:
    """What an entry's page says instead of offering to submit into `round_`, or None."""
    try:
        check_round_intake(round_, now, by_organiser=by_organiser)
    except DomainError as refusal:
        return str(refusal)
    return None


def units_taking_entries(session: Session, now: datetime) -> list[Unit]:
    """Units an entrant may choose: those whose round of a contest takes essays now (never
    the province itself, see `round_refusal`)."""
    contests = session.scalars(
        select(Contest).where(Contest.phase == ContestPhase.SUBMISSION)
    ).all()
    units: set[Unit] = set()
    for contest in contests:
        if not contest.accepts_entries(now):
            continue
        closures = signals.intake_closures(contest)
        rounds = session.scalars(
            select(Round)
            .where(Round.contest_id == contest.id, Round.parent_id.is_not(None))
            .options(selectinload(Round.unit), selectinload(Round.parent))
        )
        units.update(
            r.unit for r in rounds if r.unit.is_active and not round_refusal(r, now, closures)
        )
    return sorted(units, key=lambda u: vietnamese_key(u.name))


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
    reminders.book(session, contest, moment)


def overdue_rounds(session: Session, contest: Contest, now: datetime) -> list[Round]:
    """Open unit rounds whose level's deadline has passed, deepest first (a commune's round
    sends up before its district's closes)."""
    rounds = open_unit_rounds(session, contest)
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
