"""EPUB 3 through pandoc, from the assembled markdown: metadata, stylesheet, Mục lục, one file
per essay, the cover, an embedded Vietnamese-capable font."""

from __future__ import annotations

import json
import os
import subprocess

import pypandoc

from anthology.book import Book, metadata, render

FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONTS = ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf")
STYLESHEET = os.path.join(os.path.dirname(__file__), "assets", "book.css")
SUMMARY = (
    "Sách điện tử có mục lục, cấu trúc đề mục theo phần và bài, thứ tự đọc theo nội dung; "
    "ảnh có văn bản thay thế."
)


class BookBuildError(RuntimeError):
    """The book could not be written; the message says why, in Vietnamese."""


def font_paths() -> list[str]:
    paths = [os.path.join(FONT_DIR, name) for name in FONTS]
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        raise BookBuildError(
            "Thiếu phông chữ DejaVu Serif để nhúng vào sách (gói Debian fonts-dejavu-core): "
            + ", ".join(missing)
        )
    return paths


def pandoc(args: list[str], cwd: str, timeout: int = 600) -> None:
    """Run pypandoc's pandoc with a time limit, in the build folder."""
    done = subprocess.run(
        [pypandoc.get_pandoc_path(), *args],
        cwd=cwd,
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise BookBuildError("Pandoc báo lỗi: " + done.stderr.decode("utf-8", "replace")[-500:])


def write_sources(book: Book, folder: str, *, for_docx: bool) -> tuple[str, str]:
    """The markdown and metadata files pandoc reads, written into the build folder."""
    name = "book-docx" if for_docx else "book-epub"
    source = os.path.join(folder, f"{name}.md")
    meta = os.path.join(folder, f"{name}.yaml")
    with open(source, "w", encoding="utf-8") as fh:
        fh.write(render(book, for_docx=for_docx))
    with open(meta, "w", encoding="utf-8") as fh:
        json.dump(metadata(book, SUMMARY), fh, ensure_ascii=False)  # JSON is YAML
    return source, meta


def epub_args(source: str, meta: str, out: str, book: Book) -> list[str]:
    args = [
        "-f",
        "markdown",
        "-t",
        "epub3",
        "--metadata-file",
        meta,
        "--toc",
        "--toc-depth=2",
        "--split-level=2",
        "--css",
        STYLESHEET,
        "-o",
        out,
        source,
    ]
    for font in font_paths():
        args.append(f"--epub-embed-font={font}")
    if book.cover:
        args.append(f"--epub-cover-image={book.cover}")
    return args


def write_epub(book: Book, folder: str, out: str) -> str:
    source, meta = write_sources(book, folder, for_docx=False)
    pandoc(epub_args(source, meta, out, book), cwd=folder)
    return out
