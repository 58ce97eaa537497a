"""Verbs of the anthology: default contents, reorder, leave out, fix the book's copy, build
the book (in the background or at the command line), certificates. Never commits."""

from __future__ import annotations

import io
import os
import shutil
import threading
from collections.abc import Callable
from datetime import datetime

from flask import Flask
from PIL import Image, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from anthology import certificates
from anthology.book import Book, BookEssay, BookProfile
from anthology.docx_writer import write_docx
from anthology.epub_writer import BookBuildError, write_epub
from anthology.models import AnthologyBuild, AnthologyItem, AnthologySettings
from contest import storage
from contest.audit import record_legacy_event as record_event
from contest.categories import SUBJECT_KINDS, category_order
from contest.db import db, utcnow
from contest.errors import DomainError, InvalidInput
from contest.models import Contest, Entry, ExemplarProfile
from contest.text import nfc
from judging import services as judging

FORMATS = ("docx", "epub")
DEFAULT_FOREWORD = (
    "Thực hiện Kế hoạch số 55/KH-UBND ngày 26/4/2016 của Ủy ban nhân dân tỉnh Sơn La về bồi "
    "dưỡng và nhân rộng gương điển hình tiên tiến giai đoạn 2016–2020, năm 2019 Hội đồng Thi "
    "đua – Khen thưởng tỉnh tổ chức cuộc thi viết về gương điển hình tiên tiến, người tốt, "
    "việc tốt trên các lĩnh vực.\n\n"
    "Cuốn sách tập hợp những bài viết đoạt giải và hồ sơ các tập thể, cá nhân tiêu biểu, "
    "chào mừng Đại hội Thi đua yêu nước tỉnh Sơn La lần thứ V. Xin trân trọng giới thiệu "
    "cùng bạn đọc."
)


class NotFinalised(DomainError):
    pass


class BuildRunning(DomainError):
    pass


def require_finalised(contest: Contest) -> None:
    if not contest.is_finalised:
        raise NotFinalised(
            "Chưa công bố kết quả: chỉ làm tuyển tập sau khi chấm xong và ghép phách."
        )


def settings_for(session: Session, contest: Contest) -> AnthologySettings:
    """The saved settings, or defaults (not saved: nothing is written on a GET)."""
    saved = session.scalar(
        select(AnthologySettings).where(AnthologySettings.contest_id == contest.id)
    )
    if saved is not None:
        return saved
    year = contest_year(contest)
    return AnthologySettings(
        contest_id=contest.id,
        title="Tuyển tập bài viết về gương điển hình tiên tiến, người tốt việc tốt "
        "tỉnh Sơn La năm 2019",
        subtitle="Chào mừng Đại hội Thi đua yêu nước tỉnh Sơn La lần thứ V",
        publisher="Hội đồng Thi đua – Khen thưởng tỉnh Sơn La",
        year=year,
        rights=f"© {year} Hội đồng Thi đua – Khen thưởng tỉnh Sơn La. "
        "Tài liệu tuyên truyền, không bán.",
        foreword=DEFAULT_FOREWORD,
        page_size="B5",
        margin_mm=20,
    )


def contest_year(contest: Contest) -> int:
    """The contest's year: from its slug (`son-la-2019`), else the year it was finalised."""
    years = [part for part in contest.slug.split("-") if part.isdigit() and len(part) == 4]
    return int(years[-1]) if years else (contest.finalised_at or utcnow()).year


def save_settings(session: Session, contest: Contest, actor, **values) -> AnthologySettings:
    settings = settings_for(session, contest)
    for key in ("title", "publisher"):
        if not (values.get(key) or "").strip():
            raise InvalidInput("Cần có tên sách và đơn vị xuất bản.")
    for key, value in values.items():
        setattr(settings, key, nfc(value.strip()) if isinstance(value, str) else value)
    session.add(settings)
    record_event(
        session, actor, contest, "anthology_settings", "", "", settings.title, contest_id=contest.id
    )
    session.flush()
    return settings


def save_cover(session: Session, contest: Contest, actor, data: bytes) -> None:
    """The cover, re-encoded as JPEG (which also drops any metadata)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            clean = image.convert("RGB")
    except (UnidentifiedImageError, OSError) as exc:
        raise InvalidInput("Ảnh bìa phải là ảnh JPEG hoặc PNG.") from exc
    relative = os.path.join("anthology", contest.slug, "cover.jpg")
    path = os.path.join(storage.root(), relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    clean.save(path, "JPEG", quality=90)
    settings = settings_for(session, contest)
    settings.cover_path = relative
    session.add(settings)
    session.flush()


def save_certificate_template(session: Session, contest: Contest, actor, data: bytes) -> None:
    try:
        certificates.check_template(data)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from exc
    relative = os.path.join("anthology", contest.slug, "certificate-template.docx")
    path = os.path.join(storage.root(), relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(data)
    settings = settings_for(session, contest)
    settings.certificate_template_path = relative
    session.add(settings)
    session.flush()


# --- contents -------------------------------------------------------------------------------


def winners(session: Session, contest: Contest):
    """Prize-winning awards by prize, then rank."""
    return sorted(
        (a for a in judging.awards(session, contest) if a.prize_level is not None),
        key=lambda a: (a.prize_level.position, a.rank, a.entry_id),
    )


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
    return sorted(profiles, key=lambda p: (category_order(p.category), p.name))


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
    essays = [
        AnthologyItem(
            contest_id=contest.id,
            entry=a.entry,
            entry_id=a.entry_id,
            position=i,
            is_included=True,
            exclude_reason="",
        )
        for i, a in enumerate(winners(session, contest))
    ]
    start = len(essays)
    profiles = [
        AnthologyItem(
            contest_id=contest.id,
            profile=p,
            profile_id=p.id,
            position=start + i,
            is_included=True,
            exclude_reason="",
        )
        for i, p in enumerate(default_profiles(session, contest))
    ]
    return essays + profiles


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
    raise InvalidInput("Không có mục này trong sách.")


def move_item(session: Session, contest: Contest, kind: str, object_id: int, step: int) -> None:
    """Move an essay or a profile up (−1) or down (+1) among items of its kind."""
    current = ensure_items(session, contest)
    item = _find(current, kind, object_id)
    same_kind = [i for i in current if (i.entry_id is None) == (item.entry_id is None)]
    index = same_kind.index(item)
    other_index = index + step
    if 0 <= other_index < len(same_kind):
        other = same_kind[other_index]
        item.position, other.position = other.position, item.position
    session.flush()


def other_profiles(session: Session, contest: Contest) -> list[ExemplarProfile]:
    """Profiles of the contest not yet in the book, for the organiser to add."""
    present = {i.profile_id for i in items(session, contest) if i.profile_id}
    return [
        p
        for p in session.scalars(
            select(ExemplarProfile).where(ExemplarProfile.contest_id == contest.id)
        )
        if p.id not in present
    ]


def add_profile(session: Session, contest: Contest, profile_id: int, actor) -> AnthologyItem:
    """Put another exemplar profile into Part II, at its end."""
    current = ensure_items(session, contest)
    profile = session.get(ExemplarProfile, profile_id)
    if profile is None or profile.contest_id != contest.id:
        raise InvalidInput("Không có hồ sơ này trong cuộc thi.")
    if any(i.profile_id == profile_id for i in current):
        raise InvalidInput("Hồ sơ này đã có trong sách.")
    item = AnthologyItem(
        contest_id=contest.id,
        profile=profile,
        position=max((i.position for i in current), default=-1) + 1,
        is_included=True,
        exclude_reason="",
    )
    session.add(item)
    record_event(
        session, actor, contest, "anthology_add", "", "", profile.name, contest_id=contest.id
    )
    session.flush()
    return item


def set_included(
    session: Session,
    contest: Contest,
    kind: str,
    object_id: int,
    included: bool,
    reason: str,
    actor,
) -> None:
    """Put an item in the book, or leave it out with a reason."""
    item = _find(ensure_items(session, contest), kind, object_id)
    reason = nfc(reason.strip())
    if not included and not reason:
        raise InvalidInput("Cần ghi rõ lý do không đưa vào sách.")
    item.is_included, item.exclude_reason = included, "" if included else reason
    record_event(
        session,
        actor,
        contest,
        "anthology_include" if included else "anthology_exclude",
        "",
        "",
        reason,
        contest_id=contest.id,
    )
    session.flush()


def edit_copy(
    session: Session, contest: Contest, entry_id: int, title: str, markdown: str, actor
) -> None:
    """Fix the book's copy of an essay; the submitted original is never touched."""
    item = _find(ensure_items(session, contest), "e", entry_id)
    if not title.strip() or not markdown.strip():
        raise InvalidInput("Tên bài và nội dung không được để trống.")
    item.book_title = nfc(title.strip())
    item.book_markdown = nfc(markdown.replace("\r\n", "\n").strip()) + "\n"
    record_event(
        session, actor, contest, "anthology_edit", "", "", item.book_title, contest_id=contest.id
    )
    session.flush()


# --- assembling and building ---------------------------------------------------------------


def assemble_book(session: Session, contest: Contest, folder: str) -> Book:
    """The book as data, with pictures and photos copied into the build folder."""
    require_finalised(contest)
    settings = settings_for(session, contest)
    prize_of = {a.entry_id: a.prize_level.name for a in winners(session, contest)}
    book = Book(
        slug=contest.slug,
        title=settings.title,
        subtitle=settings.subtitle,
        publisher=settings.publisher,
        year=settings.year,
        rights=settings.rights,
        foreword=settings.foreword,
        date=str(settings.year),
    )
    for number, item in enumerate(i for i in items(session, contest) if i.is_included):
        if item.entry_id is not None:
            entry: Entry = item.entry
            key = f"bai-{number + 1}"
            media = os.path.join(storage.entry_dir(entry.storage_key), "media")
            if os.path.isdir(media):
                shutil.copytree(media, os.path.join(folder, key, "media"))
            book.essays.append(
                BookEssay(
                    key=key,
                    title=item.book_title or entry.title,
                    author=entry.author.full_name,
                    unit=entry.author_unit.name,
                    prize=prize_of.get(entry.id, ""),
                    markdown=item.book_markdown or entry.body_markdown,
                )
            )
        else:
            profile: ExemplarProfile = item.profile
            key = f"guong-{number + 1}"
            photo = None
            if profile.photo_path:
                photo = f"{key}.jpg"
                shutil.copy(
                    os.path.join(storage.root(), profile.photo_path), os.path.join(folder, photo)
                )
            book.profiles.append(
                BookProfile(
                    key=key,
                    name=profile.name,
                    kind=SUBJECT_KINDS[profile.kind],
                    category=profile.category,
                    unit=profile.unit.name,
                    address=profile.address,
                    position=profile.position,
                    achievements=profile.achievements,
                    commendations=profile.commendations,
                    photo=photo,
                )
            )
    if settings.cover_path:
        book.cover = os.path.join(storage.root(), settings.cover_path)
    return book


Progress = Callable[[str, int], None]


def build_book(
    session: Session,
    contest: Contest,
    folder: str,
    formats: tuple[str, ...],
    progress: Progress = lambda step, percent: None,
) -> dict[str, str]:
    """Write SLUG.docx and/or SLUG.epub into `folder`; returns format → path."""
    unknown = set(formats) - set(FORMATS)
    if unknown or not formats:
        raise InvalidInput("Định dạng phải là docx và/hoặc epub.")
    os.makedirs(folder, exist_ok=True)
    work = os.path.join(folder, "work")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    progress("Tập hợp bài viết và hồ sơ", 10)
    book = assemble_book(session, contest, work)
    settings = settings_for(session, contest)
    written = {}
    try:
        if "docx" in formats:
            progress("Dàn trang bản in (DOCX)", 35)
            written["docx"] = write_docx(
                book,
                work,
                os.path.join(folder, f"{contest.slug}.docx"),
                settings.page_size,
                settings.margin_mm,
            )
        if "epub" in formats:
            progress("Tạo sách điện tử (EPUB)", 70)
            written["epub"] = write_epub(book, work, os.path.join(folder, f"{contest.slug}.epub"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    progress("Hoàn tất", 100)
    return written


def builds(session: Session, contest: Contest) -> list[AnthologyBuild]:
    return list(
        session.scalars(
            select(AnthologyBuild)
            .where(AnthologyBuild.contest_id == contest.id)
            .order_by(AnthologyBuild.id.desc())
        )
    )


def last_good_build(session: Session, contest: Contest) -> AnthologyBuild | None:
    return session.scalar(
        select(AnthologyBuild)
        .where(AnthologyBuild.contest_id == contest.id, AnthologyBuild.state == "done")
        .order_by(AnthologyBuild.id.desc())
        .limit(1)
    )


def start_build(session: Session, contest: Contest, actor, formats=FORMATS) -> AnthologyBuild:
    """Queue a build; the database refuses a second one while one is queued or running."""
    require_finalised(contest)
    build = AnthologyBuild(
        contest_id=contest.id, folder="", formats=",".join(formats), step="Đang chờ", percent=0
    )
    try:
        with session.begin_nested():
            session.add(build)
            session.flush()
    except IntegrityError as exc:
        raise BuildRunning(
            "Sách của cuộc thi này đang được dựng; hãy chờ lần dựng trước xong."
        ) from exc
    build.folder = os.path.join("anthology", contest.slug, f"build-{build.id}")
    record_event(
        session,
        actor,
        contest,
        "anthology_build",
        "",
        "queued",
        build.formats,
        contest_id=contest.id,
    )
    session.flush()
    return build


def run_build(session: Session, build: AnthologyBuild, commit: Callable[[], None]) -> None:
    """Carry out a queued build, saving progress as it goes; on failure the previous good
    book stays and the reason is recorded."""
    contest = session.get(Contest, build.contest_id)

    def progress(step: str, percent: int) -> None:
        build.step, build.percent = step, percent
        commit()

    build.state = "running"
    commit()
    folder = os.path.join(storage.root(), build.folder)
    try:
        build_book(session, contest, folder, tuple(build.formats.split(",")), progress)
    except (DomainError, BookBuildError, OSError, ValueError, KeyError) as error:
        session.rollback()
        shutil.rmtree(folder, ignore_errors=True)
        build.state, build.error = "failed", str(error) or type(error).__name__
        build.finished_at = utcnow()
        commit()
        return
    build.state, build.finished_at = "done", utcnow()
    commit()


def run_in_background(app: Flask, build_id: int) -> threading.Thread:
    """A thread with its own app context and session: the page polls the build's row."""

    def work() -> None:
        with app.app_context():
            build = db.session.get(AnthologyBuild, build_id)
            run_build(db.session, build, db.session.commit)
            db.session.remove()

    thread = threading.Thread(target=work, name=f"anthology-build-{build_id}", daemon=True)
    thread.start()
    return thread


def build_file(build: AnthologyBuild, slug: str, fmt: str) -> str | None:
    path = os.path.join(storage.root(), build.folder, f"{slug}.{fmt}")
    return path if build.state == "done" and os.path.isfile(path) else None


def certificates_docx(session: Session, contest: Contest) -> bytes:
    """One certificate per prize winner, all in one file."""
    require_finalised(contest)
    settings = settings_for(session, contest)
    if settings.certificate_template_path:
        with open(os.path.join(storage.root(), settings.certificate_template_path), "rb") as fh:
            template = fh.read()
    else:
        template = certificates.default_template(settings.publisher)
    day = (contest.finalised_at or datetime.now()).strftime("ngày %d tháng %m năm %Y")
    return certificates.render_certificates(
        template,
        [
            certificates.Certificate(
                ho_ten=a.entry.author.full_name,
                giai=a.prize_level.name,
                ten_bai=a.entry.title,
                don_vi=a.entry.author_unit.name,
                cuoc_thi=contest.title,
                ngay=day,
            )
            for a in winners(session, contest)
        ],
        settings.publisher,
    )
