"""Typed audit: every package names its actions in an `AuditAction` enum, each action renders
as a translated sentence naming its object in words.

    record_event(session, actor, entry, EntryAction.SUBMITTED, change=(old, new))

The names of the object and of anything else the sentence needs are kept with the event as
they were at that moment, so the log still reads right after a unit or an entry is renamed."""

from __future__ import annotations

import json
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from contest.models import AuditEvent, User

_SENTENCES: dict[str, Any] = {}


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


def record_event(
    session: Session,
    actor: User | None,
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
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        contest_id=contest_id if contest_id is not None else getattr(obj, "contest_id", None),
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


class _Params(dict):
    """Missing parameters (an event older than its sentence) read as an ellipsis, never fail."""

    def __missing__(self, key: str) -> str:
        return "…"


def sentence(event: AuditEvent) -> str:
    """The event as one sentence in the interface's language. Events recorded before actions
    kept their parameters (or under codes since retired) read as a plain line instead."""
    stored = json.loads(event.params_json or "{}")
    params = _Params(stored)
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


class ContestAction(AuditAction):
    """What the core records."""

    RULES_CHANGED = "rules"
    ROUND_CREATED = "round_create"
    QUOTA_SET = "quota"
    ROUND_FORWARDED = "close"
    ITEM_FORWARDED = "forward"
    NOT_SELECTED = "not_selected"
    ENTRY_CREATED = "entry_create"
    ENTRY_ENTERED_FOR_AUTHOR = "entry_create_paper"
    ENTRY_EDITED = "edit"
    ENTRY_SUBMITTED = "submitted"
    ENTRY_WITHDRAWN = "withdrawn"
    ENTRY_DISQUALIFIED = "disqualified"
    PROFILE_NOMINATED = "profile_create"
    LOGGED_IN = "login"
    LOGIN_FAILED = "login_failed"
    PASSWORD_SET = "password_set"
    ACCOUNT_CREATED = "account_create"
    PASSWORD_RESET_SENT = "password_reset_sent"


register_sentences(
    ContestAction,
    {
        ContestAction.RULES_CHANGED: _l(
            "%(actor)s đã sửa thể lệ cuộc thi: nhận bài %(opens)s–%(closes)s, "
            "%(min_words)s–%(max_words)s chữ"
        ),
        ContestAction.ROUND_CREATED: _l("%(object)s tham gia cuộc thi, gửi bài lên %(parent)s"),
        ContestAction.QUOTA_SET: _l(
            "%(actor)s đã đặt chỉ tiêu của %(object)s: %(entries)s bài, %(profiles)s hồ sơ"
        ),
        ContestAction.ROUND_FORWARDED: _l(
            "%(object)s đã gửi %(entries)s bài và %(profiles)s hồ sơ lên %(parent)s"
        ),
        ContestAction.ITEM_FORWARDED: _l("%(unit)s đã gửi %(object)s lên %(parent)s"),
        ContestAction.NOT_SELECTED: _l("%(object)s không được %(unit)s chọn gửi lên"),
        ContestAction.ENTRY_CREATED: _l("%(actor)s đã viết bài %(object)s"),
        ContestAction.ENTRY_ENTERED_FOR_AUTHOR: _l(
            "%(actor)s đã nhập hộ tác giả bài %(object)s (bài nộp giấy)"
        ),
        ContestAction.ENTRY_EDITED: _l("%(actor)s đã sửa bài %(object)s"),
        ContestAction.ENTRY_SUBMITTED: _l("%(actor)s đã nộp bài %(object)s"),
        ContestAction.ENTRY_WITHDRAWN: _l("%(actor)s đã rút bài %(object)s"),
        ContestAction.ENTRY_DISQUALIFIED: _l("%(actor)s đã loại bài %(object)s"),
        ContestAction.PROFILE_NOMINATED: _l("%(actor)s đã đề cử hồ sơ %(object)s"),
        ContestAction.LOGGED_IN: _l("%(actor)s đã đăng nhập từ %(address)s"),
        ContestAction.LOGIN_FAILED: _l("Đăng nhập sai vào %(object)s từ %(address)s"),
        ContestAction.PASSWORD_SET: _l("%(actor)s đã đặt mật khẩu mới (%(how)s)"),
        ContestAction.ACCOUNT_CREATED: _l("%(actor)s đã tạo tài khoản %(object)s (%(role)s)"),
        ContestAction.PASSWORD_RESET_SENT: _l(
            "%(actor)s đã gửi liên kết đặt lại mật khẩu cho %(object)s"
        ),
    },
)

# What an entry's author and the unit organisers see of its history: the author's own actions
# and the organisers' decisions on it. Never a judging event: a judge's name, a recusal, marks,
# a head judge's note — results reach the author only as the province publishes them.
ENTRY_EVENTS_FOR_EVERYONE = frozenset(
    {
        ContestAction.ITEM_FORWARDED,
        ContestAction.NOT_SELECTED,
        ContestAction.ENTRY_CREATED,
        ContestAction.ENTRY_ENTERED_FOR_AUTHOR,
        ContestAction.ENTRY_EDITED,
        ContestAction.ENTRY_SUBMITTED,
        ContestAction.ENTRY_WITHDRAWN,
        ContestAction.ENTRY_DISQUALIFIED,
    }
)
