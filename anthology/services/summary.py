"""The figures of the summary report (Báo cáo tổng kết cuộc thi), gathered once as plain
data for the DOCX, the XLSX and their charts.

Its totals come from the same functions as `flask contest status --json` and `flask judging
status --json` (`contest_status`, `judging_status`), kept inside it whole, so that the report
and the commands can never disagree; the breakdowns the commands do not give (by category,
subject kind, unit and level, prizes) are counted here and add up to those totals."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from anthology.services.contents import items
from contest.categories import SUBJECT_KINDS
from contest.lifecycles import EntryState, ProfileState
from contest.models import Contest, Entry, ExemplarProfile, Round, Unit
from contest.quotas import Forwarding
from contest.services.queries import contest_status
from judging.models import Award
from judging.services.reports import awards, judging_status, prize_order

# Entries that reached a round's decision: written and sent, whatever became of them later.
SENT = (
    EntryState.SUBMITTED,
    EntryState.FORWARDED,
    EntryState.NOT_SELECTED,
    EntryState.DISQUALIFIED,
)


@dataclass(frozen=True)
class RoundRow:
    """One unit's round: what it sent up against its level's quotas."""

    unit: str
    kind: str
    entries_sent: int
    quota_min: int
    quota_max: int
    profiles_sent: int
    profile_quota: int
    has_forwarded: bool

    @property
    def within_quota(self) -> bool:
        return self.quota_min <= self.entries_sent <= self.quota_max


@dataclass(frozen=True)
class PrizeRow:
    name: str
    winners: int
    amount: int  # đồng, each

    @property
    def total(self) -> int:
        return self.winners * self.amount


@dataclass
class Summary:
    contest: Contest
    status: dict  # contest_status(), as `flask contest status --json`
    judging: dict  # judging_status(), as `flask judging status --json`
    rounds: list[RoundRow] = field(default_factory=list)
    by_category: list[tuple[str, str, int, int]] = field(default_factory=list)  # code, name, …
    by_kind: list[tuple[str, int]] = field(default_factory=list)
    by_unit: list[tuple[str, int, int]] = field(default_factory=list)  # unit, entrants, entries
    prizes: list[PrizeRow] = field(default_factory=list)
    prizes_by_category: list[tuple[str, str, int]] = field(default_factory=list)
    unit_prizes: list[tuple[str, int]] = field(default_factory=list)
    profiles_in_book: int = 0

    @property
    def entries_sent(self) -> int:
        return sum(self.status["entries_by_state"].get(str(s), 0) for s in SENT)

    @property
    def prize_total(self) -> int:
        return sum(p.total for p in self.prizes)

    @property
    def categories_without_exemplar(self) -> list[tuple[str, str]]:
        return uncovered(self.by_category)


def summary(session: Session, contest: Contest) -> Summary:
    """Every figure of the report for `contest` (its judging finalised or not)."""
    found = Summary(contest, contest_status(session, contest), judging_status(session, contest))
    found.rounds = _rounds(session, contest)
    found.by_category = coverage(session, contest)
    kinds = Counter(
        session.scalars(
            select(Entry.subject_kind).where(Entry.contest_id == contest.id, Entry.state.in_(SENT))
        )
    )
    found.by_kind = [(str(label), kinds.get(kind, 0)) for kind, label in SUBJECT_KINDS.items()]
    found.by_unit = _by_unit(session, contest)
    ranked = awards(session, contest, prize_winners_only=True) if contest.is_finalised else []
    ladder: dict[str, PrizeRow] = {}
    for award in sorted(ranked, key=prize_order):
        level = award.prize_level
        row = ladder.get(level.name, PrizeRow(level.name, 0, level.amount))
        ladder[level.name] = PrizeRow(level.name, row.winners + 1, level.amount)
    found.prizes = list(ladder.values())
    won = Counter(a.entry.subject_category for a in ranked)
    found.prizes_by_category = [
        (code, name, won[code]) for code, name in contest.category_names.items() if won[code]
    ]
    found.unit_prizes = _unit_prizes(session, contest)
    found.profiles_in_book = (
        sum(1 for i in items(session, contest) if i.profile_id and i.is_included)
        if contest.is_finalised
        else 0
    )
    return found


def coverage(session: Session, contest: Contest) -> list[tuple[str, str, int, int]]:
    """(code, name, essays sent, profiles sent) of every category, in the contest's order."""
    essays = Counter(
        session.scalars(
            select(Entry.subject_category).where(
                Entry.contest_id == contest.id, Entry.state.in_(SENT)
            )
        )
    )
    profiles = Counter(
        session.scalars(
            select(ExemplarProfile.category).where(
                ExemplarProfile.contest_id == contest.id,
                ExemplarProfile.state != ProfileState.DRAFT,  # as essays: sent ones only
            )
        )
    )
    return [
        (code, name, essays.get(code, 0), profiles.get(code, 0))
        for code, name in contest.category_names.items()
    ]


def uncovered(rows: list[tuple[str, str, int, int]]) -> list[tuple[str, str]]:
    """Categories no sent essay and no profile covers: the gap the propaganda must fill."""
    return [(code, name) for code, name, essays, profiles in rows if not essays and not profiles]


def _rounds(session: Session, contest: Contest) -> list[RoundRow]:
    sent = dict(
        session.execute(
            select(Forwarding.from_round_id, func.count(Forwarding.entry_id))
            .join(Round, Round.id == Forwarding.from_round_id)
            .where(Round.contest_id == contest.id)
            .group_by(Forwarding.from_round_id)
        ).all()
    )
    profiles = dict(
        session.execute(
            select(Forwarding.from_round_id, func.count(Forwarding.profile_id))
            .join(Round, Round.id == Forwarding.from_round_id)
            .where(Round.contest_id == contest.id)
            .group_by(Forwarding.from_round_id)
        ).all()
    )
    rounds = session.scalars(
        select(Round)
        .join(Unit, Unit.id == Round.unit_id)
        .where(Round.contest_id == contest.id, Round.parent_id.is_not(None))
        .order_by(Unit.kind, Unit.code)
    )
    return [
        RoundRow(
            unit=r.unit.name,
            kind=r.unit.kind,
            entries_sent=sent.get(r.id, 0),
            quota_min=r.quota_min,
            quota_max=r.quota,
            profiles_sent=profiles.get(r.id, 0),
            profile_quota=r.profile_quota,
            has_forwarded=r.closed_at is not None,
        )
        for r in rounds
    ]


def _by_unit(session: Session, contest: Contest) -> list[tuple[str, int, int]]:
    """Entrants and entries sent, per the author's unit, most entries first."""
    rows = session.execute(
        select(Unit.name, func.count(func.distinct(Entry.author_id)), func.count(Entry.id))
        .join(Unit, Unit.id == Entry.author_unit_id)
        .where(Entry.contest_id == contest.id, Entry.state.in_(SENT))
        .group_by(Unit.name)
    ).all()
    return sorted(((n, a, e) for n, a, e in rows), key=lambda r: (-r[2], r[0]))


def _unit_prizes(session: Session, contest: Contest) -> list[tuple[str, int]]:
    """Prizes units gave in their own judging, per unit."""
    rows = session.execute(
        select(Unit.name, func.count(Award.id))
        .join(Round, Round.id == Award.round_id)
        .join(Unit, Unit.id == Round.unit_id)
        .where(Award.contest_id == contest.id, Award.prize_level_id.is_not(None))
        .group_by(Unit.name)
        .order_by(Unit.name)
    ).all()
    return [(name, count) for name, count in rows]
