"""Text rules every package shares: one Unicode form, accent-blind comparison, safe markdown."""

from __future__ import annotations

import re
import unicodedata

WORD_RE = re.compile(r"\w", re.UNICODE)


def nfc(value: str) -> str:
    """Unicode NFC: the one form text is stored and compared in."""
    return unicodedata.normalize("NFC", value)


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
