"""The organisers' long judging lists: a stage's entries one page at a time, and the results
filtered and paged.

Blindness: before the results are final these lists know an entry only by its code (and its
category); titles, authors and units — and searching by them — appear only once the contest
is finalised. Linking codes to entries before then is the key's job, whose every opening is
in the audit log."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased, selectinload

from contest.models import Contest, Entry, Unit, User
from contest.platform.listing import Page, matches, page_of, paginate
from contest.platform.text import fold
from contest.services.lists import text_order
from judging.models import Assignment, BlindCopy, Stage, StageResult, in_judging

PAGE_SIZE = 50
# Sort keys anyone may use; the others only once names may be seen.
BLIND_SORTS = ("code", "score", "state")
NAMED_SORTS = ("title", "author", "unit")


def sorts_for(contest: Contest) -> tuple[str, ...]:
    return BLIND_SORTS + (NAMED_SORTS if contest.is_finalised else ())


@dataclass
class StageFilter:
    """What the organiser asked a judging list for; empty values mean "all". `text` is
    matched against codes, and once the contest is finalised against titles, authors, units."""

    text: str = ""
    state: str = ""
    category: str = ""
    unit_id: int | None = None
    sort: str = "code"
    descending: bool = False


@dataclass
class StageRow:
    result: StageResult
    code: str
    totals: list[float] = field(default_factory=list)


def result_counts(session: Session, stage: Stage) -> dict[str, int]:
    """How many entries of the stage are in each result state (one query)."""
    return dict(
        session.execute(
            select(StageResult.state, func.count(StageResult.id))
            .where(StageResult.stage_id == stage.id)
            .group_by(StageResult.state)
        ).all()
    )


def stage_page(
    session: Session, contest: Contest, stage: Stage, wanted: StageFilter, page: int
) -> Page:
    """One page of the stage's entries with their codes, result states and judges' totals,
    in a fixed number of queries (count, rows, the page's assignments and scores)."""
    author, unit = aliased(User), aliased(Unit)
    named = contest.is_finalised
    query = (
        select(StageResult, BlindCopy.code)
        .join(Entry, Entry.id == StageResult.entry_id)
        .outerjoin(
            BlindCopy,
            (BlindCopy.entry_id == StageResult.entry_id)
            & in_judging(BlindCopy.round_id, stage.round_id),
        )
        .where(StageResult.stage_id == stage.id)
    )
    if named:
        query = query.join(author, author.id == Entry.author_id).join(
            unit, unit.id == Entry.author_unit_id
        )
    if wanted.text:
        columns = (BlindCopy.code, Entry.title, author.full_name, unit.name) if named else ()
        query = query.where(matches(session, wanted.text, *(columns or (BlindCopy.code,))))
    if wanted.state:
        query = query.where(StageResult.state == wanted.state)
    if wanted.category:
        query = query.where(Entry.subject_category == wanted.category)
    if named and wanted.unit_id is not None:
        query = query.where(Entry.author_unit_id == wanted.unit_id)
    orders = {
        "code": BlindCopy.code,
        "score": StageResult.official_score,
        "state": StageResult.state,
    }
    if named:
        orders |= {
            "title": text_order(session, Entry.title),
            "author": text_order(session, author.full_name),
            "unit": text_order(session, unit.name),
        }
    column = orders.get(wanted.sort, BlindCopy.code)
    # Entries not scored yet come last from the top score and first from the lowest, on both
    # databases (PostgreSQL's default puts NULLs first in descending order).
    order = column.desc().nulls_last() if wanted.descending else column.asc().nulls_first()
    query = query.order_by(order, BlindCopy.code)
    if named:
        query = query.options(selectinload(StageResult.entry))
    found = paginate(session, query, page, PAGE_SIZE)
    rows = [StageRow(result, code or "") for result, code in found.items]
    totals = _totals(session, stage, [r.result.entry_id for r in rows])
    for row in rows:
        row.totals = totals.get(row.result.entry_id, [])
    found.items = rows
    return found


def _totals(session: Session, stage: Stage, entry_ids: Sequence[int]) -> dict[int, list[float]]:
    """The submitted totals of the given entries' active assignments."""
    out: dict[int, list[float]] = defaultdict(list)
    if not entry_ids:
        return out
    assignments = session.scalars(
        select(Assignment)
        .where(
            Assignment.stage_id == stage.id,
            Assignment.is_active,
            Assignment.entry_id.in_(entry_ids),
        )
        .options(selectinload(Assignment.score))
        .order_by(Assignment.id)
    )
    for a in assignments:
        if a.is_submitted:
            out[a.entry_id].append(a.score.total)
    return out


@dataclass
class ResultFilter:
    text: str = ""
    prize: str = ""  # a prize level's id, "none" for no prize, "" for all
    category: str = ""
    sort: str = "rank"
    descending: bool = False


RESULT_SORTS = ("rank", "code", "score")


def results_page(contest: Contest, view, wanted: ResultFilter, page: int) -> Page:
    """One page of the prize view's results. Ranks and prizes need every result, so the
    whole list is known already; only what is shown is cut to a page."""
    ranks, level_of = view.allocation.ranks, view.level_of
    rows = list(view.results)
    if wanted.text:
        words = fold(wanted.text).split()

        def haystack(r) -> str:
            named = (
                f" {r.entry.title} {r.entry.author.full_name} {r.entry.author_unit.name}"
                if contest.is_finalised
                else ""
            )
            return fold(r.code + named)

        rows = [r for r in rows if all(w in haystack(r) for w in words)]
    if wanted.prize == "none":
        rows = [r for r in rows if r.entry.id not in level_of]
    elif wanted.prize:
        rows = [r for r in rows if str(level_of.get(r.entry.id)) == wanted.prize]
    if wanted.category:
        rows = [r for r in rows if r.entry.subject_category == wanted.category]
    keys = {
        "rank": lambda r: (ranks.get(r.entry.id, 10**9), r.code),
        "code": lambda r: r.code,
        "score": lambda r: (r.result.official_score or 0, r.code),
    }
    rows.sort(key=keys.get(wanted.sort, keys["rank"]), reverse=wanted.descending)
    return page_of(rows, page, PAGE_SIZE)
