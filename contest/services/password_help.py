"""A way back in without e-mail: an organiser finds the account of someone who forgot their
password (an entrant too, by name, phone or e-mail) and issues a temporary password, shown
once, that its owner must change at the next login.

Who may help whom is `contest.policy.may_issue_password`; services take the session and model
objects, may flush, never commit."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from contest import policy
from contest.audit import ContestAction
from contest.lifecycles import Role
from contest.models import User
from contest.platform.audit import record_event
from contest.platform.config import setting
from contest.platform.errors import InvalidInput
from contest.platform.i18n import format_date
from contest.platform.listing import matches
from contest.platform.mail import queue_mail
from contest.platform.text import nfc, vietnamese_key
from contest.services import queries
from contest.services.accounts import end_sessions, normalise_phone
from contest.services.notifications import SIGNATURE

# Read aloud over the phone and typed on a phone: no 0/o, 1/l/i; 12 characters of 31 symbols
# (59 bits), in groups of four.
TEMPORARY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
TEMPORARY_GROUPS = 3
MAX_FOUND = 50
MIN_QUERY = 2
PHONE_CHARACTERS = set("0123456789+ .-()")


def temporary_password() -> str:
    """A fresh random password such as `k7mq-x3rd-p9tw`."""
    groups = (
        "".join(secrets.choice(TEMPORARY_ALPHABET) for _ in range(4))
        for _ in range(TEMPORARY_GROUPS)
    )
    return "-".join(groups)


def find_accounts(session: Session, actor: User, text: str) -> list[User]:
    """Accounts whose name, e-mail or phone matches `text` (case- and accent-blind: "quang van
    hac" finds Quàng Văn Hặc; a phone however it is written), among those `actor` looks after:
    a unit organiser their unit and the units below it, the province everyone. At most
    MAX_FOUND + 1, so the page can say there are more."""
    text = nfc(text.strip())
    if len(text) < MIN_QUERY or not (actor.is_province_organiser or actor.is_unit_organiser):
        return []
    if set(text) <= PHONE_CHARACTERS and len(normalise_phone(text)) >= MIN_QUERY:
        condition = User.phone.contains(normalise_phone(text), autoescape=True)
    else:
        condition = matches(session, text, User.full_name, User.email)
    query = select(User).where(condition).options(selectinload(User.unit))
    if not actor.is_province_organiser:
        if actor.unit is None:
            return []
        within = [unit.id for unit in queries.units_within(session, actor.unit)]
        # Entrants and organisers only: who judges for the province is none of a unit's
        # business (it would invite lobbying), and a unit cannot reissue a judge's anyway.
        query = query.where(
            User.unit_id.in_(within), User.role.in_((Role.ENTRANT, Role.UNIT_ORGANISER))
        )
    found = session.scalars(query.order_by(User.id).limit(MAX_FOUND + 1)).all()
    return sorted(found, key=lambda user: vietnamese_key(user.full_name))


def issue_temporary_password(
    session: Session, actor: User | None, user: User, now: datetime
) -> str:
    """Give `user` a new random password, returned once to be passed on (never stored in
    clear, never logged); its owner's sessions end and the next login leads only to the
    change-password page. `actor` None is the operator (`flask users set-password`)."""
    if actor is not None and not policy.may_issue_password(actor, user):
        raise InvalidInput(_l("Bạn không cấp lại mật khẩu cho tài khoản này được."))
    if not (user.email or user.phone):
        raise InvalidInput(_l("Tài khoản này không có thư điện tử hay số điện thoại để đăng nhập."))
    if not user.is_active_account:
        raise InvalidInput(_l("Tài khoản này đang bị khóa: hãy mở lại trước."))
    password = temporary_password()
    user.set_password(password, setting("PASSWORD_HASH_METHOD"))
    user.must_change_password = True
    end_sessions(session, user)
    record_event(session, actor, user, ContestAction.TEMPORARY_PASSWORD_ISSUED)
    _tell_owner(session, actor, user, now)
    session.flush()
    return password


def _tell_owner(session: Session, actor: User | None, user: User, now: datetime) -> None:
    """The owner hears of it by mail when they have an address: nobody takes an account
    over silently (the password itself is never in the message)."""

    def write() -> tuple[str, str]:
        facts = {
            "name": user.full_name,
            "who": actor.full_name if actor is not None else _("quản trị hệ thống"),
            "when": format_date(now, with_time=True),
        }
        return (
            _("Mật khẩu tài khoản của bạn vừa được cấp lại"),
            _(
                "Chào %(name)s,\n\n%(who)s vừa cấp một mật khẩu tạm thời cho tài khoản của bạn "
                "(%(when)s); lần đăng nhập tới bạn sẽ phải đặt mật khẩu mới. Nếu bạn không đề "
                "nghị việc này, hãy báo ngay Ban Tổ chức.",
                **facts,
            )
            + SIGNATURE,
        )

    queue_mail(session, user, write)
