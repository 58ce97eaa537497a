"""The external programs of a book build (pandoc, Typst, EPUBCheck) run one way: captured
output, a time limit, and an overrun turned into the build's own error. Typst lays out both
the interior and the cover the same way (`compile_typst`)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable

from flask_babel import lazy_gettext as _l
from pypdf import PdfReader, PdfWriter
from pypdf.generic import RectangleObject

from anthology.errors import BookBuildError
from anthology.render.fonts import font_files

MM = 72 / 25.4  # PDF points in a millimetre
# The declared standard: PDF/A-2b, with Typst's sRGB output intent, every font embedded.
PDF_STANDARD = "a-2b"
# Typst runs in a process of its own, so a layout that never ends can be stopped; its error
# goes out with the place in the source (`pdf_writer.failing_essay` reads it).
COMPILE = (
    "import sys, typst\n"
    "try:\n"
    "    typst.compile(sys.argv[1], output=sys.argv[2], root=sys.argv[3], "
    "font_paths=[sys.argv[4]], ignore_system_fonts=True, pdf_standards=[sys.argv[5]], "
    "pdf_tags=bool(sys.argv[6]))\n"
    "except typst.TypstError as error:\n"
    "    sys.exit(error.diagnostic or str(error))\n"
)


def run_tool(
    command: list[str], overrun_message, timeout: int, cwd: str | None = None
) -> subprocess.CompletedProcess:
    """Run `command`; past `timeout` seconds it is killed and the build fails with
    `overrun_message`; a program the machine cannot start fails it too. The caller judges
    the exit status."""
    try:
        return subprocess.run(command, cwd=cwd, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise BookBuildError(overrun_message) from exc
    except OSError as exc:  # not installed, or not allowed to run
        message = _l(
            "Máy chủ không chạy được chương trình %(program)s (chưa cài, hoặc không có "
            "quyền chạy).",
            program=os.path.basename(command[0]),
        )
        raise BookBuildError(message) from exc


def error_tail(done: subprocess.CompletedProcess, size: int = 500) -> str:
    """The end of what the program wrote on its error stream, for the build's message."""
    return done.stderr.decode("utf-8", "replace")[-size:]


def compile_typst(
    template: str,
    data_file: str,
    data: dict,
    folder: str,
    out: str,
    *,
    bleed_mm: float,
    timeout: int,
    overrun_message,
    failure: Callable[[subprocess.CompletedProcess], object],
) -> str:
    """Lay out `template` into the PDF `out` in `folder`, beside the sources it reads: `data`
    as `data_file` (plain strings the template shows as text, never code), only the book's
    own fonts. Then the declared standard and the printer's boxes (`bleed_mm`). Typst's error
    becomes the build's in the words `failure` makes of it; past `timeout` seconds it is
    `overrun_message`."""
    main = prepare_typst(template, folder)
    write_data(folder, data_file, data)
    run_typst(main, out, timeout=timeout, overrun_message=overrun_message, failure=failure)
    set_boxes(out, bleed_mm)
    return out


def prepare_typst(template: str, folder: str) -> str:
    """Copy `template` and the book's fonts into `folder`; returns the template's copy."""
    main = os.path.join(folder, os.path.basename(template))
    shutil.copy(template, main)
    fonts = os.path.join(folder, "fonts")
    os.makedirs(fonts, exist_ok=True)
    for path in font_files():
        shutil.copy(path, fonts)
    return main


def write_data(folder: str, data_file: str, data: dict) -> None:
    """The template's data, as JSON beside it."""
    with open(os.path.join(folder, data_file), "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False)


def run_typst(
    main: str,
    out: str,
    *,
    timeout: int,
    overrun_message,
    failure: Callable[[subprocess.CompletedProcess], object],
    tagged: bool = True,
) -> None:
    """Typst, in a process of its own, lays out `main` (prepared by `prepare_typst`) into
    `out`, with the declared standard; `tagged` or not (pieces joined later are not: their
    structure trees would not join)."""
    folder = os.path.dirname(main)
    done = run_tool(
        [sys.executable, "-c", COMPILE, main, out, folder, os.path.join(folder, "fonts"),
         PDF_STANDARD, "tagged" if tagged else ""],
        overrun_message,
        timeout,
    )  # fmt: skip
    if done.returncode != 0:
        raise BookBuildError(failure(done))


def set_boxes(path: str, bleed_mm: float) -> None:
    """What a printer's preflight reads: the TrimBox where the paper is cut and the BleedBox
    (the whole sheet) around it; Typst writes only the MediaBox."""
    reader = PdfReader(path)
    writer = PdfWriter(clone_from=reader)
    inset = bleed_mm * MM
    for sheet in writer.pages:
        left, bottom, right, top = (float(v) for v in sheet.mediabox)
        sheet.bleedbox = RectangleObject((left, bottom, right, top))
        sheet.trimbox = RectangleObject((left + inset, bottom + inset, right - inset, top - inset))
    with open(path, "wb") as fh:
        writer.write(fh)
