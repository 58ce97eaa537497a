"""The printed cover, apart from the interior: back, spine and front on one sheet with bleed
all round. The spine is as thick as the book: its leaves (half the page count) times the
paper's thickness. The front is the organiser's picture, or a cover set in type from the
book's title, occasion, issuing body, place and year."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from anthology import trim
from anthology.render.fonts import FAMILIES
from anthology.render.tools import compile_typst, error_tail

TEMPLATE = os.path.join(os.path.dirname(os.path.dirname(__file__)), "assets", "cover.typ")
# Offset paper of 80 g/m², the usual inside paper of a provincial book: about 0.1 mm a leaf.
DEFAULT_PAPER_UM = 100
PAPER_UM = (50, 400)  # what a printer's papers measure, thinnest to thickest
# The title goes on the spine only when the spine is wide enough to read it.
SPINE_TITLE_MIN_MM = 6
COVER_BLEED_MM = 3
BLEED_MM = (0, 10)
# What the book page's form and `anthology cover` (through `services.covers`) both say of a
# value outside those bounds.
PAPER_RANGE_MESSAGE = _l(
    "Độ dày giấy phải từ %(low)s đến %(high)s µm (giấy in 80 g/m² dày khoảng 100 µm).",
    low=PAPER_UM[0],
    high=PAPER_UM[1],
)
BLEED_RANGE_MESSAGE = _l(
    "Lề xén (bleed) phải từ %(low)s đến %(high)s mm.", low=BLEED_MM[0], high=BLEED_MM[1]
)
TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class Cover:
    title: str
    subtitle: str  # the occasion: "Chào mừng Hội nghị …"
    issuing_bodies: list[str]
    date_line: str
    publisher: str
    back_lines: list[str]  # publisher, rights, ISBN: what the back cover says
    trim_size: str
    pages: int
    paper_um: int = DEFAULT_PAPER_UM
    bleed_mm: float = COVER_BLEED_MM
    picture: str | None = None  # the front, inside the work folder

    @property
    def spine_mm(self) -> float:
        """A leaf is two pages; a book of an odd count still has whole leaves."""
        return round(math.ceil(self.pages / 2) * self.paper_um / 1000, 1)

    @property
    def sheet_mm(self) -> tuple[float, float]:
        """Back, spine and front, and the bleed on both sides."""
        width, height = trim.size_mm(self.trim_size)
        return (
            round(2 * width + self.spine_mm + 2 * self.bleed_mm, 1),
            height + 2 * self.bleed_mm,
        )


def write_cover(cover: Cover, folder: str, out: str) -> str:
    width, height = trim.size_mm(cover.trim_size)
    sheet_width, sheet_height = cover.sheet_mm
    data = {
        "title": cover.title,
        "subtitle": cover.subtitle,
        "issuing_bodies": cover.issuing_bodies,
        "date_line": cover.date_line,
        "publisher": cover.publisher,
        "back_lines": cover.back_lines,
        "fonts": FAMILIES,
        "picture": os.path.basename(cover.picture) if cover.picture else None,
        "sheet": {"width": sheet_width, "height": sheet_height},
        "trim": {"width": width, "height": height},
        "spine": cover.spine_mm,
        "spine_title": cover.spine_mm >= SPINE_TITLE_MIN_MM,
        "bleed": cover.bleed_mm,
    }
    return compile_typst(
        TEMPLATE,
        "cover.json",
        data,
        folder,
        out,
        bleed_mm=cover.bleed_mm,
        timeout=TIMEOUT_SECONDS,
        overrun_message=_l("Dàn trang bìa chạy quá %(seconds)s giây.", seconds=TIMEOUT_SECONDS),
        failure=lambda done: _l(
            "Typst báo lỗi khi dàn trang bìa: %(message)s", message=error_tail(done)
        ),
    )
