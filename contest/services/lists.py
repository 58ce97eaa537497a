"""The province's long lists: every entry of the contest searched, filtered, sorted and read
one page at a time; the units with their counts and rounds; the audit log filtered.

Each page costs a fixed number of queries, whatever the number of entries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased, selectinload

from contest.models import Contest, Entry, Round, Unit, User
from contest.platform.i18n import day_end_utc, day_start_utc
from contest.platform.listing import Page, matches, paginate
from contest.platform.models import AuditEvent
from contest.services.queries import WITH_AUTHORS, WITHOUT_BODIES, units_by_name, units_within

ENTRY_SORTS = ("id", "title", "author", "unit", "words", "state", "submitted")
ENTRY_PAGE_SIZE = 50
AUDIT_PAGE_SIZE = 50


@dataclass
class EntryFilter:
    """What the organiser asked the entry list for; empty values mean "all"."""

    text: str = ""
    state: str = ""
    unit_id: int | None = None
    category: str = ""
    sort: str = "id"
    descending: bool = False


def text_order(session: Session, column):
    """Order text accent-blind ("Đ" beside "D", not after "Z"; gs_fold on both databases)."""
    return func.gs_fold(column)


def entries_page(session: Session, contest: Contest, wanted: EntryFilter, page: int) -> Page:
    """One page of the contest's entries with their authors and units: the ids counted,
    filtered, sorted and paged first, then that page's rows, then authors and units in one
    load each. Sorting ids rather than whole rows matters on SQLite: an entry's later
    columns sit behind its essay, so carrying 20,000 whole rows through a sort reads every
    essay."""
    author, unit = aliased(User), aliased(Unit)
    query = select(Entry.id).where(Entry.contest_id == contest.id)
    if wanted.text or wanted.sort in ("author", "unit"):
        # Authors and units joined only to search or sort by them.
        query = query.join(author, author.id == Entry.author_id).join(
            unit, unit.id == Entry.author_unit_id
        )
    if wanted.text:
        query = query.where(matches(session, wanted.text, Entry.title, author.full_name, unit.name))
    if wanted.state:
        query = query.where(Entry.state == wanted.state)
    if wanted.unit_id is not None:
        top = session.get(Unit, wanted.unit_id)
        ids = [u.id for u in units_within(session, top)] if top is not None else []
        query = query.where(Entry.author_unit_id.in_(ids))
    if wanted.category:
        query = query.where(Entry.subject_category == wanted.category)
    column = {
        "id": Entry.id,
        "title": text_order(session, Entry.title),
        "author": text_order(session, author.full_name),
        "unit": text_order(session, unit.name),
        "words": Entry.word_count,
        "state": Entry.state,
        "submitted": Entry.submitted_at,
    }[wanted.sort if wanted.sort in ENTRY_SORTS else "id"]
    order = column.desc().nulls_last() if wanted.descending else column.asc().nulls_first()
    found = paginate(session, query.order_by(order, Entry.id), page, ENTRY_PAGE_SIZE)
    rows = session.scalars(
        select(Entry).where(Entry.id.in_(found.items)).options(*WITH_AUTHORS, *WITHOUT_BODIES)
    ).all()
    by_id = {entry.id: entry for entry in rows}
    found.items = [by_id[entry_id] for entry_id in found.items]
    return found


@dataclass
class UnitRow:
    unit: Unit
    round_: Round | None
    states: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.states.values())


def units_overview(session: Session, contest: Contest) -> list[UnitRow]:
    """Every unit, in Vietnamese order, with its entries per state (by the authors' unit)
    and its round of the contest, if it runs one: units without any entry included."""
    rounds = {
        r.unit_id: r for r in session.scalars(select(Round).where(Round.contest_id == contest.id))
    }
    rows = {u.id: UnitRow(u, rounds.get(u.id)) for u in units_by_name(session)}
    counts = session.execute(
        select(Entry.author_unit_id, Entry.state, func.count(Entry.id))
        .where(Entry.contest_id == contest.id)
        .group_by(Entry.author_unit_id, Entry.state)
    )
    for unit_id, state, count in counts:
        if unit_id in rows:
            rows[unit_id].states[state] = count
    return list(rows.values())


@dataclass
class AuditFilter:
    who: str = ""
    action: str = ""
    since: date | None = None
    until: date | None = None


def audit_page(session: Session, contest: Contest, wanted: AuditFilter, page: int) -> Page:
    """One page of the contest's audit log, newest first, filtered by the person who acted
    (name or e-mail), the kind of change and the days (the province's calendar)."""
    query = select(AuditEvent).where(AuditEvent.contest_id == contest.id)
    if wanted.who:
        actor = aliased(User)
        query = query.join(actor, actor.id == AuditEvent.actor_id).where(
            matches(session, wanted.who, actor.full_name, actor.email)
        )
    if wanted.action:
        query = query.where(AuditEvent.action == wanted.action)
    if wanted.since is not None:
        query = query.where(AuditEvent.created_at >= day_start_utc(wanted.since))
    if wanted.until is not None:
        query = query.where(AuditEvent.created_at <= day_end_utc(wanted.until))
    query = query.options(selectinload(AuditEvent.actor)).order_by(AuditEvent.id.desc())
    return paginate(session, query, page, AUDIT_PAGE_SIZE)
