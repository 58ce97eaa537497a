"""The renderers: the book assembled as plain data (book.py) becomes DOCX and EPUB through
pandoc (pandoc.py, the one place that runs it); certificates are filled from a DOCX template.
Nothing here touches the database: plain data in, files out."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask_babel import lazy_gettext as _l

from anthology.errors import BookBuildError
from anthology.render.book import Book, PageSetup
from anthology.render.checks import check_file
from anthology.render.docx_writer import write_docx
from anthology.render.epub_pages import page_starts
from anthology.render.epub_writer import write_epub
from anthology.render.pandoc import DEFAULT_TIMEOUT_SECONDS
from anthology.render.pdf_writer import write_pdf

FORMATS = ("docx", "epub", "pdf")
log = logging.getLogger(__name__)


@contextmanager
def work_folder(folder: str) -> Iterator[str]:
    """A scratch folder inside `folder` for pictures and pandoc's inputs, always removed."""
    os.makedirs(folder, exist_ok=True)
    work = tempfile.mkdtemp(prefix=".work-", dir=folder)
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def write_book(
    book: Book,
    page: PageSetup,
    formats: tuple[str, ...],
    work: str,
    folder: str,
    *,
    timeout: int = DEFAULT_TIMEOUT_SECONDS,
    before_format: Callable[[str], None] = lambda fmt: None,
) -> dict[str, str]:
    """Write `folder`/SLUG.<format> for each format, all or none: each file is written in the
    work folder, read back (`checks`), and moved into place only once every format is written
    and sound. Returns format → path."""
    finished = {}
    # The EPUB last, so that it can list the print master's pages.
    for fmt in sorted(formats, key=lambda f: (f == "epub", FORMATS.index(f))):
        before_format(fmt)
        out = os.path.join(work, f"{book.slug}.{fmt}")
        try:
            if fmt == "docx":
                finished[fmt] = write_docx(book, work, out, page, timeout)
            elif fmt == "pdf":
                finished[fmt] = write_pdf(book, work, out, page, timeout)
            else:  # the EPUB lists the print master's pages when there is one
                pages = page_starts(finished["pdf"], page) if "pdf" in finished else None
                finished[fmt] = write_epub(book, work, out, timeout, pages)
            check_file(fmt, finished[fmt], {e.key: e.title for e in book.essays})
        except Exception as error:  # the organiser reads which format stopped, and why
            if not isinstance(error, BookBuildError):
                log.exception("book %s: the %s step failed", book.slug, fmt)
            reason = str(error) if isinstance(error, BookBuildError) else repr(error)
            raise BookBuildError(
                _l("Bản %(format)s chưa dựng được. %(reason)s", format=fmt.upper(), reason=reason)
            ) from error
    written = {}
    for fmt, path in finished.items():
        written[fmt] = os.path.join(folder, os.path.basename(path))
        os.replace(path, written[fmt])
    return written
