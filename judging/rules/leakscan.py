"""The leak scan of rọc phách: does an essay reveal its author? Pure text in, flags out.

Looks for the author's name (with and without diacritics), phone, e-mail, the author's unit,
self-references ("tác giả", "người viết", "tôi tên là") and a signature block at the end, in
the title, the subject's name and the text (which carries link targets and picture captions).

It fails closed: the comparison folds case and diacritics character by character and maps every
match back to the original text, so no stray accent or odd character can switch a check off;
an author who writes about someone of the same name is flagged for the organiser to decide."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

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
    # name | name_is_subject | phone | email | unit | self_reference | signature | unscanned
    kind: str
    snippet: str


def _context(text: str, start: int, end: int, width: int = 30) -> str:
    return text[max(0, start - width) : end + width].replace("\n", " ").strip()


@lru_cache(maxsize=8)
def _folded_with_positions(text: str) -> tuple[str, tuple[int, ...]]:
    """`text` folded one character at a time, and for each folded character the index of the
    character it came from: a combining mark folds to nothing, so it cannot shift a match."""
    folded: list[str] = []
    positions: list[int] = []
    for index, character in enumerate(text):
        for piece in fold(character):
            folded.append(piece)
            positions.append(index)
    return "".join(folded), tuple(positions)


def _find_folded(text: str, needle: str) -> list[tuple[int, int]]:
    """Spans of `needle` in `text`, ignoring case and diacritics, on word boundaries."""
    folded_needle = fold(needle).strip()
    if not folded_needle:
        return []
    folded_text, positions = _folded_with_positions(text)
    pattern = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in folded_needle.split()) + r"(?!\w)"
    spans = []
    for match in re.finditer(pattern, folded_text):
        start, end = positions[match.start()], positions[match.end() - 1] + 1
        while end < len(text) and not fold(text[end]):
            end += 1  # a trailing combining mark belongs to the match
        spans.append((start, end))
    return spans


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
    """Everything in the title, the subject's name and the text that may identify the author."""
    flags: list[Flag] = []
    whole = f"{title}\n{subject_name}\n{text}"
    seen: set[tuple[str, str]] = set()

    def add(kind: str, snippet: str) -> None:
        if (kind, snippet) not in seen:
            seen.add((kind, snippet))
            flags.append(Flag(kind, snippet))

    same_name = fold(author_name).strip() == fold(subject_name).strip()
    for start, end in _find_folded(whole, author_name) if author_name else []:
        add("name_is_subject" if same_name else "name", whole[start:end])
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
