"""Typed audit: every package names its actions in an `AuditAction` enum, each action renders
as a translated sentence naming its object in words.

    record_event(session, actor, entry, EntryAction.SUBMITTED, change=(old, new))

The names of the object and of anything else the sentence needs are kept with the event as
they were at that moment, so the log still reads right after a unit or an entry is renamed.

The log is append-only and chained (`contest.platform.audit_chain`): every new event is linked
to the last one as the session flushes it (`_chain_new_events`), the database refuses UPDATE
and DELETE on it, and `verify_chain` walks the chain for `flask --app wsgi audit verify`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import fields
from enum import StrEnum
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import event as orm_event
from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from contest.platform import audit_chain
from contest.platform.db import utcnow
from contest.platform.models import AuditEvent

_SENTENCES: dict[str, Any] = {}
# A recorded parameter that is a code (a role), by name: code → its words.
_PARAMETER_LABELS: dict[str, Mapping[str, Any]] = {}
CHAIN_LOCK = 0x6175646974  # "audit": the advisory lock that orders PostgreSQL's writers


class AuditAction(StrEnum):
    """Base of every package's audit actions (no members, so it can be subclassed)."""


def register_sentences(enum: type[AuditAction], sentences: Mapping[AuditAction, Any]) -> None:
    """Each action's sentence, a lazy_gettext string with %(actor)s, %(object)s and the
    parameters that the action records; every member must have one, values unique overall."""
    missing = [m for m in enum if m not in sentences]
    assert not missing, f"{enum.__name__}: no sentence for {missing}"
    for member, sentence in sentences.items():
        assert _SENTENCES.get(member.value, sentence) is sentence, f"duplicate action {member}"
        _SENTENCES[member.value] = sentence


def register_parameter_labels(name: str, labels: Mapping[str, Any]) -> None:
    """The words for the codes a parameter records (`role`: "judge" → "Giám khảo"), so a
    sentence reads them in the viewer's language, never the code."""
    _PARAMETER_LABELS[name] = labels


def record_event(
    session: Session,
    actor: Any,
    obj: Any,
    action: AuditAction,
    *,
    change: tuple[str, str] | None = None,
    detail: str = "",
    contest_id: int | None = None,
    **params: Any,
) -> AuditEvent:
    """Append one line to the audit log; `params` fill the action's sentence."""
    before, after = change if change is not None else ("", "")
    params.setdefault("object", getattr(obj, "audit_name", f"#{obj.id}"))
    if contest_id is None:
        contest_id = getattr(obj, "audit_contest_id", getattr(obj, "contest_id", None))
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        contest_id=contest_id,
        object_type=type(obj).__name__,
        object_id=obj.id,
        action=str(action),
        from_state=str(before),
        to_state=str(after),
        detail=detail,
        params_json=json.dumps(params, ensure_ascii=False, default=str),
    )
    session.add(event)
    return event


def _content(event: AuditEvent) -> audit_chain.Content:
    return audit_chain.Content(
        created_at=event.created_at,
        actor_id=event.actor_id,
        contest_id=event.contest_id,
        object_type=event.object_type,
        object_id=event.object_id,
        action=event.action,
        from_state=event.from_state,
        to_state=event.to_state,
        detail=event.detail,
        params_json=event.params_json,
    )


@orm_event.listens_for(Session, "before_flush")
def _chain_new_events(session: Session, flush_context: Any, instances: Any) -> None:  # noqa: ARG001
    """Link the events about to be inserted after the last stored one, in the order the flush
    inserts them (the order they were added, which is also their id order). The values that
    would otherwise be column defaults are fixed here, since they are part of the hash."""
    new = sorted(
        (obj for obj in session.new if isinstance(obj, AuditEvent)),
        key=lambda obj: inspect(obj).insert_order,
    )
    if not new:
        return
    with session.no_autoflush:
        if session.get_bind().dialect.name == "postgresql":
            # Writers queue for the chain's head (SQLite's writers are serialised already):
            # two transactions must never link to the same last row.
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
        last = session.scalar(select(AuditEvent.row_hash).order_by(AuditEvent.id.desc()).limit(1))
    for event in new:
        event.created_at = event.created_at or utcnow()
        for name in ("from_state", "to_state", "detail"):
            setattr(event, name, getattr(event, name) or "")
        event.params_json = event.params_json or "{}"
    links = audit_chain.link((_content(event) for event in new), last or audit_chain.GENESIS)
    for event, (prev_hash, row_hash) in zip(new, links, strict=True):
        event.prev_hash, event.row_hash = prev_hash, row_hash


def missing_guards(session: Session) -> list[str]:
    """The triggers that keep the log append-only and are not there (a restore of a doctored
    database, a migration that rebuilt the table): the chain alone cannot show their absence."""
    if session.get_bind().dialect.name == "postgresql":
        wanted = {"audit_event_append_only", "audit_event_no_truncate"}
        query = (
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_event'::regclass "
            "AND NOT tgisinternal"
        )
    else:
        wanted = {"audit_event_no_update", "audit_event_no_delete"}
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_event'"
    present = set(session.scalars(text(query)))
    return sorted(wanted - present)


def verify_chain(session: Session, batch: int = 1000) -> audit_chain.Verdict:
    """Walk the whole log in id order, a batch of rows at a time, to its first break.

    Plain columns, not ORM objects: what is stored is checked, never an object the session
    already holds."""
    content = [getattr(AuditEvent, field.name) for field in fields(audit_chain.Content)]
    rows = session.execute(
        select(AuditEvent.id, AuditEvent.prev_hash, AuditEvent.row_hash, *content)
        .order_by(AuditEvent.id)
        .execution_options(yield_per=batch)
    )
    return audit_chain.verify(
        audit_chain.ChainRow(row[0], audit_chain.Content(*row[3:]), row[1], row[2]) for row in rows
    )


class _Params(dict):
    """Missing parameters (an event older than its sentence) read as an ellipsis, never fail."""

    def __missing__(self, key: str) -> str:
        return "…"


def sentence(event: AuditEvent) -> str:
    """The event as one sentence in the interface's language. Events recorded before actions
    kept their parameters (or under codes since retired) read as a plain line instead."""
    stored = json.loads(event.params_json or "{}")
    params = _Params(stored)
    for name, labels in _PARAMETER_LABELS.items():
        if params.get(name) in labels:
            params[name] = str(labels[params[name]])
    params["actor"] = event.actor.full_name if event.actor else _("Hệ thống")
    template = _SENTENCES.get(event.action)
    if template is not None and "object" in stored:
        return str(template) % params
    line = _(
        "%(actor)s: %(action)s (%(object)s)",
        actor=params["actor"],
        action=event.action,
        object=stored.get("object") or f"{event.object_type} #{event.object_id}",
    )
    if event.from_state or event.to_state:
        line += f" {event.from_state or '—'} → {event.to_state or '—'}"
    return f"{line} · {event.detail}" if event.detail else line


def action_choices() -> list[tuple[str, str]]:
    """Every recorded kind of change as (stored value, its sentence with "…" for the names),
    in the interface's language, for the audit log's filter."""
    labelled = []
    for value, template in _SENTENCES.items():
        try:
            label = str(template) % _Params(actor="…")
        except (TypeError, ValueError):  # a number in the sentence: show the code instead
            label = value
        labelled.append((value, label))
    return sorted(labelled, key=lambda pair: pair[1].lower())
