"""The leak scan of rọc phách: does an essay reveal its author? Pure text in, flags out.

Looks for the author's name (with and without diacritics), phone, e-mail, the author's unit,
self-references ("tác giả", "người viết", "tôi tên là") and a signature block at the end, in
the title, the subject's name and the text (which carries link targets and picture captions).

It fails closed: the comparison folds case and diacritics character by character and maps every
match back to the original text, so no stray accent or odd character can switch a check off;
an author who writes about someone of the same name is flagged for the organiser to decide."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from contest.platform.text import fold

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


def _fold_character(character: str) -> str:
    """One character as the scan compares it: compatibility forms unified (full-width
    `Ｎ` and `０` are N and 0), case and diacritics dropped, and invisible format characters
    (zero-width space and joiner, word joiner, soft hyphen) dropped altogether."""
    if unicodedata.category(character) == "Cf":
        return ""
    return fold(unicodedata.normalize("NFKC", character))


@lru_cache(maxsize=8)
def _folded_with_positions(text: str) -> tuple[str, tuple[int, ...]]:
    """`text` folded one character at a time, and for each folded character the index of the
    character it came from: a combining mark or an invisible character folds to nothing, so it
    can neither shift nor break a match."""
    folded: list[str] = []
    positions: list[int] = []
    for index, character in enumerate(text):
        for piece in _fold_character(character):
            folded.append(piece)
            positions.append(index)
    return "".join(folded), tuple(positions)


def _find_folded(text: str, needle: str) -> list[tuple[int, int]]:
    """Spans of `needle` in `text`, ignoring case and diacritics, on word boundaries."""
    folded_needle = "".join(map(_fold_character, needle)).strip()
    if not folded_needle:
        return []
    pattern = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in folded_needle.split()) + r"(?!\w)"
    return _find_pattern(text, pattern)


def _find_pattern(text: str, pattern: str) -> list[tuple[int, int]]:
    """Spans in `text` of a pattern matched against its folded form."""
    folded_text, positions = _folded_with_positions(text)
    spans = []
    for match in re.finditer(pattern, folded_text):
        start, end = positions[match.start()], positions[match.end() - 1] + 1
        while end < len(text) and not _fold_character(text[end]):
            end += 1  # a trailing combining mark belongs to the match
        spans.append((start, end))
    return spans


# Between two digits of a phone number: up to three spaces, dots, dashes, slashes, brackets…
_PHONE_GAP = r"[^\w]{0,3}"


def _digits_pattern(phone: str) -> str | None:
    """A phone number however it is written: 0912 345 678, (0912) 345-678, 0912/345/678,
    +84 (0) 912 345 678; full-width digits and invisible characters are folded away first."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) < 8:
        return None
    tail = digits[1:] if digits.startswith("0") else digits
    prefix = rf"(?:\+?84{_PHONE_GAP}(?:0{_PHONE_GAP})?|0{_PHONE_GAP})"
    return r"(?<!\d)" + prefix + _PHONE_GAP.join(tail) + r"(?!\d)"


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
        for start, end in _find_pattern(whole, pattern):
            add("phone", whole[start:end])
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
