"""A unit's forwarding letter: once its round has sent its choice up, its organiser (or the
province) writes who issues and signs the letter and a line of recommendation for each item
sent; the letter is kept with the round, printed on demand as DOCX or PDF, and listed for the
province. Only organisers reach it: it names authors, which judges must never see."""

from __future__ import annotations

from datetime import datetime

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from anthology.audit import AnthologyAction
from anthology.models import ForwardingLetter
from anthology.render import letters as letter_render
from anthology.render.certificates import Issuance
from contest.models import Contest, Entry, ExemplarProfile, Round, User
from contest.platform.audit import record_event
from contest.platform.errors import IllegalTransition, InvalidInput
from contest.platform.text import nfc, without_control_characters
from contest.quotas import Forwarding

RECOMMENDATION_MAX = 500


def sent_items(session: Session, round_: Round) -> list[letter_render.SentItem]:
    """What the round sent up, essays first, in the order they were sent."""
    rows = session.scalars(
        select(Forwarding).where(Forwarding.from_round_id == round_.id).order_by(Forwarding.id)
    ).all()
    contest = round_.contest
    found = []
    with force_locale("vi"):
        for row in sorted(rows, key=lambda r: r.entry_id is None):
            if row.entry_id is not None:
                entry = session.get(Entry, row.entry_id)
                found.append(
                    letter_render.SentItem(
                        f"e{entry.id}",
                        str(_l("Bài dự thi")),
                        entry.title,
                        f"{entry.author.full_name} ({entry.author_unit.name})",
                        contest.category_label(entry.subject_category),
                    )
                )
            else:
                profile = session.get(ExemplarProfile, row.profile_id)
                found.append(
                    letter_render.SentItem(
                        f"p{profile.id}",
                        str(_l("Hồ sơ")),
                        profile.name,
                        profile.unit.name,
                        contest.category_label(profile.category),
                    )
                )
    return found


def letter_of(session: Session, round_: Round) -> ForwardingLetter | None:
    return session.scalar(select(ForwardingLetter).where(ForwardingLetter.round_id == round_.id))


def letters(session: Session, contest: Contest) -> list[ForwardingLetter]:
    """Every unit's letter of the contest, for the province, newest first."""
    return list(
        session.scalars(
            select(ForwardingLetter)
            .join(Round, Round.id == ForwardingLetter.round_id)
            .where(Round.contest_id == contest.id)
            .order_by(ForwardingLetter.saved_at.desc())
        )
    )


def save_letter(
    session: Session,
    round_: Round,
    actor: User | None,
    issuance: Issuance,
    recommendations: dict[str, str],
    now: datetime,
) -> ForwardingLetter:
    """Keep the letter of a round that has sent its choice up (saved again, it is replaced);
    recommendations for anything the round did not send are refused."""
    if round_.is_province or round_.closed_at is None:
        raise IllegalTransition(_l("Công văn được viết sau khi đơn vị đã gửi bài lên."))
    keys = {item.key for item in sent_items(session, round_)}
    cleaned = {
        key: nfc(without_control_characters(text or "")).strip()
        for key, text in recommendations.items()
    }
    if set(cleaned) - keys:
        raise InvalidInput(_l("Ý kiến giới thiệu cho một bài hay hồ sơ đơn vị không gửi lên."))
    if any(len(text) > RECOMMENDATION_MAX for text in cleaned.values()):
        raise InvalidInput(_l("Mỗi ý kiến giới thiệu tối đa %(n)d ký tự.", n=RECOMMENDATION_MAX))
    letter = letter_of(session, round_) or ForwardingLetter(round_id=round_.id)
    letter.parent_body, letter.body, letter.code = (
        issuance.parent_body,
        issuance.body,
        issuance.code,
    )
    letter.place, letter.day = issuance.place, issuance.day
    letter.signer_authority, letter.signer_name = issuance.signer_authority, issuance.signer_name
    letter.recommendations = {k: v for k, v in cleaned.items() if v}
    letter.saved_at = now
    session.add(letter)
    session.flush()
    record_event(session, actor, letter, AnthologyAction.LETTER_SAVED)
    return letter


def letter_docx(session: Session, letter: ForwardingLetter) -> bytes:
    """The kept letter as DOCX, addressed to the round above."""
    round_ = letter.round
    issuance = Issuance(
        parent_body=letter.parent_body,
        body=letter.body,
        code=letter.code,
        place=letter.place,
        day=letter.day,
        signer_authority=letter.signer_authority,
        signer_name=letter.signer_name,
    )
    return letter_render.letter_docx(
        issuance=issuance,
        addressee=f"Ban Tổ chức cuộc thi {round_.parent.unit.name}",
        contest_title=round_.contest.title,
        items=sent_items(session, round_),
        recommendations=dict(letter.recommendations or {}),
    )
