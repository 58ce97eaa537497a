"""Vietnam's administrative units as they stood before the 2025 reorganisation (63 provinces,
their district-level units and communes), read from the `vietnamadminunits` package's data.
A pure module: plain rows in, plain rows out, no session.

Codes are the official General Statistics Office codes, unique across levels: a province has
two digits ("14" Sơn La), a district three ("123"), a commune five ("03646"). The package's
spellings are normalised: NFC, the kind words in their usual case ("Thị Xã Mường Lay"
becomes "Thị xã Mường Lay") and every syllable of the place's own name capitalised ("Xã Mường
é" becomes "Xã Mường É"), save the common noun of "Nông trường".

`short_codes` offers a documented alternative to the official codes, for people who type them
(a CSV's parent_code, a unit organiser's label): the province's initials ("SL"); a
district-level unit's initials but for its last word, of which it takes two letters ("Mộc
Châu" → "MCH", "Thành phố Sơn La" → "SLA"); a commune the same after its district's code and
a dash ("MCH-CSO"). Accents are folded ("Đ" → "D"); a code already given takes 2, 3, … in the
registry's order, so loading the same province again gives the same codes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from contest.lifecycles import UnitKind
from contest.platform.text import fold, nfc

# The kind words that open a name, as a Vietnamese document writes them.
KIND_WORDS = ("Tỉnh", "Thành phố", "Thị xã", "Quận", "Huyện", "Phường", "Thị trấn", "Xã")
_KIND_WORD = re.compile(
    "^(" + "|".join(re.escape(word) for word in KIND_WORDS) + r")\b", re.IGNORECASE
)


@dataclass(frozen=True)
class UnitRow:
    """A unit to have in the tree: `parent_code` empty for the province."""

    code: str
    name: str
    kind: str
    parent_code: str = ""
    organiser_email: str = ""


def normalise_name(name: str) -> str:
    """NFC, single spaces, and the leading kind word written as usual."""
    name = " ".join(nfc(name).split())
    match = _KIND_WORD.match(name)
    if not match:
        return _capitalised(name)
    usual = next(w for w in KIND_WORDS if w.lower() == match.group(1).lower())
    return usual + " " + _capitalised(name[match.end() :].strip())


def _capitalised(place: str) -> str:
    words = place.split()
    return " ".join(
        word if previous == "Nông" and word == "trường" else word[:1].upper() + word[1:]
        for previous, word in zip(["", *words], words, strict=False)
    )


def _rows() -> list[dict]:
    """Every (province, district, commune) row; imported when asked, not at start-up (the
    package brings its parsers and their geometry library along)."""
    from vietnamadminunits.database import query

    return query(
        "SELECT DISTINCT province, provinceCode, district, districtCode, ward, wardCode "
        "FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode"
    )


def provinces() -> list[str]:
    """The 63 provinces' names, for a message when a name matches none."""
    return sorted({normalise_name(r["province"]) for r in _rows()})


def province_tree(province: str) -> list[UnitRow]:
    """The province whose name is `province` (with or without "Tỉnh"/"Thành phố", accents
    or case aside), its district-level units and their communes, parents first."""
    return list(_province_tree(fold(normalise_name(province))))


@lru_cache(maxsize=8)
def _province_tree(wanted: str) -> tuple[UnitRow, ...]:
    """Read from the package's 10,000 rows once per name in a process (0.2 s each)."""
    found: list[UnitRow] = []
    seen: set[str] = set()
    for row in _rows():
        name = normalise_name(row["province"])
        if wanted not in (fold(name), fold(_without_kind(name))):
            continue
        for code, unit_name, kind, parent in (
            (row["provinceCode"], name, "province", ""),
            (row["districtCode"], row["district"], "district", row["provinceCode"]),
            (row["wardCode"], row["ward"], "commune", row["districtCode"]),
        ):
            if code and unit_name and code not in seen:
                seen.add(code)
                found.append(UnitRow(code, normalise_name(unit_name), kind, parent or ""))
    return tuple(found)


def short_codes(tree: list[UnitRow]) -> list[UnitRow]:
    """`tree` (parents first) with the short codes described above in place of the official
    ones."""
    given: dict[str, str] = {}
    taken: set[str] = set()
    renamed = []
    for row in tree:
        words = [w for w in fold(_without_kind(row.name)).upper().split() if w.isalnum()]
        if row.kind == UnitKind.PROVINCE:
            stem = "".join(w[0] for w in words)
        else:
            stem = "".join(w[0] for w in words[:-1]) + (words[-1][:2] if words else "")
        parent = given.get(row.parent_code, "")
        if row.kind == UnitKind.COMMUNE and parent:
            stem = f"{parent}-{stem}"
        code, n = stem, 1
        while code in taken:
            n += 1
            code = f"{stem}{n}"
        taken.add(code)
        given[row.code] = code
        renamed.append(UnitRow(code, row.name, row.kind, parent, row.organiser_email))
    return renamed


def _without_kind(name: str) -> str:
    return _KIND_WORD.sub("", name).strip()
