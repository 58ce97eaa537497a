"""Contest set-up by the province: rules, units of the tree, rounds and quotas.

Services take the session and plain values or model objects, may flush, never commit."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from contest.audit import ContestAction
from contest.contest_plan import (
    MAX_ENTRIES_PER_ENTRANT,
    MAX_QUOTA,
    MAX_WORDS,
    read_categories,
)
from contest.errors import ContestProblems, QuotaExceeded
from contest.models import Contest, Round, Unit, User
from contest.platform.audit import record_event
from contest.platform.errors import IllegalTransition, InvalidInput
from contest.platform.text import nfc
from contest.services.forwarding import forwarded_count, round_for_unit
from contest.services.queries import tree_order


def update_contest(
    session: Session,
    contest: Contest,
    actor: User | None,
    *,
    title: str,
    opens_at: datetime,
    closes_at: datetime,
    min_words: int,
    max_words: int,
    max_entries_per_entrant: int,
    declarations: list[str],
) -> Contest:
    """Change the rules; the database checks them too (dates in order, limits sane)."""
    if closes_at <= opens_at:
        raise InvalidInput(_l("Ngày hết hạn phải sau ngày bắt đầu nhận bài."))
    if not 0 <= min_words <= max_words <= MAX_WORDS:
        raise InvalidInput(
            _l(
                "Số chữ tối thiểu phải từ 0 đến số chữ tối đa, số chữ tối đa không quá %(max)d.",
                max=MAX_WORDS,
            )
        )
    if not 1 <= max_entries_per_entrant <= MAX_ENTRIES_PER_ENTRANT:
        raise InvalidInput(
            _l(
                "Mỗi tác giả được gửi từ 1 đến %(max)d bài.",
                max=MAX_ENTRIES_PER_ENTRANT,
            )
        )
    if not title.strip():
        raise InvalidInput(_l("Cần có tên cuộc thi."))
    contest.title = nfc(title.strip())
    contest.opens_at, contest.closes_at = opens_at, closes_at
    contest.min_words, contest.max_words = min_words, max_words
    contest.max_entries_per_entrant = max_entries_per_entrant
    contest.declarations = [nfc(d.strip()) for d in declarations if d.strip()]
    record_event(
        session,
        actor,
        contest,
        ContestAction.RULES_CHANGED,
        contest_id=contest.id,
        opens=f"{opens_at:%d/%m/%Y}",
        closes=f"{closes_at:%d/%m/%Y}",
        min_words=min_words,
        max_words=max_words,
    )
    session.flush()
    return contest


def check_quotas(quota: int | None, profile_quota: int | None) -> None:
    for value in (quota, profile_quota):
        if value is None or not 0 <= value <= MAX_QUOTA:
            raise InvalidInput(_l("Chỉ tiêu phải là số nguyên từ 0 đến %(max)d.", max=MAX_QUOTA))


def add_round(
    session: Session, contest: Contest, unit: Unit, quota: int, profile_quota: int
) -> Round:
    """A unit joins the contest: its round forwards to the round of its nearest ancestor."""
    if session.scalar(
        select(Round.id).where(Round.contest_id == contest.id, Round.unit_id == unit.id)
    ):
        raise InvalidInput(_l("Đơn vị này đã có vòng thi."))
    if unit.parent is None:
        raise InvalidInput(_l("Vòng cấp tỉnh đã có; hãy chọn một đơn vị cấp dưới."))
    parent = round_for_unit(session, contest, unit.parent)
    if parent.closed_at is not None:
        raise IllegalTransition(_l("Vòng cấp trên đã gửi kết quả, không thể thêm vòng con."))
    check_quotas(quota, profile_quota)
    round_ = Round(
        contest=contest, unit=unit, parent=parent, quota=quota, profile_quota=profile_quota
    )
    session.add(round_)
    session.flush()
    record_event(
        session,
        None,
        round_,
        ContestAction.ROUND_CREATED,
        contest_id=contest.id,
        parent=parent.unit.name,
    )
    return round_


def set_quota(
    session: Session, round_: Round, quota: int, profile_quota: int, actor: User | None
) -> None:
    """Change a round's quotas; never below what it has already sent up."""
    check_quotas(quota, profile_quota)
    if quota < forwarded_count(session, round_) or profile_quota < forwarded_count(
        session, round_, profiles=True
    ):
        raise QuotaExceeded(_l("Chỉ tiêu mới nhỏ hơn số đã gửi lên cấp trên."))
    round_.quota, round_.profile_quota = quota, profile_quota
    record_event(
        session, actor, round_, ContestAction.QUOTA_SET, entries=quota, profiles=profile_quota
    )
    session.flush()


def rounds_for_tree(session: Session, contest: Contest) -> list[Round]:
    """A round for every switched-on unit of a level that takes part and has none yet, each
    sending up to the round of its nearest ancestor (parents are met first)."""
    existing = {
        r.unit_id: r for r in session.scalars(select(Round).where(Round.contest == contest))
    }
    added: list[Round] = []
    for _depth, unit in tree_order(session):
        level = contest.level_for(unit.kind)
        if unit.id in existing or level is None or not unit.is_active:
            continue
        parent = next((existing[a.id] for a in unit.ancestors() if a.id in existing), None)
        if parent is None or parent.closed_at is not None:
            continue
        round_ = Round(
            contest=contest,
            unit=unit,
            parent=parent,
            quota=level.quota_max,
            profile_quota=level.profile_quota,
        )
        session.add(round_)
        existing[unit.id] = round_
        added.append(round_)
    session.flush()
    return added


def set_categories(session: Session, contest: Contest, actor: User | None, items: list[dict]):
    """The draft's categories and their criteria, replaced whole (code, group, name,
    criteria each); refused with every problem named. Once published, entries are filed
    under them: they no longer change."""
    if not contest.is_draft:
        raise IllegalTransition(_l("Cuộc thi đã công bố: lĩnh vực không đổi được nữa."))
    categories, found = read_categories([{k: nfc(v) for k, v in item.items()} for item in items])
    if found:
        raise ContestProblems(found)
    contest.categories = categories
    record_event(session, actor, contest, ContestAction.CATEGORIES_CHANGED, contest_id=contest.id)
    session.flush()
