"""The categories of exemplars a contest takes, each with its criteria. A new contest starts
from the seed's (Plan 55/KH-UBND, sections II.2 and III: `default_categories.toml`); the
organisers may change them while the contest is a draft."""

from __future__ import annotations

import json
import tomllib
from dataclasses import asdict, dataclass
from enum import StrEnum
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l

DEFAULTS_FILE = Path(__file__).with_name("default_categories.toml")


class SubjectKind(StrEnum):
    """Who an essay or a profile is about (`Entry.subject_kind`, `ExemplarProfile.kind`, a
    category's `group`)."""

    COLLECTIVE = "collective"
    INDIVIDUAL = "individual"
    HOUSEHOLD = "household"


# Shown in the interface's language; the book, built outside a request, prints Vietnamese.
SUBJECT_KINDS: dict[str, Any] = {
    SubjectKind.COLLECTIVE: _l("Tập thể"),
    SubjectKind.INDIVIDUAL: _l("Cá nhân"),
    SubjectKind.HOUSEHOLD: _l("Hộ gia đình"),
}


@dataclass(frozen=True)
class Category:
    """`group` says which kind of subject the category is for (one of SUBJECT_KINDS)."""

    code: str
    group: str
    name: str
    criteria: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@lru_cache(maxsize=64)
def parsed_categories(text: str) -> tuple[Category, ...]:
    """A contest's stored categories (JSON). Lists of hundreds of rows each ask for their
    names: parsed once."""
    return tuple(Category(**item) for item in json.loads(text))


@cache
def _defaults() -> dict[str, Any]:
    with DEFAULTS_FILE.open("rb") as file:
        return tomllib.load(file)


def default_categories() -> list[Category]:
    return [
        Category(**(item | {"criteria": item["criteria"].strip()}))
        for item in _defaults()["categories"]
    ]


def default_general_criteria() -> str:
    return _defaults()["general_criteria"].strip()
