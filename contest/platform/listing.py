"""Long lists on a page: one page of rows read with LIMIT/OFFSET and a count, searched
accent-blind, and the query string read within bounds.

Every package's list pages share this; services build the `select()`, views read the query
string through `ListArgs`, templates draw the form and the pager from `_macros/lists.html`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import request, url_for
from sqlalchemy import ColumnElement, Select, and_, func, or_, select, true
from sqlalchemy.orm import Session

from contest.platform.text import fold, nfc

# Beyond any real list; keeps a crafted `?page=` from overflowing the query's offset.
MAX_PAGE = 100_000
# The longest search text read from a query string: more is cut, never refused.
MAX_QUERY_LENGTH = 100
DEFAULT_PAGE_SIZE = 50


@dataclass
class Page:
    """One page of a list: its rows, where it sits, and how many rows there are in all."""

    items: list[Any]
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def first_index(self) -> int:
        """The 1-based position of the page's first row in the whole list."""
        return (self.number - 1) * self.size + 1

    def numbers(self, around: int = 2) -> list[int | None]:
        """Page numbers to offer: the first, the last and a few around this one; None where
        numbers are left out (shown as "…")."""
        shown = sorted(
            {1, self.pages}
            | set(range(max(1, self.number - around), min(self.pages, self.number + around) + 1))
        )
        out: list[int | None] = []
        for previous, number in zip([0, *shown], shown, strict=False):
            if number - previous > 1:
                out.append(None)
            out.append(number)
        return out


def clamp_page(number: int, total: int, size: int) -> int:
    """A page number within 1 … the last page (a page past the end shows the last one)."""
    return min(max(number, 1), max(1, -(-total // size)), MAX_PAGE)


def paginate(session: Session, query: Select, number: int, size: int = DEFAULT_PAGE_SIZE) -> Page:
    """One page of `query`'s rows: a COUNT, then the rows with LIMIT/OFFSET (two queries,
    whatever the list's length). Rows are scalars when the query selects one entity."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    number = clamp_page(number, total, size)
    result = session.execute(query.limit(size).offset((number - 1) * size))
    rows = list(result.scalars() if len(query.column_descriptions) == 1 else result.all())
    return Page(rows, number, size, total)


def page_of(items: Sequence[Any], number: int, size: int = DEFAULT_PAGE_SIZE) -> Page:
    """One page of a list already in memory (where the whole list must be known anyway, as
    ranks and prizes are)."""
    number = clamp_page(number, len(items), size)
    start = (number - 1) * size
    return Page(list(items[start : start + size]), number, size, len(items))


def matches(session: Session, text: str, *columns: ColumnElement) -> ColumnElement[bool]:
    """Every word of `text` in at least one of `columns`, case- and accent-blind ("nguoi giu
    rung" finds "Người giữ rừng"): gs_fold is contest.platform.text.fold on SQLite, and the same
    folding in SQL on PostgreSQL (migration e1a2b3c4d5e6)."""
    conditions = []
    for word in text.split():
        needle = fold(word)
        pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        alternatives = [func.gs_fold(c).like(pattern, escape="\\") for c in columns]
        conditions.append(or_(*alternatives))
    return and_(true(), *conditions)


class ListArgs:
    """The query string of a list page, read within bounds: a wrong or crafted value is
    ignored (the default is used), never an error."""

    def __init__(self, args: Any) -> None:
        self._args = args

    def page(self, name: str = "page") -> int:
        """A page number: 1 unless digits; at most MAX_PAGE (then the list's last page)."""
        raw = (self._args.get(name) or "").strip()
        if not (raw.isascii() and raw.isdigit()):
            return 1
        return MAX_PAGE if len(raw) > 6 else min(max(int(raw), 1), MAX_PAGE)

    def number(self, name: str) -> int | None:
        """A whole number ≥ 0 that fits a row id, or None."""
        raw = (self._args.get(name) or "").strip()
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
            return None
        return int(raw)

    def text(self, name: str = "q") -> str:
        """Search text, one line, Unicode NFC, at most MAX_QUERY_LENGTH characters."""
        raw = self._args.get(name) or ""
        return " ".join(nfc(raw).split())[:MAX_QUERY_LENGTH]

    def choice(self, name: str, allowed: Iterable[str], default: str = "") -> str:
        raw = self._args.get(name) or ""
        return raw if raw in set(allowed) else default

    def sort(self, allowed: Iterable[str], default: str) -> tuple[str, bool]:
        """`?sort=title` or `?sort=-title` (descending); an unknown key is ignored."""
        raw = self._args.get("sort") or ""
        descending = raw.startswith("-")
        key = raw[1:] if descending else raw
        return (key, descending) if key in set(allowed) else (default, False)

    def day(self, name: str) -> date | None:
        """A day as YYYY-MM-DD (what `<input type=date>` sends), or None."""
        raw = (self._args.get(name) or "").strip()
        try:
            return date.fromisoformat(raw) if len(raw) == 10 else None
        except ValueError:
            return None


def list_url(**changes: Any) -> str:
    """This list page's address with some query values changed (None or "" drops one); a
    change of search, filter or sort goes back to page 1 unless a page is given."""
    args = {k: v for k, v in request.args.items() if k in KNOWN_ARGS}
    if not any(k.endswith("page") for k in changes):
        args.pop("page", None)
    args.update(changes)
    kept = {k: v for k, v in args.items() if v not in (None, "")}
    return url_for(request.endpoint or "", **(request.view_args or {}), **kept)


# Query values a list page may carry over into its links (anything else is dropped).
KNOWN_ARGS = frozenset(
    (
        "page",
        "q",
        "state",
        "unit",
        "category",
        "sort",
        "who",
        "action",
        "since",
        "until",
        "prize",
        "epage",
        "ppage",
        "dpage",
    )
)
