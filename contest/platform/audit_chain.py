"""The audit log's hash chain: pure rules on plain rows, no session.

Every row of `audit_event` carries `prev_hash`, the `row_hash` of the row before it by id (the
first row has `GENESIS`, 64 zeros), and `row_hash`, the hex SHA-256 of its own content
together with that link. Changing a row's content, or removing a row from the middle, breaks
the chain at that row; `flask --app wsgi audit verify` walks it and names the first break.

Canonical form hashed (version 1, frozen: the migration that backfilled the chain carries a
copy of it, and a test holds the two together):

    json.dumps({
        "action": …, "actor_id": int | null, "contest_id": int | null,
        "created_at": "YYYY-MM-DDTHH:MM:SS.ffffff" (naive UTC, always with microseconds),
        "detail": …, "from_state": …, "object_id": int, "object_type": …,
        "params_json": … (the stored JSON text, as a string), "prev_hash": …, "to_state": …,
    }, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")

with every text value in Unicode NFC and a missing text as "". The id is not hashed: the link
to the previous row already fixes the order, and a row removed from the middle shows as a
link that does not meet.

What the chain cannot show by itself: rows cut off at the end, or a whole tail rewritten by
someone who recomputes every hash after it. Noting the head hash that `verify` prints
somewhere outside the database (the minutes of a meeting, a signed e-mail) closes that gap."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

GENESIS = "0" * 64

TEXT_FIELDS = ("object_type", "action", "from_state", "to_state", "detail", "params_json")


@dataclass(frozen=True)
class Content:
    """What one audit row says: everything that is hashed apart from the link."""

    created_at: datetime
    actor_id: int | None
    contest_id: int | None
    object_type: str
    object_id: int
    action: str
    from_state: str
    to_state: str
    detail: str
    params_json: str


@dataclass(frozen=True)
class ChainRow:
    """One stored audit row as the chain sees it."""

    id: int
    content: Content
    prev_hash: str | None
    row_hash: str | None


def canonical(content: Content, prev_hash: str) -> bytes:
    """The bytes that `row_hash` is the SHA-256 of (see the module's docstring)."""
    fields: dict[str, object] = {
        name: unicodedata.normalize("NFC", getattr(content, name) or "") for name in TEXT_FIELDS
    }
    fields.update(
        created_at=content.created_at.isoformat(timespec="microseconds"),
        actor_id=content.actor_id,
        contest_id=content.contest_id,
        object_id=content.object_id,
        prev_hash=prev_hash,
    )
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def row_hash(content: Content, prev_hash: str) -> str:
    return hashlib.sha256(canonical(content, prev_hash)).hexdigest()


def link(contents: Iterable[Content], prev_hash: str = GENESIS) -> list[tuple[str, str]]:
    """(prev_hash, row_hash) for new rows in id order, appended after a row whose hash is
    `prev_hash` (GENESIS when the log is empty)."""
    links = []
    for content in contents:
        own = row_hash(content, prev_hash)
        links.append((prev_hash, own))
        prev_hash = own
    return links


class Fault(StrEnum):
    CONTENT_CHANGED = "content_changed"  # the row's hash no longer matches its content
    ROWS_MISSING = "rows_missing"  # its link points past a gap in the ids
    LINK_BROKEN = "link_broken"  # its link does not meet the row before it, no gap


@dataclass(frozen=True)
class Break:
    """The first row where the chain does not hold."""

    id: int
    created_at: datetime
    fault: Fault
    previous_id: int | None  # the row before it that is still there, if any


@dataclass(frozen=True)
class Verdict:
    rows: int  # rows checked (up to and including a break)
    head: str  # the last intact row's hash (GENESIS for an empty log)
    broken: Break | None


def verify(rows: Iterable[ChainRow]) -> Verdict:
    """Walk rows in id order and stop at the first that does not hold.

    Each row is checked against its own stored hash (content) and against the stored hash of
    the row before it (link), so one edited row is reported as itself and not as its
    successor. A link that fails across a gap in the ids is reported as rows missing."""
    expected_prev, previous_id, count = GENESIS, None, 0
    for row in rows:
        count += 1
        fault = None
        if row.row_hash is None or row.prev_hash is None:
            fault = Fault.CONTENT_CHANGED
        elif row_hash(row.content, row.prev_hash) != row.row_hash:
            fault = Fault.CONTENT_CHANGED
        elif row.prev_hash != expected_prev:
            expected_id = 1 if previous_id is None else previous_id + 1
            fault = Fault.ROWS_MISSING if row.id > expected_id else Fault.LINK_BROKEN
        if fault is not None:
            found = Break(row.id, row.content.created_at, fault, previous_id)
            return Verdict(count, expected_prev, found)
        expected_prev, previous_id = row.row_hash, row.id
    return Verdict(count, expected_prev, None)
