"""The leak scan of rọc phách: does an essay reveal its author? Pure text in, flags out.

Looks for the author's name, phone, e-mail, the author's unit, self-references ("tác giả",
"người viết", "tôi tên là") and a signature block at the end, in the title, the subject's name
and the text (which carries link targets and picture descriptions), and again in the same with
percent-escapes decoded (`Ho%C3%A0ng%20V%C4%83n` in a link is "Hoàng Văn").

It fails closed. Everything is compared in a normalised form, character by character, each
mapped back to the original text: compatibility forms unified (NFKC), case and accents folded,
invisible characters dropped (category Cf, and marks that attach to nothing visible such as
variation selectors), blank look-alikes (U+2800, Hangul fillers) read as spaces, and letters
of other scripts or of "fancy text" that look Latin (Cyrillic "а", Greek "Η", small capitals,
squared letters) read as the Latin letter they imitate (ICU's confusable skeleton, then the
letter's Unicode name). A name is found in any of its variants (`name_patterns`): spaced out,
with digits for letters, middle names dropped or shortened, reversed, as initials, its words
joined by anything or nothing; a short variant must look like a name (`_plausible`). A phone is
found by its digits, written with O for 0 or l for 1 or read aloud in Vietnamese ("không chín
mười hai…"), in any spacing; an e-mail also when written with [at], (a), "a còng", [dot]. Each
flag says which rule fired (`Flag.rule`); a common given name alone is never flagged, and an
author who writes about someone of the same name is flagged for the organiser to decide."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote

import icu

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
# Characters that show as blank space but are letters or symbols to Unicode.
BLANK_LOOKALIKES = frozenset("\u2800\u3164\u115f\u1160\uffa0\u2003\u17b4\u17b5")
# Vietnamese digits in words, folded ("bẩy" and "bảy", "tư" and "bốn", "lăm", "linh").
NUMBER_WORDS = {
    "khong": "0", "ko": "0", "linh": "0", "le": "0", "mot": "1", "hai": "2", "ba": "3",
    "bon": "4", "tu": "4", "nam": "5", "lam": "5", "sau": "6", "bay": "7", "tam": "8",
    "chin": "9",
}  # fmt: skip
# "mười"/"mươi" read aloud in groups: "mười hai" is 12, "ba mươi bốn" 34, "ba mươi" 30.
TENS = "muoi"
# A letter written for a digit inside a number: O for 0, l, I or | for 1 (folded).
DIGIT_LOOKALIKES = str.maketrans({"o": "0", "l": "1", "i": "1", "|": "1"})
# Between the words of a name: nothing, or up to five spaces, dots, dashes, underscores…
_NAME_GAP = r"[\W_]{0,5}"
_INITIAL_GAP = r"[\W_]{0,3}"
_EDGE_BEFORE, _EDGE_AFTER = r"(?<![a-z0-9])", r"(?![a-z0-9])"
_AT_WORD = r"(?:at|a\W?\s*cong|a\W?\s*moc)"
_AT = rf"(?:\s*@\s*|\s*[\[({{<]\s*(?:@|a|{_AT_WORD})\s*[\])}}>]\s*|\s+{_AT_WORD}\s+)"
_DOT = r"(?:\s*[.,]\s*|\s*[\[({<]\s*(?:\.|dot|cham)\s*[\])}>]\s*|\s+(?:dot|cham)\s+)"
# Digits and signs written for a letter in a name or an address ("H0àng", "1ò", "te0").
LEET = {"o": "[o0]", "l": "[l1i]", "i": "[i1l]", "e": "[e3]", "a": "[a4]"}
# A family name and its usual abbreviation ("Ng. Thị Minh Khai").
FAMILY_ABBREVIATIONS = {"nguyen": "ng"}
# What each rule says, for the organiser reading the flag (`judging.wording`).
RULES = ("full", "short", "two", "initials", "joined", "disguised", "encoded", "spelled")
_SKELETON = icu.SpoofChecker()


@dataclass(frozen=True)
class Flag:
    # name | name_is_subject | phone | email | unit | self_reference | signature | unscanned
    kind: str
    snippet: str
    # Which rules found it, comma-separated (`RULES`), e.g. "initials,encoded".
    rule: str = ""


def _context(text: str, start: int, end: int, width: int = 30) -> str:
    return text[max(0, start - width) : end + width].replace("\n", " ").strip()


def _invisible(character: str) -> bool:
    """Format characters (zero-width space, joiners) and marks that attach to nothing visible
    (variation selectors, the grapheme joiner, enclosing circles): an accent, which combines,
    folds away anyway."""
    kind = unicodedata.category(character)
    return kind == "Cf" or (kind in ("Mn", "Me") and not unicodedata.combining(character))


@lru_cache(maxsize=4096)
def _fold_character(character: str) -> str:
    """One character as the scan compares it (see the module's docstring): "" for an
    invisible one, " " for a blank, else lower-case ASCII where any reading gives it."""
    if _invisible(character):
        return ""
    if character in BLANK_LOOKALIKES or unicodedata.category(character) == "Zs":
        return " "
    compatible = unicodedata.normalize("NFKC", character)
    plain = fold(compatible)
    if plain.isascii():
        return plain
    small = fold(_SKELETON.getSkeleton(0, compatible.lower()))
    capital = fold(_SKELETON.getSkeleton(0, compatible))
    # A capital imitates a capital (Greek "Η" is an H, though its small "η" looks like an n),
    # but Cyrillic "І" means an I, which its small "і" says better than the "l" it resembles.
    readings = [capital, small] if compatible.isupper() and capital != "l" else [small, capital]
    for reading in readings:
        if reading.isascii() and reading.strip():
            return reading
    # Letters that "fancy text" makes of Latin ones: small capitals, squared and circled.
    named = re.search(r"LETTER (?:SMALL CAPITAL )?([A-Z])$", unicodedata.name(character, ""))
    return named.group(1).lower() if named else plain


def _key(text: str) -> str:
    return "".join(map(_fold_character, text))


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


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", _key(text))


def _letters(word: str, spaced: bool = False) -> str:
    """A word's pattern: each letter also as the digit that stands for it; with `spaced`,
    one stray mark between its letters ("H o à n g", "Côn g")."""
    return (r"[\W_]?" if spaced else "").join(LEET.get(c, re.escape(c)) for c in word)


def _joined(words: list[str], gap: str = _NAME_GAP, spaced: bool = False) -> str:
    return _EDGE_BEFORE + gap.join(_letters(w, spaced) for w in words) + _EDGE_AFTER


def _family(word: str) -> str:
    short = FAMILY_ABBREVIATIONS.get(word)
    return f"(?:{_letters(word)}|{short})" if short else _letters(word)


def name_patterns(name: str) -> list[tuple[str, str, tuple[str, str] | None]]:
    """(rule, pattern, ends) for every way an author's name gives them away: the full name
    (its letters may be spaced out); the family and given names with the middle names each
    kept, shortened to an initial or left out ("Nguyễn M. Khai", "Ng. Thị Minh Khai"); the
    given and family names reversed (the e-mail habit "cong.hoang"); the initials with the
    given name ("H.V.T. Công", "hvtcong") and the family name with the initials ("Hoàng
    V.T.C."). Never the given name alone. `ends` are the first and last words with their
    accents, which a short variant must keep (`_plausible`); None for the full name."""
    words, marked = _words(name), _accented_words(name)
    if not words:
        return []
    ends = (marked[0], marked[-1]) if len(words) == len(marked) else None
    found = [("full", _joined(words, spaced=True), ends if len(words) == 2 else None)]
    if len(words) < 2 or ends is None:
        return found
    family, given, middles = words[0], words[-1], words[1:-1]
    optional = "".join(rf"(?:(?:{_letters(m)}|{_letters(m[0])}){_NAME_GAP})?" for m in middles)
    found.append(("short", rf"{_EDGE_BEFORE}{_family(family)}{_NAME_GAP}{optional}"
                           rf"{_letters(given)}{_EDGE_AFTER}", ends))  # fmt: skip
    found.append(("two", _joined([given, family]), (marked[-1], marked[0])))
    initials = [w[0] for w in words[:-1]] + [given]
    found.append(("initials", _joined(initials, _INITIAL_GAP), (marked[0][0], marked[-1])))
    if len(words) >= 3:
        initials = [family] + [w[0] for w in words[1:]]
        found.append(("initials", _joined(initials, _INITIAL_GAP), (marked[0], marked[-1][0])))
    return found


def _accented_words(text: str) -> list[str]:
    """Lower-case words with their accents (look-alike letters read as Latin ones)."""
    letters = []
    for character in text:
        if _invisible(character):
            continue
        compatible = unicodedata.normalize("NFKC", character).lower()
        if not fold(compatible).isascii():
            compatible = _fold_character(character)
        letters.append(compatible)
    return re.findall(r"[^\W_]+", unicodedata.normalize("NFC", "".join(letters)))


def _unleet(word: str) -> str:
    """A word as it compares with the digits read as the letters they stand for."""
    return word.translate(str.maketrans("0134i", "oleal"))


def _plausible(text: str, start: int, end: int, rule: str, ends: tuple[str, str]) -> bool:
    """Whether a short variant's match is the name and not ordinary words that fold alike.
    With no accent at all, as in an e-mail address ("cong.hoang"), it is, unless it is a short
    word of its own ("doanh" is not Đỗ Anh). With accents, the first and last words keep the
    name's own ("mưa lũ" is not Mùa Lử) and are capitalised as a name is ("lương tâm" is not
    Lương Văn Tâm); initials are capitals or carry their dot ("Hồ ta" is not Hồ T. A.); and
    a name does not run on into another capitalised word ("Trần Hưng Đạo")."""
    snippet = text[start:end]
    got = [_unleet(w) for w in _accented_words(snippet)]
    tokens = re.findall(r"[^\W_]+", snippet)
    following = re.match(r"[ \t]+([^\W\d_])", text[end:])
    runs_on = rule in ("short", "two") and following and following.group(1).isupper()
    if "".join(got).isascii():
        if re.search(r"\s", snippet):  # words typed without accents: still a name's capitals
            return tokens[0][0].isupper() and tokens[-1][0].isupper() and not runs_on
        return len("".join(got)) >= 6 or bool(re.search(r"[\W_]", _key(snippet).strip()))
    first, last = (_unleet(w) for w in ends)
    first_ok = (
        got[0].startswith(first)
        if len(first) == 1
        else got[0] in (first, FAMILY_ABBREVIATIONS.get(fold(ends[0])))
    )
    last_ok = got[-1].endswith(last) if len(last) == 1 else got[-1] == last
    if not (got and first_ok and last_ok and tokens[0][0].isupper() and tokens[-1][0].isupper()):
        return False
    initials = tokens[:-1] if len(last) > 1 else tokens[1:]
    return not runs_on and (rule != "initials" or all(t.isupper() for t in initials))


def _find_pattern(text: str, pattern: str) -> list[tuple[int, int]]:
    """Spans in `text` of a pattern matched against its folded form."""
    folded_text, positions = _folded_with_positions(text)
    spans = []
    for match in re.finditer(pattern, folded_text):
        if match.end() == match.start():
            continue
        start, end = positions[match.start()], positions[match.end() - 1] + 1
        while end < len(text) and not _fold_character(text[end]):
            end += 1  # a trailing combining mark belongs to the match
        spans.append((start, end))
    return spans


def _find_folded(text: str, needle: str) -> list[tuple[int, int]]:
    """Spans of `needle` in `text`, ignoring case, accents, look-alikes and invisible
    characters, its words joined by anything or nothing, on word boundaries."""
    words = _words(needle)
    return _find_pattern(text, _joined(words)) if words else []


def _disguise(snippet: str, words: int) -> list[str]:
    """The rules a match needed beyond plain folding: look-alikes or invisible characters
    ("disguised"), words run together or joined by marks ("joined")."""
    rules = []
    if any(_fold_character(c) != fold(unicodedata.normalize("NFKC", c)) for c in snippet):
        rules.append("disguised")
    if words > 1 and len(_key(snippet).split()) < words:
        rules.append("joined")
    return rules


_NUMBER_TOKEN = re.compile(r"[0-9oli|]*\d[0-9oli|]*|[a-z]+")


def _number_tokens(
    text: str, folded: str, positions: tuple[int, ...]
) -> list[tuple[str | None, int, int]]:
    """Each word of the folded text with its digits (None for an ordinary word): digits, digits
    with look-alike letters (O912), number words; "mười" (ten) is a 1, "mươi" (the tens after
    a digit) read from its neighbours. Letters and digits that touch are two words
    ("sđt0912…")."""
    tokens: list[tuple[str | None, int, int]] = []
    for match in _NUMBER_TOKEN.finditer(folded):
        token = match.group()
        written = text[positions[match.start()] : positions[match.end() - 1] + 1].lower()
        if token in NUMBER_WORDS:
            value: str | None = NUMBER_WORDS[token]
        elif token == TENS:
            value = "1" if unicodedata.normalize("NFC", written) == "mười" else TENS
        elif re.search(r"\d", token):
            value = token.translate(DIGIT_LOOKALIKES)
        else:
            value = None
        tokens.append((value, match.start(), match.end()))
    for index, (value, start, end) in enumerate(tokens):
        if value == TENS:
            before = index > 0 and tokens[index - 1][0] not in (None, TENS)
            after = index + 1 < len(tokens) and tokens[index + 1][0] not in (None, TENS)
            tokens[index] = ("" if before and after else "0" if before else "1", start, end)
    return tokens


def _number_runs(text: str) -> list[tuple[str, list[tuple[int, int, int]]]]:
    """Runs of number-like words in `text` (`_number_tokens`), each apart from the next by at
    most five spaces or marks. Each run is its digits and, per word, (first digit's index,
    start, end) in `text`."""
    folded, positions = _folded_with_positions(text)
    runs: list[tuple[str, list[tuple[int, int, int]]]] = []
    digits, words, last_end = "", [], -10
    for value, start, end in _number_tokens(text, folded, positions):
        if value is None or start - last_end > 5:
            if digits:
                runs.append((digits, words))
            digits, words = "", []
        if value:
            words.append((len(digits), positions[start], positions[end - 1] + 1))
            digits += value
        if value is not None:
            last_end = end
    if digits:
        runs.append((digits, words))
    return runs


def _find_phone(text: str, phone: str) -> list[tuple[int, int, bool]]:
    """Spans of `phone` in `text` however it is written, and whether letters or words stood
    for its digits. A longer number that merely holds it is no match."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", phone))
    if len(digits) < 8:
        return []
    tail = digits[1:] if digits.startswith("0") else digits.removeprefix("84")
    spans = []
    for run, words in _number_runs(text):
        starts = {index: start for index, start, _end in words}
        bounds = [index for index, _start, _end in words[1:]] + [len(run)]
        ends = {bound: end for bound, (_index, _start, end) in zip(bounds, words, strict=True)}
        for written in (f"0{tail}", f"84{tail}", f"840{tail}", f"0084{tail}"):
            for match in re.finditer(re.escape(written), run):
                if match.start() in starts and match.end() in ends:
                    start, end = starts[match.start()], ends[match.end()]
                    spelled = not re.fullmatch(r"[\d\W_]+", text[start:end])
                    spans.append((start, end, spelled))
    # "+84 (0) 912…" holds "0912…": the number once, as far as it is written.
    return [
        (start, end, spelled)
        for start, end, spelled in spans
        if not any(s <= start and end <= e and (s, e) != (start, end) for s, e, _ in spans)
    ]


def _email_pattern(email: str) -> str:
    """An e-mail address written plainly or spelled out ("teo [at] example [dot] vn")."""
    key = _key(email.strip())
    parts = []
    for character in key:
        if character == "@":
            parts.append(_AT)
        elif character == ".":
            parts.append(_DOT)
        else:
            parts.append(LEET.get(character, re.escape(character)))
    return _EDGE_BEFORE + "".join(parts) + _EDGE_AFTER


def _scan_one(
    whole: str,
    text: str,
    author_name: str,
    phone: str | None,
    email: str | None,
    unit_names: tuple[str, ...],
    same_name: bool,
) -> list[Flag]:
    flags: list[Flag] = []
    name_words = len(_words(author_name))
    for rule, pattern, ends in name_patterns(author_name) if author_name else []:
        kind = "name_is_subject" if same_name else "name"
        for start, end in _find_pattern(whole, pattern):
            snippet = whole[start:end]
            if ends and not _plausible(whole, start, end, rule, ends):
                continue
            rules = [rule, *_disguise(snippet, name_words if rule == "full" else 2)]
            flags.append(Flag(kind, snippet, ",".join(rules)))
    for start, end, spelled in _find_phone(whole, phone) if phone else []:
        flags.append(Flag("phone", whole[start:end], "spelled" if spelled else ""))
    if email and "@" in email:
        for start, end in _find_pattern(whole, _email_pattern(email)):
            snippet = whole[start:end]
            flags.append(Flag("email", snippet, "" if "@" in _key(snippet) else "spelled"))
    for unit in unit_names:
        for start, end in _find_folded(whole, unit):
            flags.append(Flag("unit", whole[start:end]))
    for reference in SELF_REFERENCES:
        for start, end in _find_pattern(whole, _EDGE_BEFORE + fold(reference)):
            flags.append(Flag("self_reference", _context(whole, start, end)))
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    for line in lines[-SIGNATURE_LINES:]:
        words = line.split()
        looks_like_name = 2 <= len(words) <= 5 and all(w[:1].isupper() for w in words)
        if looks_like_name and not line.endswith((".", "!", "?", "…")):
            flags.append(Flag("signature", line))
    return flags


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
    """Everything in the title, the subject's name and the text that may identify the
    author; what only the percent-decoded text shows is flagged with the rule "encoded"."""
    same_name = bool(author_name) and _words(author_name) == _words(subject_name)
    whole = f"{title}\n{subject_name}\n{text}"
    found = _scan_one(whole, text, author_name, phone, email, unit_names, same_name)
    decoded = unquote(whole)
    if decoded != whole:
        known = {(f.kind, _key(f.snippet)) for f in found}
        for flag in _scan_one(
            decoded, unquote(text), author_name, phone, email, unit_names, same_name
        ):
            if (flag.kind, _key(flag.snippet)) not in known:
                rule = ",".join(filter(None, [flag.rule, "encoded"]))
                found.append(Flag(flag.kind, flag.snippet, rule))
    flags: list[Flag] = []
    seen: set[tuple[str, str]] = set()
    for flag in found:
        if (flag.kind, flag.snippet) not in seen:
            seen.add((flag.kind, flag.snippet))
            flags.append(flag)
    return flags


def redact(markdown: str, snippet: str, mark: str = "[…]") -> str:
    """Replace every occurrence of `snippet` (ignoring case and diacritics) with the mark."""
    spans = _find_folded(markdown, snippet)
    if not spans and unquote(markdown) != markdown:
        # Found in a percent-encoded link target: the judges' copy takes the decoded text.
        markdown = unquote(markdown)
        spans = _find_folded(markdown, snippet)
    for start, end in reversed(spans):
        markdown = markdown[:start] + mark + markdown[end:]
    if not spans and snippet in markdown:
        markdown = markdown.replace(snippet, mark)
    return markdown
