"""Rounds: ticking entries and profiles within the quota and sending them up.

Services take the session and plain values or model objects, may flush, never commit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from contest import signals
from contest.audit import ContestAction
from contest.errors import QuotaExceeded
from contest.lifecycles import PENDING_ENTRY_STATES, PENDING_PROFILE_STATES, ContestPhase
from contest.models import (
    Contest,
    Entry,
    EntryState,
    ExemplarProfile,
    ProfileState,
    Round,
    Unit,
    User,
)
from contest.platform.audit import record_event
from contest.platform.errors import DomainError, IllegalTransition, InvalidInput
from contest.platform.listing import Page, paginate
from contest.platform.states import advance
from contest.quotas import Forwarding
from contest.services import notifications
from contest.services.queries import WITH_AUTHORS, WITHOUT_BODIES

# Rows of a round page's entry lists (waiting, decided) shown at once.
ROUND_PAGE_SIZE = 50


def round_for_unit(session: Session, contest: Contest, unit: Unit) -> Round:
    """The round an author of `unit` submits to: the unit's own, else its nearest ancestor's."""
    for candidate in [unit, *unit.ancestors()]:
        found = session.scalar(
            select(Round).where(Round.contest_id == contest.id, Round.unit_id == candidate.id)
        )
        if found is not None:
            return found
    raise InvalidInput(_l("Đơn vị này chưa tổ chức cuộc thi."))


def forwarded_count(session: Session, round_: Round, *, profiles: bool = False) -> int:
    """How many items of one kind this round has already sent up."""
    column = Forwarding.profile_id if profiles else Forwarding.entry_id
    return (
        session.scalar(
            select(func.count(Forwarding.id)).where(
                Forwarding.from_round_id == round_.id, column.is_not(None)
            )
        )
        or 0
    )


def _pending_query(round_: Round, model: type[Entry | ExemplarProfile]) -> Select:
    states = PENDING_ENTRY_STATES if model is Entry else PENDING_PROFILE_STATES
    return (
        select(model).where(model.round_id == round_.id, model.state.in_(states)).order_by(model.id)
    )


def _pending(session: Session, round_: Round, model: type[Entry | ExemplarProfile]) -> list:
    return list(session.scalars(_pending_query(round_, model)))


def pending_entries_page(session: Session, round_: Round, number: int) -> Page:
    """One page of the entries waiting for this round's decision, their authors and units
    read with it: a district may hold thousands, the round page shows a page."""
    query = _pending_query(round_, Entry).options(*WITH_AUTHORS, *WITHOUT_BODIES)
    return paginate(session, query, number, ROUND_PAGE_SIZE)


def pending_count(session: Session, round_: Round, *conditions) -> int:
    """How many entries wait for this round's decision (those meeting `conditions` too),
    counted by the database: a district may hold thousands."""
    query = _pending_query(round_, Entry).where(*conditions)
    return session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0


def marked_count(session: Session, round_: Round) -> int:
    """How many of the entries waiting in this round are ticked to go up."""
    return pending_count(session, round_, Entry.is_marked)


def pending_entries(session: Session, round_: Round) -> list[Entry]:
    """Entries waiting for this round's decision."""
    return _pending(session, round_, Entry)


def pending_profiles(session: Session, round_: Round) -> list[ExemplarProfile]:
    """Exemplar profiles waiting for this round's nomination."""
    return _pending(session, round_, ExemplarProfile)


def open_unit_rounds(session: Session, contest: Contest) -> list[Round]:
    """The contest's unit rounds that have not sent their choice up."""
    return list(
        session.scalars(
            select(Round).where(
                Round.contest_id == contest.id,
                Round.parent_id.is_not(None),
                Round.closed_at.is_(None),
            )
        )
    )


def rounds_still_holding_entries(session: Session, contest: Contest) -> list[tuple[Round, int]]:
    """Unit rounds not yet sent up that still hold entries waiting for their decision, with
    how many: once the province opens judging, such entries could never be judged."""
    counts = session.execute(
        select(Round, func.count(Entry.id))
        .join(Entry, Entry.round_id == Round.id)
        .where(
            Round.contest_id == contest.id,
            Round.parent_id.is_not(None),
            Round.closed_at.is_(None),
            Entry.state.in_(PENDING_ENTRY_STATES),
        )
        .group_by(Round.id)
        .options(selectinload(Round.unit))
    ).all()
    return sorted(((round_, n) for round_, n in counts), key=lambda pair: pair[0].unit.name)


def _check_round_open(round_: Round) -> None:
    if round_.contest.phase == ContestPhase.DRAFT:
        raise IllegalTransition(_l("Cuộc thi chưa công bố: chưa có gì để gửi lên."))
    if round_.contest.phase != ContestPhase.SUBMISSION:
        raise IllegalTransition(
            _l(
                "Cấp tỉnh đã mở chấm: không gửi thêm bài lên được nữa, "
                "vì bài gửi lên lúc này sẽ không được chấm."
            )
        )
    if round_.is_province:
        raise IllegalTransition(
            _l("Vòng cấp tỉnh không chuyển tiếp lên đâu nữa; bài được chấm tại đây.")
        )
    if round_.closed_at is not None:
        raise IllegalTransition(_l("Vòng này đã gửi kết quả lên cấp trên."))
    if round_.parent is not None and round_.parent.closed_at is not None:
        raise IllegalTransition(
            _l(
                "%(parent)s đã đóng vòng thi (gửi lên hoặc hết hạn): không nhận thêm bài từ "
                "%(unit)s.",
                parent=round_.parent.unit.name,
                unit=round_.unit.name,
            )
        )


def ticking_refused(round_: Round, *, profiles: bool = False) -> str | None:
    """Why the round may not tick its entries (or, with `profiles`, its profiles) and send
    them up by ticks now, in words; None while it may. The round page offers only what this
    allows (a unit judging itself forwards by results; its profiles are still ticked)."""
    try:
        _check_round_open(round_)
        if not profiles:
            signals.check_ticking(round_)
    except DomainError as error:
        return str(error)
    return None


def _entry_quota_exceeded(round_: Round) -> QuotaExceeded:
    return QuotaExceeded(
        _l(
            "Vượt chỉ tiêu: %(unit)s chỉ được gửi tối đa %(quota)d bài lên cấp trên.",
            unit=round_.unit.name,
            quota=round_.quota,
        )
    )


def _marked_count(session: Session, round_: Round, model: type[Entry | ExemplarProfile]) -> int:
    """Items of one kind ticked in this round and still waiting for its decision."""
    pending = PENDING_ENTRY_STATES if model is Entry else PENDING_PROFILE_STATES
    return (
        session.scalar(
            select(func.count(model.id)).where(
                model.round_id == round_.id, model.is_marked, model.state.in_(pending)
            )
        )
        or 0
    )


def _lock_round(session: Session, round_: Round) -> None:
    """Tickings of one round wait for each other (PostgreSQL; SQLite has one writer anyway):
    two at once would each count the room the other takes."""
    session.execute(select(Round.id).where(Round.id == round_.id).with_for_update())


def mark_entry(session: Session, round_: Round, entry: Entry, marked: bool) -> None:
    """Tick or untick an entry for forwarding; ticking beyond the quota is refused."""
    _lock_round(session, round_)
    _check_round_open(round_)
    signals.check_ticking(round_)
    if entry.round_id != round_.id or not entry.is_pending_in_round:
        raise IllegalTransition(_l("Bài này không nằm trong danh sách chờ của vòng."))
    if marked and not entry.is_marked:
        already = forwarded_count(session, round_) + _marked_count(session, round_, Entry)
        if already + 1 > round_.quota:
            raise _entry_quota_exceeded(round_)
    entry.is_marked = marked
    session.flush()


def mark_entries(session: Session, round_: Round, entry_ids: list[int] | None, marked: bool) -> int:
    """Tick or untick several waiting entries at once (those ticked on a page, by id), all or
    none: an id that is no entry, or ticking more than the quota leaves room for, is refused
    as a whole. Returns how many changed."""
    _lock_round(session, round_)
    _check_round_open(round_)
    signals.check_ticking(round_)
    if entry_ids is None:
        raise InvalidInput(_l("Danh sách bài không hợp lệ."))
    if not entry_ids:
        raise InvalidInput(_l("Chưa đánh dấu bài nào."))
    chosen = list(session.scalars(select(Entry).where(Entry.id.in_(entry_ids))))
    if len(chosen) != len(set(entry_ids)):
        raise InvalidInput(_l("Danh sách bài không hợp lệ."))
    if any(e.round_id != round_.id or not e.is_pending_in_round for e in chosen):
        raise IllegalTransition(_l("Bài này không nằm trong danh sách chờ của vòng."))
    changing = [e for e in chosen if e.is_marked != marked]
    if marked:
        room = (
            round_.quota - forwarded_count(session, round_) - _marked_count(session, round_, Entry)
        )
        if len(changing) > room:
            raise QuotaExceeded(
                _l(
                    "Vượt chỉ tiêu: %(unit)s chỉ được gửi tối đa %(quota)d bài lên cấp trên; "
                    "còn chọn thêm được %(room)d bài, đã đánh dấu %(n)d bài chưa chọn. "
                    "Không bài nào được chọn.",
                    unit=round_.unit.name,
                    quota=round_.quota,
                    room=max(room, 0),
                    n=len(changing),
                )
            )
    for entry in changing:
        entry.is_marked = marked
    session.flush()
    return len(changing)


def mark_profile(session: Session, round_: Round, profile: ExemplarProfile, marked: bool) -> None:
    """Tick or untick an exemplar profile for nomination upward, within the profile quota."""
    _lock_round(session, round_)
    _check_round_open(round_)
    if profile.round_id != round_.id or profile.state not in PENDING_PROFILE_STATES:
        raise IllegalTransition(_l("Hồ sơ này không nằm trong danh sách chờ của vòng."))
    if marked and not profile.is_marked:
        already = forwarded_count(session, round_, profiles=True) + _marked_count(
            session, round_, ExemplarProfile
        )
        if already + 1 > round_.profile_quota:
            raise QuotaExceeded(
                _l(
                    "Vượt chỉ tiêu: %(unit)s chỉ được gửi tối đa %(quota)d hồ sơ gương điển "
                    "hình lên cấp trên.",
                    unit=round_.unit.name,
                    quota=round_.profile_quota,
                )
            )
    profile.is_marked = marked
    session.flush()


@dataclass
class ForwardResult:
    forwarded: list[Entry]
    not_selected: list[Entry]
    profiles: list[ExemplarProfile]


def _send_up(
    session: Session, round_: Round, item: Entry | ExemplarProfile, actor: User | None
) -> None:
    """One entry or profile moves to the parent round, with the record the quota counts."""
    parent = round_.parent
    key = "entry_id" if isinstance(item, Entry) else "profile_id"
    session.add(
        Forwarding(
            from_round_id=round_.id,
            to_round_id=parent.id,
            **{key: item.id},
            by_id=actor.id if actor else None,
        )
    )
    target = EntryState.FORWARDED if isinstance(item, Entry) else ProfileState.FORWARDED
    before = advance(item, target)
    record_event(
        session,
        actor,
        item,
        ContestAction.ITEM_FORWARDED,
        change=(before, target),
        unit=round_.unit.name,
        parent=parent.unit.name,
    )
    item.round, item.is_marked = parent, False
    if isinstance(item, Entry):
        notifications.entry_forwarded(session, item, round_.unit.name, parent.unit.name)


def forward_round(
    session: Session,
    round_: Round,
    actor: User | None,
    now: datetime,
    entry_ids: Iterable[int] | None = None,
    forward_all: bool = False,
    by_results: bool = False,
    overdue: bool = False,
) -> ForwardResult:
    """Send the chosen entries and profiles up to the parent round and close this round.

    The chosen entries are the ticked ones, or `entry_ids`, or all pending with `forward_all`.
    Pending entries not chosen become 'not selected'. Quota is checked before anything moves.
    A round forwarding by ticks asks `signals.ticking` first; `by_results` is the way of a
    round that judged its own entries (judging's forward by results). The level's minimum is
    asked of an organiser, never of a round its deadline closes (`overdue`).
    """
    _check_round_open(round_)
    if not by_results:
        signals.check_ticking(round_)
    pending = pending_entries(session, round_)
    if forward_all:
        chosen = pending
    elif entry_ids is not None:
        wanted = set(entry_ids)
        chosen = [e for e in pending if e.id in wanted]
        unknown = wanted - {e.id for e in chosen}
        if unknown:
            raise InvalidInput(
                _l(
                    "Các bài sau không nằm trong danh sách chờ của vòng: %(ids)s",
                    ids=", ".join(str(i) for i in sorted(unknown)),
                )
            )
    else:
        chosen = [e for e in pending if e.is_marked]
    if forwarded_count(session, round_) + len(chosen) > round_.quota:
        raise QuotaExceeded(
            _l(
                "Vượt chỉ tiêu: %(unit)s chỉ được gửi tối đa %(quota)d bài lên cấp trên. "
                "Đã chọn %(n)d bài.",
                unit=round_.unit.name,
                quota=round_.quota,
                n=len(chosen),
            )
        )
    minimum = min(round_.quota_min, len(pending))
    if not (overdue or by_results) and len(chosen) < minimum:
        raise QuotaExceeded(
            _l(
                "%(unit)s cần gửi lên ít nhất %(minimum)d bài (đang chọn %(n)d).",
                unit=round_.unit.name,
                minimum=minimum,
                n=len(chosen),
            )
        )
    profiles = [p for p in pending_profiles(session, round_) if p.is_marked]
    for entry in chosen:
        _send_up(session, round_, entry, actor)
    rest = [e for e in pending if e not in chosen]
    for entry in rest:
        before = advance(entry, EntryState.NOT_SELECTED)
        record_event(
            session,
            actor,
            entry,
            ContestAction.NOT_SELECTED,
            change=(before, EntryState.NOT_SELECTED),
            unit=round_.unit.name,
        )
        entry.is_marked = False
        notifications.entry_not_selected(session, entry, round_.unit.name)
    for profile in profiles:
        _send_up(session, round_, profile, actor)
    round_.closed_at = now
    record_event(
        session,
        actor,
        round_,
        ContestAction.ROUND_FORWARDED,
        entries=len(chosen),
        profiles=len(profiles),
        parent=round_.parent.unit.name,
    )
    session.flush()
    return ForwardResult(chosen, rest, profiles)
