"""What goes into the book: the winning essays and exemplar profiles by default, in an order
the organiser can change, with items left out for a reason and the book's own copy of an
essay (the submitted original is never touched)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from anthology.audit import AnthologyAction
from anthology.models import AnthologyItem
from contest.documents.converter import rewrite_markdown
from contest.documents.essay_ast import LinkPolicy
from contest.models import Contest, Entry, ExemplarProfile, User
from contest.platform.audit import record_event
from contest.platform.config import setting
from contest.platform.errors import InvalidInput
from contest.platform.storage import FileStore
from contest.platform.text import nfc, vietnamese_key
from judging.services.reports import awards, prize_order


def winners(session: Session, contest: Contest) -> list:
    """Prize-winning awards by prize, then rank."""
    return sorted(awards(session, contest, prize_winners_only=True), key=prize_order)


def default_profiles(session: Session, contest: Contest) -> list[ExemplarProfile]:
    """Subjects of the winning essays that have a profile, and every profile nominated up to
    the province; collectives 1.1–1.9 first, then individuals."""
    chosen = {
        a.entry.subject_profile_id for a in winners(session, contest) if a.entry.subject_profile_id
    }
    province_round = contest.province_round(session)
    chosen |= set(
        session.scalars(
            select(ExemplarProfile.id).where(ExemplarProfile.round_id == province_round.id)
        )
    )
    profiles = session.scalars(select(ExemplarProfile).where(ExemplarProfile.id.in_(chosen))).all()
    return sorted(
        profiles, key=lambda p: (contest.category_position(p.category), vietnamese_key(p.name))
    )


def items(session: Session, contest: Contest) -> list[AnthologyItem]:
    """The book's items in order: saved ones, or the defaults (transient, not saved)."""
    saved = list(
        session.scalars(
            select(AnthologyItem)
            .where(AnthologyItem.contest_id == contest.id)
            .order_by(AnthologyItem.position)
        )
    )
    if saved:
        return saved
    essays = [a.entry for a in winners(session, contest)]
    profiles = default_profiles(session, contest)
    included = {"contest_id": contest.id, "is_included": True, "exclude_reason": ""}
    return [
        AnthologyItem(entry=e, entry_id=e.id, position=i, **included) for i, e in enumerate(essays)
    ] + [
        AnthologyItem(profile=p, profile_id=p.id, position=len(essays) + i, **included)
        for i, p in enumerate(profiles)
    ]


def essay_item(session: Session, contest: Contest, entry_id: int) -> AnthologyItem | None:
    """The book's item holding this essay, if the essay is in the book's contents."""
    return next((i for i in items(session, contest) if i.entry_id == entry_id), None)


def ensure_items(session: Session, contest: Contest) -> list[AnthologyItem]:
    """Save the default contents the first time the organiser changes anything."""
    current = items(session, contest)
    for item in current:
        if item.id is None:
            session.add(item)
    session.flush()
    return current


def _find(current: list[AnthologyItem], kind: str, object_id: int) -> AnthologyItem:
    """An item by what it holds: ("e", entry id) or ("p", profile id)."""
    for item in current:
        if (kind == "e" and item.entry_id == object_id) or (
            kind == "p" and item.profile_id == object_id
        ):
            return item
    raise InvalidInput(_l("Không có mục này trong sách."))


def move_item(session: Session, contest: Contest, kind: str, object_id: int, step: int) -> None:
    """Move an essay or a profile up (−1) or down (+1) among items of its kind."""
    current = ensure_items(session, contest)
    item = _find(current, kind, object_id)
    same_kind = [i for i in current if i.is_essay == item.is_essay]
    other_index = same_kind.index(item) + step
    if 0 <= other_index < len(same_kind):
        other = same_kind[other_index]
        item.position, other.position = other.position, item.position
    session.flush()


def move_to(session: Session, contest: Contest, kind: str, object_id: int, position: int) -> int:
    """Move an essay or a profile to a 1-based place among items of its kind (a place past
    either end means that end). Returns the place it ends up in."""
    current = ensure_items(session, contest)
    item = _find(current, kind, object_id)
    same_kind = [i for i in current if i.is_essay == item.is_essay]
    places = sorted(i.position for i in same_kind)
    same_kind.remove(item)
    index = min(max(position, 1), len(same_kind) + 1) - 1
    same_kind.insert(index, item)
    for place, moved in zip(places, same_kind, strict=True):
        moved.position = place
    session.flush()
    return index + 1


def other_profiles(
    session: Session, contest: Contest, current: list[AnthologyItem] | None = None
) -> list[ExemplarProfile]:
    """Profiles of the contest not yet in the book, for the organiser to add (`current`: the
    book's items when the caller has already read them)."""
    present = {i.profile_id for i in (items(session, contest) if current is None else current)}
    return [
        p
        for p in session.scalars(
            select(ExemplarProfile).where(ExemplarProfile.contest_id == contest.id)
        )
        if p.id not in present
    ]


def add_profile(
    session: Session, contest: Contest, profile_id: int, actor: User | None
) -> AnthologyItem:
    """Put another exemplar profile into Part II, at its end."""
    current = ensure_items(session, contest)
    profile = session.get(ExemplarProfile, profile_id)
    if profile is None or profile.contest_id != contest.id:
        raise InvalidInput(_l("Không có hồ sơ này trong cuộc thi."))
    if any(i.profile_id == profile_id for i in current):
        raise InvalidInput(_l("Hồ sơ này đã có trong sách."))
    item = AnthologyItem(
        contest_id=contest.id,
        profile=profile,
        position=max((i.position for i in current), default=-1) + 1,
        is_included=True,
        exclude_reason="",
    )
    session.add(item)
    session.flush()
    record_event(session, actor, item, AnthologyAction.PROFILE_ADDED)
    return item


def set_included(
    session: Session,
    contest: Contest,
    kind: str,
    object_id: int,
    included: bool,
    reason: str,
    actor: User | None,
) -> None:
    """Put an item in the book, or leave it out with a reason."""
    item = _find(ensure_items(session, contest), kind, object_id)
    reason = nfc(reason.strip())
    if not included and not reason:
        raise InvalidInput(_l("Cần ghi rõ lý do không đưa vào sách."))
    item.is_included, item.exclude_reason = included, "" if included else reason
    session.flush()
    action = AnthologyAction.ITEM_INCLUDED if included else AnthologyAction.ITEM_EXCLUDED
    record_event(session, actor, item, action, detail=reason, reason=reason)


@dataclass(frozen=True)
class CleanCopy:
    """The book's copy of an essay after the same cleaning as an entrant's upload: only safe
    links, only the essay's own pictures, no raw HTML, OpenXML, LaTeX or Typst."""

    markdown: str
    dropped_pictures: int
    dropped_links: int


def clean_copy(files: FileStore, entry: Entry, markdown: str) -> CleanCopy:
    """Run the organiser's markdown through pandoc (sandboxed) and `contest.documents.essay_ast`:
    it is as untrusted as an essay. Slow: call it before the unit of work opens."""
    if not markdown.strip():
        raise InvalidInput(_l("Tên bài và nội dung không được để trống."))
    media = files.entry_media(entry.storage_key)

    def own_picture(source: str) -> str | None:
        """`media/NAME` of this essay's stored pictures; anything else is dropped."""
        folder, _, name = source.partition("/")
        inside = folder == "media" and name and "/" not in name and not name.startswith(".")
        return source if inside and os.path.isfile(os.path.join(media, name)) else None

    cleaned, outcome = rewrite_markdown(
        nfc(markdown.replace("\r\n", "\n")),
        own_picture,
        LinkPolicy.KEEP_SAFE,
        setting("PANDOC_TIMEOUT_SECONDS"),
    )
    return CleanCopy(cleaned.strip() + "\n", outcome.dropped_pictures, outcome.dropped_links)


def edit_copy(
    session: Session,
    contest: Contest,
    entry_id: int,
    title: str,
    copy: CleanCopy,
    actor: User | None,
) -> None:
    """Fix the book's copy of an essay; the submitted original is never touched."""
    item = _find(ensure_items(session, contest), "e", entry_id)
    if not title.strip() or not copy.markdown.strip():
        raise InvalidInput(_l("Tên bài và nội dung không được để trống."))
    item.book_title = nfc(title.strip())
    item.book_markdown = nfc(copy.markdown)
    session.flush()
    record_event(session, actor, item, AnthologyAction.COPY_EDITED)


# A picture of the essay in pandoc's markdown: `![caption](media/NAME)`, brackets inside the
# caption escaped by pandoc's writer.
_PICTURE = re.compile(r"!\[((?:\\.|[^\]\\])*)\]\(media/([^)\s\"]+)")
MAX_DESCRIPTION = 300


@dataclass(frozen=True)
class EssayPicture:
    """A picture of the book's copy of an essay, as the organiser describes it."""

    name: str  # the stored picture's name, e.g. "image1.png"
    caption: str  # the words under it (or its alternative text) in the essay, maybe empty
    description: str  # the organiser's text alternative, maybe empty

    @property
    def is_described(self) -> bool:
        """A screen reader has words for it: the organiser's, else its caption."""
        return bool(self.description or self.caption)


def essay_pictures(item: AnthologyItem) -> list[EssayPicture]:
    """The pictures of the essay's book copy in order, each once."""
    markdown = item.book_markdown or item.entry.body_markdown
    described = item.picture_descriptions or {}
    found: dict[str, EssayPicture] = {}
    for caption, name in _PICTURE.findall(markdown):
        caption = re.sub(r"\\(.)", r"\1", caption).strip()
        found.setdefault(name, EssayPicture(name, caption, described.get(name, "")))
    return list(found.values())


def describe_pictures(
    session: Session,
    contest: Contest,
    entry_id: int,
    descriptions: dict[str, str],
    actor: User | None,
) -> None:
    """Save the organiser's text alternatives for the pictures of an essay's book copy (read
    aloud by screen readers in the EPUB and DOCX, never printed); an empty one is removed."""
    item = _find(ensure_items(session, contest), "e", entry_id)
    names = {picture.name for picture in essay_pictures(item)}
    kept: dict[str, str] = {}
    for name, text in descriptions.items():
        if name not in names:
            raise InvalidInput(_l("Bài này không có ảnh đó trong bản in."))
        text = " ".join(nfc(text).split())
        if len(text) > MAX_DESCRIPTION:
            raise InvalidInput(_l("Mô tả ảnh dài quá %(count)s ký tự.", count=MAX_DESCRIPTION))
        if text:
            kept[name] = text
    item.picture_descriptions = kept
    session.flush()
    record_event(session, actor, item, AnthologyAction.PICTURES_DESCRIBED)
