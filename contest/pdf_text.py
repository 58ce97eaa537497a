"""The text layer of a PDF essay, with its paragraphs rebuilt. Layout and pictures are not kept;
a scanned PDF (pictures of pages, no text) has nothing to give and is refused by the caller."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from pypdf.errors import PdfReadError

# A line that ends like this closes its paragraph; any other line runs on into the next.
_PARAGRAPH_END = re.compile(r"[.!?…:;»”\"')]\s*$")
MIN_TEXT_CHARACTERS = 20


class PdfUnreadable(Exception):
    """Broken, encrypted, or holding no text (a scan)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _paragraphs(lines: list[str]) -> list[str]:
    paragraphs: list[str] = []
    current = ""
    for raw in lines:
        line = " ".join(raw.split())
        if not line:
            if current:
                paragraphs.append(current)
                current = ""
            continue
        if current.endswith("-") and line[:1].islower():
            current = current[:-1] + line
        else:
            current = f"{current} {line}".strip()
        if _PARAGRAPH_END.search(line):
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return paragraphs


def extract_text(data: bytes, max_pages: int = 200) -> str:
    """Plain text, paragraphs separated by a blank line."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise PdfUnreadable("encrypted")
        if len(reader.pages) > max_pages:
            raise PdfUnreadable("too_many_pages")
        lines = []
        for page in reader.pages:
            lines.extend((page.extract_text() or "").splitlines())
            lines.append("")
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise PdfUnreadable("broken") from exc
    text = "\n\n".join(_paragraphs(lines))
    if sum(1 for ch in text if ch.isalnum()) < MIN_TEXT_CHARACTERS:
        raise PdfUnreadable("no_text")
    return text
