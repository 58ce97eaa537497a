"""Vietnamese typed in the legacy font encodings that offices used before Unicode.

In TCVN3 (ABC, fonts named ".Vn…") and VNI (fonts named "VNI-…") the bytes only mean
Vietnamese letters together with the font of each run, so a document's text is converted run by
run, by font name. Pure: text and font names in, Unicode NFC out; Python has no codec for these.

Tables: TCVN 5712:1993 (VN3, the "ABC" fonts) and the VNI-Windows code page, both as Word
stores them in a document: each byte as the Latin-1 character of the same number."""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum


class LegacyEncoding(StrEnum):
    TCVN3 = "tcvn3"
    TCVN3_CAPITALS = "tcvn3-capitals"
    VNI = "vni"


# TCVN3: one byte per letter. Lower-case toned vowels, đ and the seven base capitals that have
# their own code; a capital with a tone mark was typed in the ".Vn…H" font of the same family,
# which draws the lower-case codes as capitals.
_TCVN3_PAIRS = (
    "µà ¸á ¶ả ·ã ¹ạ ¨ă »ằ ¾ắ ¼ẳ ½ẵ Æặ ©â Çầ Êấ Èẩ Éẫ Ëậ ®đ "
    "Ìè Ðé Îẻ Ïẽ Ñẹ ªê Òề Õế Óể Ôễ Öệ ×ì Ýí Øỉ Üĩ Þị "
    "ßò ãó áỏ âõ äọ «ô åồ èố æổ çỗ éộ ¬ơ êờ íớ ëở ìỡ îợ "
    "ïù óú ñủ òũ ôụ \u00adư õừ øứ öử ÷ữ ùự úỳ ýý ûỷ üỹ þỵ "
    "¡Ă ¢Â §Đ £Ê ¤Ô ¥Ơ ¦Ư"
)
TCVN3 = {pair[0]: pair[1] for pair in _TCVN3_PAIRS.split(" ")}

# VNI: a base letter followed by a mark character; i, y with a dot, ơ, ư and đ have single codes.
_VNI_MARKS = {
    "a": {
        "ø": "à",
        "ù": "á",
        "û": "ả",
        "õ": "ã",
        "ï": "ạ",
        "ê": "ă",
        "è": "ằ",
        "é": "ắ",
        "ú": "ẳ",
        "ü": "ẵ",
        "ë": "ặ",
        "â": "â",
        "à": "ầ",
        "á": "ấ",
        "å": "ẩ",
        "ã": "ẫ",
        "ä": "ậ",
    },
    "e": {
        "ø": "è",
        "ù": "é",
        "û": "ẻ",
        "õ": "ẽ",
        "ï": "ẹ",
        "â": "ê",
        "à": "ề",
        "á": "ế",
        "å": "ể",
        "ã": "ễ",
        "ä": "ệ",
    },
    "o": {
        "ø": "ò",
        "ù": "ó",
        "û": "ỏ",
        "õ": "õ",
        "ï": "ọ",
        "â": "ô",
        "à": "ồ",
        "á": "ố",
        "å": "ổ",
        "ã": "ỗ",
        "ä": "ộ",
    },
    "ô": {"ø": "ờ", "ù": "ớ", "û": "ở", "õ": "ỡ", "ï": "ợ"},
    "u": {"ø": "ù", "ù": "ú", "û": "ủ", "õ": "ũ", "ï": "ụ"},
    "ö": {"ø": "ừ", "ù": "ứ", "û": "ử", "õ": "ữ", "ï": "ự"},
    "y": {"ø": "ỳ", "ù": "ý", "û": "ỷ", "õ": "ỹ"},
}
_VNI_SINGLES = {
    "ì": "ì",
    "í": "í",
    "æ": "ỉ",
    "ó": "ĩ",
    "ò": "ị",
    "î": "ỵ",
    "ô": "ơ",
    "ö": "ư",
    "ñ": "đ",
}


def _vni_table() -> dict[str, str]:
    """Both cases: capitals are the same sequences typed in capitals (A + Ù = Á)."""
    table: dict[str, str] = {}
    for base, marks in _VNI_MARKS.items():
        for mark, letter in marks.items():
            table[base + mark] = letter
            table[base.upper() + mark.upper()] = letter.upper()
    for code, letter in _VNI_SINGLES.items():
        table.setdefault(code, letter)
        table.setdefault(code.upper(), letter.upper())
    return table


VNI = _vni_table()
_VNI_PATTERN = re.compile("|".join(sorted(map(re.escape, VNI), key=len, reverse=True)))


def encoding_of_font(font_name: str | None) -> LegacyEncoding | None:
    """Which legacy encoding a font name implies: ".VnTime", ".VnArialH", "VNI-Times" …"""
    name = (font_name or "").strip().lower()
    if name.startswith(("vni-", "vni ")):
        return LegacyEncoding.VNI
    if name.startswith(".vn"):
        return LegacyEncoding.TCVN3_CAPITALS if name.endswith("h") else LegacyEncoding.TCVN3
    return None


def to_unicode(text: str, encoding: LegacyEncoding) -> str:
    """One run's text, read as its font's encoding, in Unicode NFC."""
    if encoding is LegacyEncoding.VNI:
        converted = _VNI_PATTERN.sub(lambda m: VNI[m.group(0)], text)
    else:
        converted = "".join(TCVN3.get(ch, ch) for ch in text)
        if encoding is LegacyEncoding.TCVN3_CAPITALS:
            converted = converted.upper()
    return unicodedata.normalize("NFC", converted)


_VIETNAMESE_CHARACTERS = frozenset(
    "aăâbcdđeêghiklmnoôơpqrstuưvxyfjwz0123456789"
    + "".join(TCVN3.values()).lower()
    + "".join(VNI.values()).lower()
    + "!\"#$%&'()*+,-./:;<=>?@[]_`{|}~–—…“”‘’"
)


def vietnamese_share(text: str) -> float:
    """The share of words made only of Vietnamese letters, digits and punctuation: near 1 for
    text read in the right encoding, lower for mojibake. Tells how a .txt file was saved."""
    words = unicodedata.normalize("NFC", text).lower().split()
    if not words:
        return 0.0
    return sum(1 for word in words if set(word) <= _VIETNAMESE_CHARACTERS) / len(words)


# VIQR (RFC 1456): Vietnamese in plain ASCII, marks typed after the vowel: "Vie^.t Nam",
# "dd" for đ, "\" before a mark that is meant literally. As in the RFC a "?" or "." after a
# vowel is a tone unless escaped — except at the end of a line, where it is punctuation.
_VIQR_MODIFIERS = {"(": "\u0306", "^": "\u0302", "+": "\u031b"}
_VIQR_TONES = {"'": "\u0301", "`": "\u0300", "?": "\u0309", "~": "\u0303", ".": "\u0323"}
_VIQR_SYLLABLE = re.compile(
    r"(?<!\\)([aA](?:\(|\^)?|[eE]\^?|[oO](?:\^|\+)?|[uU]\+?|[iIyY])"
    r"([\'`?~.])?(?=(\w)|( \S)|)"
)
_VIQR_DD = re.compile(r"(?<![A-Za-z])(dd|DD|Dd)")


def _viqr_syllable(match: re.Match) -> str:
    vowel, tone, letter_follows, word_follows = match.groups()
    base, modifier = vowel[0], vowel[1:]
    if tone in ("?", ".") and not (letter_follows or word_follows):
        tone = None
    marks = _VIQR_MODIFIERS.get(modifier, "") + (_VIQR_TONES[tone] if tone else "")
    if not marks:
        return match.group(0)
    return unicodedata.normalize("NFC", base + marks)


def viqr_to_unicode(text: str) -> str:
    """VIQR text in Unicode NFC."""
    converted = _VIQR_DD.sub(lambda m: "Đ" if m.group(0)[0] == "D" else "đ", text)
    converted = _VIQR_SYLLABLE.sub(_viqr_syllable, converted)
    return unicodedata.normalize("NFC", converted.replace("\\", ""))


_VIQR_MARKED_WORD = re.compile(r"[aeiouyAEIOUY][(^+]?[\'`?~.]\w|[aeoAEO][(^+]|\b[dD][dD]")


def looks_like_viqr(text: str) -> bool:
    """Plain ASCII where a good share of the words carry VIQR marks."""
    if not text.isascii():
        return False
    words = text.split()
    marked = sum(1 for word in words if _VIQR_MARKED_WORD.search(word))
    return bool(words) and marked / len(words) >= 0.3
