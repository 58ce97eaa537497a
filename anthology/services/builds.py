"""Builds of the book: queue one (never two at once), list them, find the last good one and
its files; assemble the book from the database as plain data for the renderers."""

from __future__ import annotations

import os
from datetime import datetime

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from anthology import colophon, render, trim
from anthology.audit import AnthologyAction
from anthology.errors import BuildRunning
from anthology.models import AnthologyBuild, BuildState, BuildStep
from anthology.render.book import PROFILE_KEY_PREFIX, Book, BookEssay, BookProfile, PageSetup
from anthology.services import settings as book_settings
from anthology.services.contents import items, winners
from anthology.services.settings import require_complete, require_finalised, settings_for
from contest.categories import SUBJECT_KINDS
from contest.documents import pictures
from contest.models import Contest, User
from contest.platform import jobs
from contest.platform.audit import record_event
from contest.platform.config import setting
from contest.platform.errors import InvalidInput
from contest.platform.storage import FileStore

FORMATS = render.FORMATS
BUILD_JOB = "anthology_build"  # run by anthology.tasks
# Longest side of a picture in the book: 300 dpi across the widest text block (A4, about
# 17 cm) and, for the cover, across a whole A4 page. A phone's 4.8 MB photo goes in reduced.
PRINT_SIDE_PX = 2000
COVER_SIDE_PX = 3508


def check_formats(formats: tuple[str, ...]) -> None:
    if not formats or set(formats) - set(FORMATS):
        raise InvalidInput(_l("Định dạng phải là một hoặc nhiều trong docx, epub, pdf."))


def builds(session: Session, contest: Contest) -> list[AnthologyBuild]:
    """Every build of the contest's book, newest first."""
    return list(
        session.scalars(
            select(AnthologyBuild)
            .where(AnthologyBuild.contest_id == contest.id)
            .order_by(AnthologyBuild.id.desc())
        )
    )


def build_of(session: Session, contest: Contest, build_id: int) -> AnthologyBuild | None:
    """One build of this contest's book, or None (also for another contest's build)."""
    found = session.get(AnthologyBuild, build_id)
    return found if found is not None and found.contest_id == contest.id else None


# What a printer asks for around the trim (`PageSetup.bleed_mm`), when the organiser ticks it.
PRINTER_BLEED_MM = 3


def start_build(
    session: Session,
    contest: Contest,
    actor: User | None,
    formats: tuple[str, ...] = FORMATS,
    bleed_mm: float = 0,
) -> AnthologyBuild:
    """Queue a build; the database refuses a second one while one is queued or running.
    `bleed_mm`: the print master's sheets reach that far beyond the trim."""
    require_finalised(contest)
    require_complete(settings_for(session, contest))
    check_formats(formats)
    build = AnthologyBuild(
        contest_id=contest.id,
        state=BuildState.QUEUED,
        folder="",
        formats=",".join(formats),
        step=BuildStep.WAITING,
        percent=0,
    )
    try:
        with session.begin_nested():
            session.add(build)
            session.flush()
    except IntegrityError as exc:
        raise BuildRunning(
            _l("Sách của cuộc thi này đang được dựng; hãy chờ lần dựng trước xong.")
        ) from exc
    build.folder = os.path.join("anthology", contest.slug, f"build-{build.id}")
    session.flush()
    record_event(
        session,
        actor,
        build,
        AnthologyAction.BUILD_QUEUED,
        change=("", BuildState.QUEUED),
        detail=build.formats,
        contest=contest.title,
        formats=build.formats,
    )
    jobs.enqueue(
        session,
        BUILD_JOB,
        {"build_id": build.id, "bleed_mm": bleed_mm},
        contest_id=contest.id,
        max_attempts=1,
    )
    return build


def build_file(files: FileStore, build: AnthologyBuild, slug: str, fmt: str) -> str | None:
    """The path of a finished build's file, or None."""
    if fmt not in build.format_list or build.state != BuildState.DONE:
        return None
    path = files.path(os.path.join(build.folder, f"{slug}.{fmt}"))
    return path if path is not None and os.path.isfile(path) else None


def assemble_book(
    session: Session,
    contest: Contest,
    folder: str,
    trim_size: str | None = None,
    bleed_mm: float = 0,
    *,
    now: datetime,
    files: FileStore,
) -> tuple[Book, PageSetup]:
    """The book as data and its page set-up, with pictures and photos copied into `folder`;
    `trim_size` (a `trim` key) replaces the settings' size for this build, and `bleed_mm`
    adds paper beyond the trim for a printer who asks for it. `now` is the build's date."""
    require_finalised(contest)
    settings = settings_for(session, contest)
    require_complete(settings)
    size = trim_size or settings.page_size
    prize_of = {a.entry_id: a.prize_level.name for a in winners(session, contest)}
    people, closing = colophon.lines(
        {key: getattr(settings, key) for key in book_settings.EDITABLE}, size
    )
    book = Book(
        slug=contest.slug,
        title=settings.title,
        subtitle=settings.subtitle,
        publisher=settings.publisher,
        year=settings.year,
        rights=settings.rights,
        foreword=settings.foreword,
        place=settings.place,
        issuing_bodies=lines(settings.issuing_bodies),
        foreword_signer=lines(settings.foreword_signer),
        editorial_board=lines(settings.editorial_board),
        colophon_people=people,
        colophon_closing=closing,
        isbn=settings.isbn,
        book_uuid=settings.book_uuid,
        categories=contest.category_names,
        built_at=now,
        colophon_gaps=book_settings.colophon_gaps(settings),
    )
    for number, item in enumerate(i for i in items(session, contest) if i.is_included):
        if item.is_essay:
            book.essays.append(_essay(files, item, f"bai-{number + 1}", prize_of, folder))
        else:
            book.profiles.append(_profile(files, item, f"{PROFILE_KEY_PREFIX}{number + 1}", folder))
    if bleed_mm:
        book.notes.append(
            str(
                _l(
                    "Bản PDF có %(mm)s mm lề xén (bleed) quanh mỗi trang cho nhà in.",
                    mm=f"{bleed_mm:g}",
                )
            )
        )
    if settings.cover_path:
        cover = os.path.join(folder, "cover.jpg")
        if print_copy(files.path(settings.cover_path), cover, COVER_SIDE_PX):
            book.cover = cover
    return book, PageSetup(size, trim.scaled_margin(size, settings.margin_mm), bleed_mm)


def lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def print_copy(source: str | None, target: str, max_side: int) -> bool:
    """`source` re-encoded into the build at print resolution, in the format its name says
    (.jpg a JPEG, else PNG). A file that is not a picture we read stays out of the book, and
    so does none (a stored name `FileStore.path` refused)."""
    if source is None:
        return False
    try:
        with open(source, "rb") as fh:
            picture = pictures.clean(fh.read(), photo=target.endswith(".jpg"), max_side=max_side)
    except (OSError, pictures.NotAPicture):
        return False
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "wb") as fh:
        fh.write(picture.data)
    return True


def _essay(files: FileStore, item, key: str, prize_of: dict[int, str], folder: str) -> BookEssay:
    entry = item.entry
    media = files.entry_media(entry.storage_key)
    for name in sorted(os.listdir(media)) if os.path.isdir(media) else ():
        print_copy(
            os.path.join(media, name), os.path.join(folder, key, "media", name), PRINT_SIDE_PX
        )
    return BookEssay(
        key=key,
        title=item.book_title or entry.title,
        author=entry.author.full_name,
        unit=entry.author_unit.name,
        prize=prize_of.get(entry.id, ""),
        markdown=item.book_markdown or entry.body_markdown,
        descriptions=dict(item.picture_descriptions or {}),
    )


def _in_vietnamese(label) -> str:
    """The book is a Vietnamese document whatever language the organiser's pages are in."""
    with force_locale("vi"):
        return str(label)


def _profile(files: FileStore, item, key: str, folder: str) -> BookProfile:
    profile = item.profile
    photo = None
    if profile.photo_path:
        source = files.path(profile.photo_path)
        if print_copy(source, os.path.join(folder, f"{key}.jpg"), PRINT_SIDE_PX):
            photo = f"{key}.jpg"
    return BookProfile(
        key=key,
        name=profile.name,
        kind=_in_vietnamese(SUBJECT_KINDS[profile.kind]),
        category=profile.category,
        unit=profile.unit.name,
        address=profile.address,
        position=profile.position,
        achievements=profile.achievements,
        commendations=profile.commendations,
        photo=photo,
    )


def pandoc_timeout() -> int:
    return setting("ANTHOLOGY_PANDOC_TIMEOUT_SECONDS")


def build_book(
    session: Session,
    contest: Contest,
    folder: str,
    formats: tuple[str, ...],
    notes: list[str] | None = None,
    trim_size: str | None = None,
    bleed_mm: float = 0,
    *,
    now: datetime,
    files: FileStore,
) -> dict[str, str]:
    """Write SLUG.docx and/or SLUG.epub into `folder`, all or none; returns format → path,
    and adds to `notes` what the build changed in the winners' text (`Book.notes`).
    (The background job runs the same two steps with progress between them: see tasks.py.)"""
    check_formats(formats)
    with render.work_folder(folder) as work:
        book, page = assemble_book(
            session, contest, work, trim_size, bleed_mm, now=now, files=files
        )
        written = render.write_book(book, page, formats, work, folder, timeout=pandoc_timeout())
    if notes is not None:
        notes.extend(book.notes)
    return written
