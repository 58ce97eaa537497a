"""The printed cover of the book: its spine measured on the interior's page count and the
printer's paper, written apart from the interior (`render.cover`)."""

from __future__ import annotations

import os
import tempfile
from datetime import datetime

from flask_babel import lazy_gettext as _l
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from sqlalchemy.orm import Session

from anthology import render
from anthology.errors import BookBuildError
from anthology.render.book import date_line
from anthology.render.cover import (
    BLEED_MM,
    BLEED_RANGE_MESSAGE,
    COVER_BLEED_MM,
    DEFAULT_PAPER_UM,
    PAPER_RANGE_MESSAGE,
    PAPER_UM,
    Cover,
    write_cover,
)
from anthology.services import builds
from anthology.services.settings import require_complete, require_finalised, settings_for
from contest.models import Contest
from contest.platform.errors import InvalidInput
from contest.platform.storage import FileStore


def printed_pages(
    session: Session, files: FileStore, contest: Contest, lay_out_at: datetime | None
) -> int:
    """The interior's page count: laid out at `lay_out_at` (the CLI: always true to the
    settings and contents of this moment), else (None) that of the newest print master that
    finished (the book page: a download never starts a layout)."""
    try:
        if lay_out_at is not None:
            with tempfile.TemporaryDirectory(prefix="guongsang-pages-") as folder:
                written = builds.build_book(
                    session, contest, folder, ("pdf",), now=lay_out_at, files=files
                )
                return len(PdfReader(written["pdf"]).pages)
        for build in builds.builds(session, contest):
            path = builds.build_file(files, build, contest.slug, "pdf")
            if path:
                return len(PdfReader(path).pages)
    except PdfReadError as error:
        raise BookBuildError(_l("Không đọc được bản PDF của sách để đếm trang.")) from error
    raise InvalidInput(
        _l("Chưa có bản PDF nào dựng xong: hãy dựng sách (PDF) trước, để biết số trang và độ "
           "dày của gáy.")
    )  # fmt: skip


def check_paper(paper_um: int, bleed_mm: float) -> None:
    """The bounds and the words of the book page's form (`render.cover`)."""
    if not PAPER_UM[0] <= paper_um <= PAPER_UM[1]:
        raise InvalidInput(PAPER_RANGE_MESSAGE)
    if not BLEED_MM[0] <= bleed_mm <= BLEED_MM[1]:
        raise InvalidInput(BLEED_RANGE_MESSAGE)


def write_book_cover(
    session: Session,
    files: FileStore,
    contest: Contest,
    out: str,
    paper_um: int = DEFAULT_PAPER_UM,
    bleed_mm: float = COVER_BLEED_MM,
    *,
    lay_out_at: datetime | None,
) -> Cover:
    """Write the cover sheet to `out` (nothing there unless it is whole) and say what it
    measured; `lay_out_at`: see `printed_pages`. Reads only: nothing is recorded."""
    check_paper(paper_um, bleed_mm)
    require_finalised(contest)
    settings = settings_for(session, contest)
    require_complete(settings)
    pages = printed_pages(session, files, contest, lay_out_at)
    with render.work_folder(os.path.dirname(os.path.abspath(out))) as work:
        picture = None
        if settings.cover_path:
            picture = os.path.join(work, "front.jpg")
            source = files.path(settings.cover_path)
            if not builds.print_copy(source, picture, builds.COVER_SIDE_PX):
                picture = None
        rights = [settings.rights] if settings.rights else []
        isbn = [f"ISBN {settings.isbn}"] if settings.isbn else []
        cover = Cover(
            title=settings.title,
            subtitle=settings.subtitle,
            issuing_bodies=builds.lines(settings.issuing_bodies),
            date_line=date_line(settings.place, settings.year),
            publisher=settings.publisher,
            back_lines=[settings.publisher, *rights, *isbn],
            trim_size=settings.page_size,
            pages=pages,
            paper_um=paper_um,
            bleed_mm=bleed_mm,
            picture=picture,
        )
        written = write_cover(cover, work, os.path.join(work, "cover.pdf"))
        os.replace(written, out)
    return cover


def cover_pdf(
    session: Session, files: FileStore, contest: Contest, paper_um: int, bleed_mm: float
) -> tuple[bytes, Cover]:
    """For a download: the cover's bytes, written in a folder removed straight after."""
    with tempfile.TemporaryDirectory(prefix="guongsang-cover-") as folder:
        out = os.path.join(folder, "bia.pdf")
        cover = write_book_cover(session, files, contest, out, paper_um, bleed_mm, lay_out_at=None)
        with open(out, "rb") as fh:
            return fh.read(), cover
