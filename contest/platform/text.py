"""Text rules every package shares: one Unicode form, accent-blind comparison, safe markdown."""

from __future__ import annotations

import re
import unicodedata

WORD_RE = re.compile(r"\w", re.UNICODE)


def nfc(value: str) -> str:
    """Unicode NFC: the one form text is stored and compared in."""
    return unicodedata.normalize("NFC", value)


# C0 control characters other than tab and line breaks: never text a person typed, refused by
# PostgreSQL (NUL) and by XML (the book, the spreadsheets). Bidirectional embeddings and
# overrides: invisible, they reorder what a reader or a screen reader takes in.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def without_control_characters(value):
    """Typed text without control characters (every form field's, and the CLI's); other data
    as it is."""
    return _CONTROL_CHARACTERS.sub("", value) if isinstance(value, str) else value


def fold(text: str) -> str:
    """Lower case without diacritics: 'Lò Thị Hoa' and 'lo thi hoa' compare equal."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def count_words(text: str) -> int:
    """Vietnamese 'chữ': whitespace-separated tokens that hold at least one letter or digit."""
    return sum(1 for token in text.split() if WORD_RE.search(token))


def escape_markdown(text: str) -> str:
    """Plain text made safe to place in pandoc markdown: it reads back exactly as written."""
    return re.sub(r"([\\`*_{}\[\]<>#+\-.!|~^$@:\"'])", r"\\\1", text)


# The Vietnamese alphabet (with f, j, w, z where the Latin alphabet has them), then tones in
# dictionary order: ngang, huyền, hỏi, ngã, sắc, nặng. The same order as ICU's "vi" collator.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {letter: rank for rank, letter in enumerate(_ALPHABET)}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_DIGITS_BASE, _LETTERS_BASE, _OTHER_BASE = 0x100, 0x200, 0x300


def _collation_element(character: str) -> tuple[int, int, int]:
    """(letter, tone, case) weights of one character."""
    decomposed = unicodedata.normalize("NFD", character)
    tone = next((_TONES[mark] for mark in decomposed if mark in _TONES), 0)
    letter = unicodedata.normalize("NFC", "".join(m for m in decomposed if m not in _TONES))
    lower = letter.lower()
    case = 0 if letter == lower else 1
    if lower in _LETTER_RANK:
        return _LETTERS_BASE + _LETTER_RANK[lower], tone, case
    if lower.isdigit() and len(lower) == 1:
        return _DIGITS_BASE + unicodedata.digit(lower, 0), tone, case
    if lower.isalpha():
        return _OTHER_BASE + ord(lower[0]), tone, case
    return ord(lower[0]) if ord(lower[0]) < _DIGITS_BASE else _DIGITS_BASE - 1, tone, case


def vietnamese_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """Sort key in Vietnamese order: letters first (ă after a, đ after d, ơ after ô …), then
    tones, then case, as a dictionary does. Use it wherever names or titles are sorted."""
    elements = [_collation_element(ch) for ch in nfc(text) if ch.strip() or ch == " "]
    return (
        tuple(e[0] for e in elements),
        tuple(e[1] for e in elements),
        tuple(e[2] for e in elements),
    )
