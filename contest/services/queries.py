"""Reads that pages and the CLI need: status, history, where an entry has been.

Services take the session and plain values or model objects, may flush, never commit."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer, joinedload, selectinload

from contest.audit import ENTRY_EVENTS_FOR_EVERYONE
from contest.lifecycles import ContestPhase
from contest.models import (
    Contest,
    Entry,
    EntryState,
    ExemplarProfile,
    Role,
    Round,
    Unit,
    User,
)
from contest.platform.listing import Page, paginate
from contest.platform.models import AuditEvent, Job
from contest.platform.text import vietnamese_key
from contest.quotas import Forwarding

# An entry as a list row: its essay (three copies of the text) is left in the database.
WITHOUT_BODIES = (defer(Entry.body_markdown), defer(Entry.body_text), defer(Entry.body_html))

# Decided by the round it sits in: it goes no further.
DECIDED_ENTRY_STATES = (EntryState.NOT_SELECTED, EntryState.DISQUALIFIED, EntryState.WITHDRAWN)


def contest_status(session: Session, contest: Contest) -> dict:
    """Entries per state and per unit, and rounds still to forward."""
    by_state = dict(
        session.execute(
            select(Entry.state, func.count(Entry.id))
            .where(Entry.contest_id == contest.id)
            .group_by(Entry.state)
        ).all()
    )
    # Counted from the entries' index alone, then named: joining 20,000 rows to their units
    # would read every row.
    rows = session.execute(
        select(Entry.author_unit_id, Entry.state, func.count(Entry.id))
        .where(Entry.contest_id == contest.id)
        .group_by(Entry.author_unit_id, Entry.state)
    ).all()
    units = {
        u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_({r[0] for r in rows})))
    }
    by_unit: dict[str, dict] = {}
    for unit_id, state, count in sorted(rows, key=lambda r: (units[r[0]].code, r[1])):
        unit = units[unit_id]
        by_unit.setdefault(unit.code, {"name": unit.name, "states": {}})["states"][state] = count
    waiting = session.execute(
        select(Unit.code, Unit.name)
        .join(Round, Round.unit_id == Unit.id)
        .where(
            Round.contest_id == contest.id, Round.parent_id.is_not(None), Round.closed_at.is_(None)
        )
        .order_by(Unit.code)
    ).all()
    province_round = contest.province_round(session)
    nominations = (
        session.scalar(
            select(func.count(ExemplarProfile.id)).where(
                ExemplarProfile.round_id == province_round.id
            )
        )
        or 0
    )
    return {
        "contest": contest.slug,
        "phase": contest.phase,
        "entries_total": sum(by_state.values()),
        "entries_by_state": by_state,
        "entries_by_unit": by_unit,
        "at_province": session.scalar(
            select(func.count(Entry.id)).where(
                Entry.round_id == province_round.id, Entry.state == EntryState.FORWARDED
            )
        )
        or 0,
        "rounds_not_forwarded": [{"unit": c, "name": n} for c, n in waiting],
        "profiles_at_province": nominations,
    }


def entry_history(session: Session, entry: Entry, *, everything: bool) -> list[AuditEvent]:
    """What happened to one entry, oldest first, with the people who did it: `everything` for
    the province, otherwise only ENTRY_EVENTS_FOR_EVERYONE (no judging event)."""
    query = select(AuditEvent).where(
        AuditEvent.object_type == Entry.__name__, AuditEvent.object_id == entry.id
    )
    if not everything:
        query = query.where(AuditEvent.action.in_([str(a) for a in ENTRY_EVENTS_FOR_EVERYONE]))
    return list(
        session.scalars(query.options(selectinload(AuditEvent.actor)).order_by(AuditEvent.id))
    )


def contests_newest_first(session: Session, with_drafts: bool = False) -> list[Contest]:
    """Drafts only for those who may see them (`models.sees_drafts`)."""
    query = select(Contest).order_by(Contest.opens_at.desc())
    if not with_drafts:
        query = query.where(Contest.phase != ContestPhase.DRAFT)
    return list(session.scalars(query))


def leading_contest(contests: list[Contest]) -> Contest | None:
    """The contest the header's links and a unit organiser's round lead to: the newest one
    published (next year's draft does not take over a running contest), else the newest."""
    return next((c for c in contests if not c.is_draft), contests[0] if contests else None)


def find_round(session: Session, contest: Contest, unit_id: int | None) -> Round | None:
    """The round a unit runs in a contest, if it runs one."""
    return session.scalar(
        select(Round).where(Round.contest_id == contest.id, Round.unit_id == unit_id)
    )


def find_unit(session: Session, code: str) -> Unit | None:
    """The unit whose code is `code` (codes are case-blind: stored in capitals)."""
    return session.scalar(select(Unit).where(Unit.code == code.strip().upper()))


def find_unit_round(session: Session, contest: Contest, code: str) -> Round | None:
    """The round of the unit whose code is `code` (codes are case-blind: stored in capitals)."""
    return session.scalar(
        select(Round)
        .join(Unit, Round.unit_id == Unit.id)
        .where(Round.contest_id == contest.id, Unit.code == code.strip().upper())
    )


def entries_of_author(session: Session, contest: Contest, author: User) -> list[Entry]:
    return list(
        session.scalars(
            select(Entry)
            .where(Entry.contest_id == contest.id, Entry.author_id == author.id)
            .order_by(Entry.id)
        )
    )


def profiles_of_contest(session: Session, contest: Contest) -> list[ExemplarProfile]:
    """Every exemplar profile of the contest, by name (their units come in the same load)."""
    profiles = session.scalars(
        select(ExemplarProfile).where(ExemplarProfile.contest_id == contest.id)
    )
    return sorted(profiles, key=lambda p: vietnamese_key(p.name))


# A list's authors and their units read in the list's own query: one statement however many
# rows, and none more for a list that is empty in a small contest and full in a large one.
WITH_AUTHORS = (joinedload(Entry.author), joinedload(Entry.author_unit))


def forwarded_from(session: Session, round_: Round) -> list[Entry]:
    """Entries this round has sent up."""
    return list(
        session.scalars(
            select(Entry)
            .join(Forwarding, Forwarding.entry_id == Entry.id)
            .where(Forwarding.from_round_id == round_.id)
            .options(*WITH_AUTHORS, *WITHOUT_BODIES)
            .order_by(Entry.id)
        )
    )


def decided_page(session: Session, round_: Round, number: int, size: int) -> Page:
    """One page of the entries that stopped in this round: not selected, disqualified or
    withdrawn (after a district sends up its ten, the rest of its thousands)."""
    query = (
        select(Entry)
        .where(Entry.round_id == round_.id, Entry.state.in_(DECIDED_ENTRY_STATES))
        .options(*WITH_AUTHORS, *WITHOUT_BODIES)
        .order_by(Entry.id)
    )
    return paginate(session, query, number, size)


def child_rounds(session: Session, round_: Round) -> list[Round]:
    """The rounds that send up to this one, with their units, in one load."""
    return list(
        session.scalars(
            select(Round)
            .where(Round.parent_id == round_.id)
            .options(selectinload(Round.unit))
            .order_by(Round.id)
        )
    )


def rounds_of_contest(session: Session, contest: Contest) -> list[Round]:
    """The contest's rounds, the province's first, then by unit name; units and parents
    loaded together (no query per row)."""
    rounds = session.scalars(
        select(Round)
        .where(Round.contest_id == contest.id)
        .options(selectinload(Round.unit), selectinload(Round.parent).selectinload(Round.unit))
    ).all()
    return sorted(rounds, key=lambda r: (r.parent_id is not None, vietnamese_key(r.unit.name)))


def units_by_name(session: Session) -> list[Unit]:
    """Units in Vietnamese order ("Hội …" before "Huyện …", "Đông" after "Dương")."""
    units = session.scalars(select(Unit).where(Unit.is_active))
    return sorted(units, key=lambda u: vietnamese_key(u.name))


def units_province_first(session: Session) -> list[Unit]:
    return sorted(
        session.scalars(select(Unit).where(Unit.is_active)),
        key=lambda u: (not u.is_province, vietnamese_key(u.name)),
    )


def units_within(session: Session, top: Unit) -> list[Unit]:
    """`top` and every unit below it, read in one query and walked in memory."""
    children: dict[int | None, list[Unit]] = {}
    for unit in units_by_name(session):
        children.setdefault(unit.parent_id, []).append(unit)
    found, stack = [], [top]
    while stack:
        unit = stack.pop()
        found.append(unit)
        stack.extend(reversed(children.get(unit.id, [])))
    return found


def staff_accounts(session: Session) -> list[User]:
    """Everyone but entrants, with their units."""
    staff = session.scalars(
        select(User).where(User.role != Role.ENTRANT).options(selectinload(User.unit))
    )
    return sorted(staff, key=lambda u: (u.role, vietnamese_key(u.full_name)))


def entry_passed_through(session: Session, entry: Entry, unit: Unit) -> bool:
    """True if the entry is, or was, in a round of `unit` or of a unit below it."""
    if entry.round.unit.is_within(unit):
        return True
    from_units = session.scalars(
        select(Unit)
        .join(Round, Round.unit_id == Unit.id)
        .join(Forwarding, Forwarding.from_round_id == Round.id)
        .where(Forwarding.entry_id == entry.id)
    )
    return any(u.is_within(unit) for u in from_units)


def recent_jobs(session: Session, limit: int) -> list[Job]:
    return list(session.scalars(select(Job).order_by(Job.id.desc()).limit(limit)))


def organiser_contacts(session: Session) -> list[User]:
    """The province's organisers, whom the public may write to or call."""
    return list(
        session.scalars(
            select(User)
            .where(User.role == Role.PROVINCE_ORGANISER, User.is_active_account)
            .order_by(User.id)
        )
    )


def tree_order(session: Session) -> list[tuple[int, Unit]]:
    """Every unit with its depth, parents first and children by code, from one query (the
    tree is walked in memory, never a query per unit)."""
    everyone = list(session.scalars(select(Unit).order_by(Unit.code)))
    children: dict[int | None, list[Unit]] = {}
    for unit in everyone:
        children.setdefault(unit.parent_id, []).append(unit)
    ordered: list[tuple[int, Unit]] = []
    stack = [(0, root) for root in reversed(children.get(None, []))]
    while stack:
        depth, unit = stack.pop()
        ordered.append((depth, unit))
        stack.extend((depth + 1, child) for child in reversed(children.get(unit.id, [])))
    return ordered


def contests_taking_units(session: Session) -> list[Contest]:
    """Contests a unit added now still joins: drafts, and those taking entries."""
    return list(
        session.scalars(
            select(Contest).where(Contest.phase.in_((ContestPhase.DRAFT, ContestPhase.SUBMISSION)))
        )
    )


def neighbour_entries(session: Session, entry: Entry) -> tuple[int | None, int | None]:
    """The entries before and after `entry` in its round (drafts aside), by number: an
    organiser reading a round's essays steps from one to the next."""
    in_round = (Entry.round_id == entry.round_id, Entry.state != EntryState.DRAFT)
    before = session.scalar(select(func.max(Entry.id)).where(*in_round, Entry.id < entry.id))
    after = session.scalar(select(func.min(Entry.id)).where(*in_round, Entry.id > entry.id))
    return before, after
