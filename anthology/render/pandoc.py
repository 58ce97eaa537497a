"""The one place that runs pandoc for the book: its inputs (markdown and metadata written into
the build folder) and the run itself, with a time limit."""

from __future__ import annotations

import json
import os
import subprocess

import pypandoc
from flask_babel import lazy_gettext as _l

from anthology.errors import BookBuildError
from anthology.render.book import Book, metadata, render

DEFAULT_TIMEOUT_SECONDS = 600
SUMMARY = (
    "Sách điện tử có mục lục, cấu trúc đề mục theo phần và bài, thứ tự đọc theo nội dung; "
    "ảnh có văn bản thay thế."
)


def run_pandoc(args: list[str], cwd: str, timeout: int = DEFAULT_TIMEOUT_SECONDS) -> None:
    """Run pypandoc's pandoc in the build folder; a failure or an overrun is a BookBuildError."""
    try:
        done = subprocess.run(
            [pypandoc.get_pandoc_path(), *args],
            cwd=cwd,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise BookBuildError(
            _l("Pandoc chạy quá %(seconds)s giây; sách chưa dựng xong.", seconds=timeout)
        ) from exc
    if done.returncode != 0:
        raise BookBuildError(
            _l(
                "Pandoc báo lỗi: %(message)s",
                message=done.stderr.decode("utf-8", "replace")[-500:],
            )
        )


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
