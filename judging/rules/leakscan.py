"""The leak scan of rọc phách: does an essay reveal its author? Pure text in, flags out.

Looks for the author's name (with and without diacritics), phone, e-mail, the author's unit,
self-references ("tác giả", "người viết", "tôi tên là") and a signature block at the end."""

from __future__ import annotations

import re
from dataclasses import dataclass

from contest.text import fold

SELF_REFERENCES = [
    r"tôi tên là",
    r"tên tôi là",
    r"người viết\s*:",
    r"tác giả\s*:",
    r"người viết bài",
    r"tác giả bài",
    r"ký tên",
    r"họ và tên\s*:",
    r"số điện thoại\s*:",
    r"đt\s*:",
    r"sđt\s*:",
    r"email\s*:",
    r"thư điện tử\s*:",
]
SIGNATURE_LINES = 3


@dataclass(frozen=True)
class Flag:
    kind: str  # name | phone | email | unit | self_reference | signature
    snippet: str


def _context(text: str, start: int, end: int, width: int = 30) -> str:
    return text[max(0, start - width) : end + width].replace("\n", " ").strip()


def _find_folded(text: str, needle: str) -> list[tuple[int, int]]:
    """Spans of `needle` in `text`, ignoring case and diacritics, on word boundaries.

    Folding keeps one character per character for Vietnamese letters (NFC input), so the
    spans found in the folded text are spans of the original too."""
    folded_text, folded_needle = fold(text), fold(needle).strip()
    if not folded_needle or len(folded_text) != len(text):
        return []
    pattern = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in folded_needle.split()) + r"(?!\w)"
    return [(m.start(), m.end()) for m in re.finditer(pattern, folded_text)]


def _digits_pattern(phone: str) -> str | None:
    digits = re.sub(r"\D", "", phone)
    if len(digits) < 8:
        return None
    tail = digits[1:] if digits.startswith("0") else digits
    return r"(?:\+?84[\s.\-]?|0)" + r"[\s.\-]?".join(tail)


def scan(
    text: str,
    *,
    title: str = "",
    author_name: str = "",
    phone: str | None = None,
    email: str | None = None,
    unit_names: tuple[str, ...] = (),
    subject_name: str = "",
) -> list[Flag]:
    """Everything in the title and text that may identify the author."""
    flags: list[Flag] = []
    whole = f"{title}\n{text}"
    seen: set[tuple[str, str]] = set()

    def add(kind: str, snippet: str) -> None:
        if (kind, snippet) not in seen:
            seen.add((kind, snippet))
            flags.append(Flag(kind, snippet))

    subject_spans = _find_folded(whole, subject_name) if subject_name else []
    if author_name and fold(author_name).strip() != fold(subject_name).strip():
        for start, end in _find_folded(whole, author_name):
            if not any(s <= start and end <= e for s, e in subject_spans):
                add("name", whole[start:end])
    if phone and (pattern := _digits_pattern(phone)):
        for match in re.finditer(pattern, whole):
            add("phone", match.group(0))
    if email:
        for start, end in _find_folded(whole, email):
            add("email", whole[start:end])
    for unit in unit_names:
        for start, end in _find_folded(whole, unit):
            add("unit", whole[start:end])
    for reference in SELF_REFERENCES:
        for match in re.finditer(reference, whole, flags=re.IGNORECASE):
            add("self_reference", _context(whole, match.start(), match.end()))
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    for line in lines[-SIGNATURE_LINES:]:
        words = line.split()
        looks_like_name = 2 <= len(words) <= 5 and all(w[:1].isupper() for w in words)
        if looks_like_name and not line.endswith((".", "!", "?", "…")):
            add("signature", line)
    return flags


def redact(markdown: str, snippet: str, mark: str = "[…]") -> str:
    """Replace every occurrence of `snippet` (ignoring case and diacritics) with the mark."""
    spans = _find_folded(markdown, snippet)
    for start, end in reversed(spans):
        markdown = markdown[:start] + mark + markdown[end:]
    if not spans and snippet in markdown:
        markdown = markdown.replace(snippet, mark)
    return markdown
