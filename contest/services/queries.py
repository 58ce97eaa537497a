"""Reads that pages and the CLI need: status, history, where an entry has been.

Services take the session and plain values or model objects, may flush, never commit."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from contest.models import (
    AuditEvent,
    Contest,
    Entry,
    EntryState,
    ExemplarProfile,
    Forwarding,
    Round,
    Unit,
)


def contest_status(session: Session, contest: Contest) -> dict:
    """Entries per state and per unit, and rounds still to forward."""
    by_state = dict(
        session.execute(
            select(Entry.state, func.count(Entry.id))
            .where(Entry.contest_id == contest.id)
            .group_by(Entry.state)
        ).all()
    )
    rows = session.execute(
        select(Unit.code, Unit.name, Entry.state, func.count(Entry.id))
        .join(Entry, Entry.author_unit_id == Unit.id)
        .where(Entry.contest_id == contest.id)
        .group_by(Unit.code, Unit.name, Entry.state)
        .order_by(Unit.code)
    ).all()
    by_unit: dict[str, dict] = {}
    for code, name, state, count in rows:
        by_unit.setdefault(code, {"name": name, "states": {}})["states"][state] = count
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


def entry_history(session: Session, entry: Entry) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == "Entry", AuditEvent.object_id == entry.id)
            .order_by(AuditEvent.id)
        )
    )


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
