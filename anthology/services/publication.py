"""The results go out: the board publishes final results (and may withdraw them to correct a
mistake), posts short news, and names the sites that may frame its winners widget.

What the public pages, the feed and the API read comes from here too, so that they say the
same: the prize winners with their subjects and categories, titles as printed in the book,
the book's profiles and its last good files. Nothing about an entry that did not win, and
nothing at all before the board publishes."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from anthology.audit import AnthologyAction
from anthology.models import (
    Announcement,
    AnthologyBuild,
    AnthologyItem,
    BuildState,
    PortalSettings,
)
from anthology.services.contents import items, winners
from contest.categories import SUBJECT_KINDS
from contest.documents.converter import markdown_to_html
from contest.lifecycles import ContestPhase
from contest.models import Contest, Entry, ExemplarProfile, Unit, User
from contest.platform.audit import record_event
from contest.platform.errors import IllegalTransition, InvalidInput
from contest.platform.states import advance
from contest.platform.storage import FileStore
from contest.platform.text import nfc, without_control_characters
from judging.services import notices
from judging.services.reports import awards

TITLE_MAX = 200
BODY_MAX = 5000
PUBLIC_BOOK_FORMATS = ("pdf", "epub")
MAX_WIDGET_ORIGINS = 20
# A host name as a header may carry it: labels of letters, digits and inner hyphens.
HOSTNAME = re.compile(
    r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
)
# The same news posted again within this time is a second click, not news.
REPEAT_WINDOW = timedelta(minutes=1)


@dataclass(frozen=True)
class PublicWinner:
    """One prize winner as the public reads it: the title as printed in the book."""

    entry_id: int
    unit_id: int
    prize: str
    prize_position: int
    is_shared: bool
    title: str
    author: str
    unit_code: str
    unit_name: str
    subject: str
    subject_kind: str
    subject_kind_label: str
    category: str
    category_name: str
    in_book: bool


@dataclass(frozen=True)
class BookFile:
    format: str
    path: str
    size: int
    built_at: datetime


def publish_results(session: Session, contest: Contest, actor: User | None, now: datetime) -> None:
    """Final results → public (pages, feed, API, widget), with a piece of news saying so."""
    if contest.are_results_public:
        raise IllegalTransition(_l("Kết quả đã được công bố."))
    if not contest.is_finalised:
        raise IllegalTransition(_l("Chỉ công bố được kết quả đã chốt."))
    first_time = not session.scalar(
        select(Announcement.id).where(
            Announcement.contest_id == contest.id, Announcement.is_results.is_(True)
        )
    )
    advance(contest, ContestPhase.RESULTS_PUBLIC, "phase")
    with force_locale("vi"):
        title = str(_l("Công bố kết quả %(contest)s", contest=contest.title))[:TITLE_MAX]
        body = str(
            _l(
                "Hội đồng công bố %(n)d bài đoạt giải. Danh sách, bài viết và tuyển tập ở "
                "trang kết quả của cuộc thi.",
                n=len(winners(session, contest)),
            )
        )
    session.add(
        Announcement(
            contest_id=contest.id,
            title=title,
            body=body,
            posted_at=now,
            posted_by_id=actor.id if actor else None,
            is_results=True,
        )
    )
    record_event(session, actor, contest, AnthologyAction.RESULTS_PUBLISHED)
    session.flush()
    if first_time:  # a correction published again does not mail every author twice
        notices.results_published(session, contest, awards(session, contest))


def withdraw_results(
    session: Session, contest: Contest, actor: User | None, reason: str, now: datetime
) -> None:
    """Public → final but unpublished, for a correction; the reason is kept in the log and
    the news of the results is withdrawn with them."""
    reason = nfc(reason).strip()
    if not contest.are_results_public:
        raise IllegalTransition(_l("Kết quả chưa được công bố."))
    if not reason:
        raise InvalidInput(_l("Hãy ghi lý do thu hồi (ghi vào nhật ký)."))
    advance(contest, ContestPhase.FINALISED, "phase")
    for news in announcements(session, contest):
        if news.is_results:
            news.withdrawn_at = now
    record_event(
        session, actor, contest, AnthologyAction.RESULTS_WITHDRAWN, detail=reason, reason=reason
    )
    session.flush()


def public_winners(session: Session, contest: Contest) -> list[PublicWinner]:
    """The prize winners by prize, then rank (empty unless the results are public)."""
    if not contest.are_results_public:
        return []
    book = {i.entry_id: i for i in items(session, contest) if i.entry_id and i.is_included}
    found = []
    for award in winners(session, contest):
        entry, item = award.entry, book.get(award.entry_id)
        found.append(
            PublicWinner(
                entry_id=entry.id,
                unit_id=entry.author_unit_id,
                prize=award.prize_level.name,
                prize_position=award.prize_level.position,
                is_shared=award.is_shared,
                title=(item.book_title if item and item.book_title else entry.title),
                author=entry.author.full_name,
                unit_code=entry.author_unit.code,
                unit_name=entry.author_unit.name,
                subject=entry.subject_name,
                subject_kind=entry.subject_kind,
                subject_kind_label=str(SUBJECT_KINDS.get(entry.subject_kind, "")),
                category=entry.subject_category,
                category_name=contest.category_names.get(entry.subject_category, ""),
                in_book=item is not None,
            )
        )
    return found


def unit_winners(session: Session, contest: Contest, unit: Unit) -> list[PublicWinner]:
    """The published winners whose author belongs to `unit` or to a unit below it."""
    return [
        w for w in public_winners(session, contest) if session.get(Unit, w.unit_id).is_within(unit)
    ]


@dataclass(frozen=True)
class PublicEssay:
    winner: PublicWinner
    entry: Entry
    item: AnthologyItem | None  # None when the essay was left out of the book

    def html(self) -> str:
        """The essay as the book prints it: the edited book copy when there is one."""
        if self.item is not None and self.item.book_markdown:
            return markdown_to_html(self.item.book_markdown)
        return self.entry.body_html


def public_essay(session: Session, contest: Contest, entry_id: int) -> PublicEssay | None:
    """A published prize winner's essay, or None for anything else."""
    winner = next((w for w in public_winners(session, contest) if w.entry_id == entry_id), None)
    if winner is None:
        return None
    item = next((i for i in items(session, contest) if i.entry_id == entry_id), None)
    return PublicEssay(winner, session.get(Entry, entry_id), item)


def public_profiles(session: Session, contest: Contest) -> list[ExemplarProfile]:
    """The exemplar profiles the book carries, in its order (none before publication)."""
    if not contest.are_results_public:
        return []
    return [i.profile for i in items(session, contest) if i.profile_id and i.is_included]


def book_files(session: Session, files: FileStore, contest: Contest) -> list[BookFile]:
    """The PDF and EPUB of the newest finished build that has them (none before publication)."""
    if not contest.are_results_public:
        return []
    done = session.scalars(
        select(AnthologyBuild)
        .where(AnthologyBuild.contest_id == contest.id, AnthologyBuild.state == BuildState.DONE)
        .order_by(AnthologyBuild.id.desc())
    )
    for build in done:
        found = []
        for fmt in PUBLIC_BOOK_FORMATS:
            path = files.path(os.path.join(build.folder, f"{contest.slug}.{fmt}"))
            if fmt in build.format_list and path is not None and os.path.isfile(path):
                found.append(BookFile(fmt, path, os.path.getsize(path), build.finished_at))
        if found:
            return found
    return []


def announcements(session: Session, contest: Contest | None = None) -> list[Announcement]:
    """News still standing, newest first: one contest's, or every published contest's."""
    query = (
        select(Announcement)
        .join(Contest, Contest.id == Announcement.contest_id)
        .where(Announcement.withdrawn_at.is_(None), Contest.phase != ContestPhase.DRAFT)
        .order_by(Announcement.posted_at.desc(), Announcement.id.desc())
    )
    if contest is not None:
        query = query.where(Announcement.contest_id == contest.id)
    return list(session.scalars(query))


def post_announcement(
    session: Session, contest: Contest, actor: User | None, title: str, body: str, now: datetime
) -> Announcement:
    """A piece of news for the public page and the feed (a published contest's only); the
    same news again within a minute (a second click) is refused."""
    title = nfc(without_control_characters(title or "")).strip()
    body = nfc(without_control_characters(body or "")).strip()
    if contest.is_draft:
        raise IllegalTransition(_l("Công bố cuộc thi trước khi đăng tin."))
    if not title or len(title) > TITLE_MAX:
        raise InvalidInput(_l("Tiêu đề tin cần có, tối đa %(n)d ký tự.", n=TITLE_MAX))
    if len(body) > BODY_MAX:
        raise InvalidInput(_l("Nội dung tin tối đa %(n)d ký tự.", n=BODY_MAX))
    if any(
        n.title == title and n.body == body and now - n.posted_at < REPEAT_WINDOW
        for n in announcements(session, contest)
    ):
        raise IllegalTransition(_l("Tin này vừa được đăng."))
    news = Announcement(
        contest_id=contest.id,
        title=title,
        body=body,
        posted_at=now,
        posted_by_id=actor.id if actor else None,
    )
    session.add(news)
    session.flush()
    record_event(session, actor, news, AnthologyAction.NEWS_POSTED)
    return news


def withdraw_announcement(
    session: Session, news: Announcement, actor: User | None, now: datetime
) -> None:
    if news.withdrawn_at is not None:
        raise IllegalTransition(_l("Tin này đã được gỡ."))
    news.withdrawn_at = now
    record_event(session, actor, news, AnthologyAction.NEWS_WITHDRAWN)
    session.flush()


def portal_settings(session: Session, contest: Contest) -> PortalSettings:
    """The contest's portal settings (a blank, unsaved one when none were saved)."""
    found = session.scalar(select(PortalSettings).where(PortalSettings.contest_id == contest.id))
    return found or PortalSettings(contest_id=contest.id, widget_origins="")


def parse_origins(text: str) -> list[str]:
    """Origins a line (`https://congthongtin.sonla.gov.vn`): scheme and host, an optional
    port, nothing else — a path, a wildcard, a quote or a `;` would widen or break the
    widget's `frame-ancestors`. A Vietnamese domain is written in its ASCII form (punycode),
    as a header must be. Refused whole, naming the first bad line."""
    found: list[str] = []
    for line in nfc(text).split():
        origin = _origin(line)
        if origin is None:
            raise InvalidInput(
                _l("«%(line)s» không phải một địa chỉ trang (https://tên-miền).", line=line[:80])
            )
        if origin not in found:
            found.append(origin)
    if len(found) > MAX_WIDGET_ORIGINS:
        raise InvalidInput(_l("Tối đa %(n)d trang được nhúng.", n=MAX_WIDGET_ORIGINS))
    return found


def _origin(line: str) -> str | None:
    """`scheme://host[:port]` in ASCII, or None when `line` is anything more or less."""
    parts = urlsplit(line)
    try:
        host = (parts.hostname or "").encode("idna").decode("ascii").lower()
        port = parts.port
    except (UnicodeError, ValueError):
        return None
    if (
        parts.scheme not in ("http", "https")
        or not HOSTNAME.fullmatch(host)
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or parts.username is not None
        or parts.netloc.endswith(":")
        or port == 0
    ):
        return None
    return f"{parts.scheme}://{host}" + (f":{port}" if port is not None else "")


def save_widget_origins(
    session: Session, contest: Contest, actor: User | None, text: str
) -> PortalSettings:
    origins = parse_origins(text)
    settings = portal_settings(session, contest)
    settings.widget_origins = "\n".join(origins)
    session.add(settings)
    session.flush()
    record_event(
        session,
        actor,
        contest,
        AnthologyAction.WIDGET_ORIGINS_SAVED,
        origins=", ".join(origins) or "—",
    )
    return settings
