"""EPUB 3 through pandoc, from the assembled markdown: metadata, stylesheet, Mục lục, one file
per essay, the cover, an embedded Vietnamese-capable font."""

from __future__ import annotations

import os

from flask_babel import lazy_gettext as _l

from anthology.errors import BookBuildError
from anthology.render.book import Book
from anthology.render.epub_package import finish_epub
from anthology.render.pandoc import DEFAULT_TIMEOUT_SECONDS, run_pandoc, write_sources

FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONTS = ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf")
STYLESHEET = os.path.join(os.path.dirname(os.path.dirname(__file__)), "assets", "book.css")


def font_paths() -> list[str]:
    paths = [os.path.join(FONT_DIR, name) for name in FONTS]
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        raise BookBuildError(
            _l(
                "Thiếu phông chữ DejaVu Serif để nhúng vào sách (gói Debian fonts-dejavu-core): "
                "%(paths)s",
                paths=", ".join(missing),
            )
        )
    return paths


def epub_args(source: str, meta: str, out: str) -> list[str]:
    args = [
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
    for font in font_paths():
        args.append(f"--epub-embed-font={font}")
    return args


def write_epub(book: Book, folder: str, out: str, timeout: int = DEFAULT_TIMEOUT_SECONDS) -> str:
    """Pandoc sandboxed (pictures reach it inside the tree), then our stylesheet and cover."""
    source, meta = write_sources(book, folder, for_docx=False)
    run_pandoc(epub_args(source, meta, out), cwd=folder, timeout=timeout)
    with open(STYLESHEET, "rb") as fh:
        finish_epub(out, fh.read(), book.cover)
    return out
