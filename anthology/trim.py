"""The book's trim sizes: the ISO ones and the sizes Vietnamese books are mostly printed in
(14,5 × 20,5 cm, 16 × 24 cm, 13 × 19 cm), or any size in millimetres ("150x230"). Pure: the
settings, the command line, the colophon and both writers read sizes through here."""

from __future__ import annotations

import re

NAMED = {
    "A5": (148, 210),
    "B5": (176, 250),
    "A4": (210, 297),
    "145x205": (145, 205),
    "160x240": (160, 240),
    "130x190": (130, 190),
}
# What a printing house can bind, in millimetres (width, then height).
WIDTHS = (100, 300)
HEIGHTS = (140, 420)
# Margins are set for B5; other sizes scale them by their width, never below this.
REFERENCE_WIDTH = 176
MIN_MARGIN_MM = 12
GUTTER_MM = 5  # the binding's extra inner margin, in both the PDF and the DOCX
_CUSTOM = re.compile(r"\s*(\d{2,3})\s*[x×*]\s*(\d{2,3})\s*(mm)?\s*", re.IGNORECASE)


def parse_trim(text: str) -> str:
    """The size's key: "A5", "B5", "A4", or "WxH" in millimetres. ValueError when it is none
    of these or no book could be that size."""
    named = {key.upper(): key for key in NAMED}
    if (text or "").strip().upper() in named:
        return named[text.strip().upper()]
    found = _CUSTOM.fullmatch(text or "")
    if not found:
        raise ValueError(text)
    width, height = int(found.group(1)), int(found.group(2))
    if not (WIDTHS[0] <= width <= WIDTHS[1] and HEIGHTS[0] <= height <= HEIGHTS[1]):
        raise ValueError(text)
    if width >= height:
        raise ValueError(text)  # a book stands upright
    return f"{width}x{height}"


def size_mm(key: str) -> tuple[int, int]:
    if key in NAMED:
        return NAMED[key]
    width, height = key.split("x")
    return int(width), int(height)


def format_cm(key: str) -> str:
    """ "14,5 × 20,5 cm", as the colophon writes the format."""
    width, height = size_mm(key)
    return f"{_cm(width)} × {_cm(height)} cm"


def _cm(mm: int) -> str:
    return f"{mm / 10:g}".replace(".", ",")


def scaled_margin(key: str, margin_mm: int) -> int:
    """The margin set for B5, scaled to this size's width."""
    width, _height = size_mm(key)
    return max(MIN_MARGIN_MM, round(margin_mm * width / REFERENCE_WIDTH))


def label(key: str) -> str:
    """How the book page offers the size: "14,5 × 20,5 cm", "B5 (17,6 × 25 cm)"."""
    return f"{key} ({format_cm(key)})" if key.isalpha() or key[0].isalpha() else format_cm(key)
