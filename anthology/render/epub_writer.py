"""EPUB 3 through pandoc, from the assembled markdown: metadata, Mục lục at three levels, one
file per essay and per profile group; finished by `epub_package` (stylesheet, cover, fonts)."""

from __future__ import annotations

import os

from flask_babel import lazy_gettext as _l

from anthology.render.book import Book
from anthology.render.epub_package import finish_epub
from anthology.render.pandoc import DEFAULT_TIMEOUT_SECONDS, run_pandoc, write_sources

STYLESHEET = os.path.join(os.path.dirname(os.path.dirname(__file__)), "assets", "book.css")


def epub_args(source: str, meta: str, out: str) -> list[str]:
    return [
        "-f",
        "json",
        "-t",
        "epub3",
        "--metadata-file",
        meta,
        "--toc",
        "--toc-depth=3",  # parts; essays and profile groups; profiles
        "--split-level=2",
        "--epub-title-page=false",  # the book's own title page, issuing bodies first
        "-o",
        out,
        source,
    ]


def write_epub(
    book: Book,
    folder: str,
    out: str,
    timeout: int = DEFAULT_TIMEOUT_SECONDS,
    pages: list[tuple[str, list[str]]] | None = None,
) -> str:
    """Pandoc sandboxed (pictures reach it inside the tree), then our stylesheet, cover and
    fonts, and the print master's page list when its `pages` are given."""
    source, meta = write_sources(book, folder, for_docx=False)
    run_pandoc(epub_args(source, meta, out), cwd=folder, timeout=timeout)
    with open(STYLESHEET, "rb") as fh:
        placed = finish_epub(
            out,
            fh.read(),
            book.cover,
            modified=book.built_at,
            title=book.title,
            pages=pages,
            print_edition=book.identifier(),
        )
    if pages:
        book.notes.append(
            str(
                _l(
                    "EPUB: danh sách trang theo bản in, tìm thấy %(placed)s trên %(pages)s "
                    "trang có chữ.",
                    placed=placed,
                    pages=len(pages),
                )
            )
        )
    return out
