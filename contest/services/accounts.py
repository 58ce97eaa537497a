"""Accounts: people who log in, and authors of paper entries who do not.

Services take the session and plain values or model objects, may flush, never commit."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from contest.audit import ContestAction
from contest.models import Entry, EntryState, Role, Unit, User
from contest.platform import passwords
from contest.platform.audit import record_event
from contest.platform.config import setting
from contest.platform.errors import InvalidInput
from contest.platform.mail import mail_enabled
from contest.platform.text import nfc, without_control_characters
from contest.services import deadlines, notifications

MAX_NAME = 200
# Accounts an organiser or the operator makes; entrants register themselves.
STAFF_ROLE_VALUES = (
    Role.PROVINCE_ORGANISER.value,
    Role.UNIT_ORGANISER.value,
    Role.JUDGE.value,
    Role.HEAD_JUDGE.value,
)


def normalise_phone(phone: str) -> str:
    """Digits only, `+84` written as a leading 0: one spelling per number."""
    digits = "".join(ch for ch in phone if ch.isdigit() or ch == "+")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    return digits.replace("+", "")


def normalise_login(login: str) -> str:
    """One spelling per login: e-mails in lower case, phone numbers as digits."""
    login = login.strip()
    return login.lower() if "@" in login else normalise_phone(login)


def find_user_by_login(session: Session, login: str) -> User | None:
    """Log in by e-mail or phone number."""
    login = normalise_login(login)
    if "@" in login:
        return session.scalar(select(User).where(func.lower(User.email) == login))
    return session.scalar(select(User).where(User.phone == login))


@cache
def _stand_in_hash(method: str) -> str:
    return generate_password_hash(secrets.token_hex(16), method=method)


def authenticate(session: Session, login: str, password: str) -> User | None:
    """The account if the password is right. Exactly one password hash is checked whatever
    the login, so the answer's timing does not tell a known login from an unknown one."""
    user = find_user_by_login(session, login)
    if user is None or not user.password_hash:
        check_password_hash(_stand_in_hash(setting("PASSWORD_HASH_METHOD")), password)
        return None
    return user if user.check_password(password) else None


def create_user(
    session: Session,
    *,
    full_name: str,
    email: str | None,
    phone: str | None,
    password: str | None,
    role: str = Role.ENTRANT,
    unit: Unit | None = None,
    address: str = "",
) -> User:
    """Create an account; an e-mail or phone already taken is refused."""
    email = email.strip().lower() if email and email.strip() else None
    phone = normalise_phone(phone) if phone and phone.strip() else None
    if not email and not phone:
        raise InvalidInput(_l("Cần có thư điện tử hoặc số điện thoại."))
    if email and session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise InvalidInput(_l("Thư điện tử này đã được đăng ký."))
    if phone and session.scalar(select(User.id).where(User.phone == phone)):
        raise InvalidInput(_l("Số điện thoại này đã được đăng ký."))
    if role == Role.UNIT_ORGANISER and unit is None:
        raise InvalidInput(_l("Cán bộ thi đua phải thuộc một đơn vị."))
    user = User(
        full_name=nfc(full_name.strip()),
        email=email,
        phone=phone,
        role=role,
        unit=unit,
        address=nfc(address.strip()),
    )
    if password:
        passwords.check_password_rule(password, [email or "", phone or ""])
        user.set_password(password, setting("PASSWORD_HASH_METHOD"))
    session.add(user)
    session.flush()
    return user


def register_entrant(
    session: Session,
    *,
    full_name: str,
    email: str | None,
    phone: str | None,
    password: str,
    unit: Unit | None,
    address: str,
) -> User | None:
    """A self-registration, answered alike whether or not its e-mail or phone already has an
    account, so the form tells nobody who is registered. A new one is created (its owner then
    logs in); for a taken one nothing is created, the same password rule and hash are paid,
    and the owner is told by mail where there is an address. Returns the new account or None."""
    email = email.strip().lower() if email and email.strip() else None
    phone = normalise_phone(phone) if phone and phone.strip() else None
    taken = (email and find_user_by_login(session, email)) or (
        phone and find_user_by_login(session, phone)
    )
    if not taken:
        return create_user(
            session,
            full_name=full_name,
            email=email,
            phone=phone,
            password=password,
            unit=unit,
            address=address,
        )
    passwords.check_password_rule(password, [email or "", phone or ""])
    generate_password_hash(password, method=setting("PASSWORD_HASH_METHOD"))
    notifications.registration_attempt(session, taken)
    return None


def create_staff_account(
    session: Session,
    actor: User,
    *,
    full_name: str,
    email: str | None,
    phone: str | None,
    role: str,
    unit: Unit | None,
    password: str | None,
) -> User:
    """An organiser makes an account for the board, a unit or the jury: with a first password
    they pass on, or without one, invited by mail to set their own."""
    if not password and not (email and email.strip() and mail_enabled()):
        raise InvalidInput(
            _l(
                "Cần nhập mật khẩu ban đầu: tài khoản không có thư điện tử, hoặc hệ thống chưa "
                "bật gửi thư để mời người dùng tự đặt mật khẩu."
            )
        )
    user = open_account(
        session,
        actor,
        full_name=full_name,
        email=email,
        phone=phone,
        role=role,
        unit=unit,
        password=password or None,
    )
    if not password:
        invite(session, user)
    return user


def open_account(
    session: Session,
    actor: User | None,
    *,
    full_name: str,
    email: str | None,
    phone: str | None,
    role: str,
    unit: Unit | None,
    password: str | None,
) -> User:
    """A staff account made by an organiser, or by the operator (`actor` None: the first
    province organiser can only come from `flask users create`); audited either way."""
    if role not in STAFF_ROLE_VALUES:
        raise InvalidInput(
            _l("Vai trò phải là một trong: %(roles)s.", roles=", ".join(STAFF_ROLE_VALUES))
        )
    full_name = " ".join(without_control_characters(full_name).split())
    if not 1 <= len(full_name) <= MAX_NAME:
        raise InvalidInput(_l("Họ và tên cần có, không quá %(n)s ký tự.", n=MAX_NAME))
    if email and email.strip():
        try:
            validate_email(email.strip(), check_deliverability=False)
        except EmailNotValidError as error:
            raise InvalidInput(
                _l("Thư điện tử «%(email)s» không hợp lệ.", email=email.strip())
            ) from error
    user = create_user(
        session,
        full_name=full_name,
        email=email,
        phone=phone,
        password=password,
        role=role,
        unit=unit,
    )
    record_event(session, actor, user, ContestAction.ACCOUNT_CREATED, role=role)
    return user


def set_password_for(
    session: Session, actor: User | None, user: User, password: str, *, must_change: bool = True
) -> None:
    """An operator sets the password of someone who has no e-mail to reset it with (by CLI:
    `actor` None); the person's sessions end, the act is audited. Unless `must_change` is
    False, its owner must change it at the next login, as a temporary one."""
    set_new_password(session, user, password)
    user.must_change_password = must_change
    record_event(session, actor, user, ContestAction.PASSWORD_SET, how="operator")


def update_staff_account(
    session: Session,
    actor: User,
    user: User,
    *,
    full_name: str,
    email: str | None,
    phone: str | None,
    role: str,
    unit: Unit | None,
) -> None:
    """Correct a staff account's name, logins, role or unit (never an entrant's)."""
    if user.role == Role.ENTRANT or role == Role.ENTRANT:
        raise InvalidInput(_l("Chỉ sửa được tài khoản cán bộ và giám khảo."))
    email = email.strip().lower() if email and email.strip() else None
    phone = normalise_phone(phone) if phone and phone.strip() else None
    if not email and not phone:
        raise InvalidInput(_l("Cần có thư điện tử hoặc số điện thoại."))
    for column, value, message in (
        (User.email, email, _l("Thư điện tử này đã được đăng ký.")),
        (User.phone, phone, _l("Số điện thoại này đã được đăng ký.")),
    ):
        taken = value and session.scalar(select(User.id).where(column == value, User.id != user.id))
        if taken:
            raise InvalidInput(message)
    if role == Role.UNIT_ORGANISER and unit is None:
        raise InvalidInput(_l("Cán bộ thi đua phải thuộc một đơn vị."))
    user.full_name, user.email, user.phone = nfc(full_name.strip()), email, phone
    user.role, user.unit = role, unit
    record_event(session, actor, user, ContestAction.ACCOUNT_EDITED, role=role)
    session.flush()


def set_account_active(session: Session, actor: User | None, user: User, active: bool) -> None:
    """Switch an account off (its sessions end at once) or on again; never one's own (the
    operator, `actor` None, may switch any)."""
    if actor is not None and user.id == actor.id:
        raise InvalidInput(_l("Không thể tự khóa tài khoản của chính mình."))
    if user.is_active_account == active:
        return
    user.is_active_account = active
    if not active:
        end_sessions(session, user)
    action = ContestAction.ACCOUNT_REACTIVATED if active else ContestAction.ACCOUNT_DEACTIVATED
    record_event(session, actor, user, action)
    session.flush()


def send_reset_link(session: Session, actor: User, user: User) -> None:
    """The organiser's reset: the same single-use link a person can ask for themselves."""
    if not (user.email and mail_enabled()):
        raise InvalidInput(_l("Tài khoản này không có thư điện tử hoặc hệ thống chưa bật gửi thư."))
    notifications.password_reset(session, user)
    record_event(session, actor, user, ContestAction.PASSWORD_RESET_SENT)


def invite(session: Session, user: User) -> None:
    """An account made by an organiser, or a paper author with an e-mail, gets a link to set
    its own password (mail must be on and the account must have an address)."""
    if user.email:
        notifications.invitation(session, user)


def set_new_password(session: Session, user: User, password: str) -> None:
    """Set a password under the rule and end every session: a stolen cookie dies with it."""
    passwords.check_password_rule(password, [user.email or "", user.phone or ""])
    user.set_password(password, setting("PASSWORD_HASH_METHOD"))
    user.must_change_password = False
    end_sessions(session, user)


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """The owner changes their password (their other sessions end); audited."""
    if not user.check_password(current):
        raise InvalidInput(_l("Mật khẩu hiện tại không đúng."))
    if user.must_change_password and current.casefold() == new.casefold():
        raise InvalidInput(_l("Mật khẩu mới phải khác mật khẩu tạm thời."))
    set_new_password(session, user, new)
    record_event(session, user, user, ContestAction.PASSWORD_SET, how="change")


def set_password_from_link(session: Session, user: User, password: str, purpose: str) -> None:
    """A password set from a mailed link (reset or invitation), which it spends; audited."""
    set_new_password(session, user, password)
    record_event(session, user, user, ContestAction.PASSWORD_SET, how=purpose)


@dataclass
class LoginAttempt:
    """What a failed login is recorded against when the login names no account."""

    login: str
    id: int = 0

    @property
    def audit_name(self) -> str:
        return nfc(self.login.strip())[:100]


def record_login(
    session: Session, login: str, user: User | None, known: User | None, address: str
) -> bool:
    """Log a login attempt (`user` the account the password opened, `known` the account the
    login names, if any) and say whether it lets the person in: a switched-off account
    does not."""
    allowed = user is not None and user.is_active_account
    record_event(
        session,
        user if allowed else None,
        known or LoginAttempt(login),
        ContestAction.LOGGED_IN if allowed else ContestAction.LOGIN_FAILED,
        address=address,
    )
    return allowed


def request_password_reset(session: Session, login: str) -> None:
    """Mail a reset link if the login is known, switched on and has an e-mail; say nothing
    either way."""
    user = find_user_by_login(session, login)
    if user is not None and user.email and user.is_active_account:
        notifications.password_reset(session, user)


def user_for_link(session: Session, purpose: str, token: str) -> User:
    """The account a password link was made for, while it is still unspent and unexpired."""
    user_id, fingerprint = passwords.read_token(setting("SECRET_KEY"), purpose, token)
    user = session.get(User, user_id)
    current = (
        passwords.fingerprint(user.password_hash, user.session_version, user.email, user.phone)
        if user
        else ""
    )
    if user is None or not hmac.compare_digest(fingerprint, current):
        raise InvalidInput(_l("Liên kết không hợp lệ hoặc đã được dùng."))
    return user


def change_unit(session: Session, user: User, unit: Unit, now: datetime) -> int:
    """An entrant who picked the wrong unit moves, while nothing they wrote has been submitted:
    their drafts move with them to the new unit's round. Returns how many drafts moved."""
    if user.role != Role.ENTRANT:
        raise InvalidInput(_l("Chỉ người dự thi tự đổi được đơn vị."))
    entries = session.scalars(select(Entry).where(Entry.author_id == user.id)).all()
    if any(entry.state != EntryState.DRAFT for entry in entries):
        raise InvalidInput(
            _l(
                "Bạn đã nộp bài nên không tự đổi đơn vị được nữa: hãy rút bài trước, hoặc liên "
                "hệ ban tổ chức."
            )
        )
    moved = 0
    for entry in entries:
        # The one rule of where an essay may go in now, with its reason (a unit closed,
        # judging itself, past its deadline, the province root).
        round_ = deadlines.check_intake(session, entry.contest, unit, now)
        entry.author_unit, entry.round = unit, round_
        moved += 1
    before = user.unit.name if user.unit else ""
    user.unit = unit
    record_event(session, user, user, ContestAction.UNIT_CHANGED, before=before, after=unit.name)
    session.flush()
    return moved


def end_sessions(session: Session, user: User) -> None:
    """Log out everywhere: every session cookie issued to `user` so far stops working."""
    user.session_version += 1
    session.flush()


def find_or_create_author(
    session: Session, *, full_name: str, phone: str | None, email: str | None, unit: Unit | None
) -> User:
    """The author of an entry collected on paper, who gets no password.

    An entrant already known by this phone or e-mail is reused only when it is the same person:
    the same name in the same unit. Anyone else's phone or e-mail never attaches the entry to
    them (nor shows their details): a new author record is made for this unit, keeping what was
    written on the paper as its contact, not as a login."""
    if unit is None:
        raise InvalidInput(_l("Cần chọn đơn vị của tác giả."))
    full_name = nfc(full_name.strip())
    if not full_name:
        raise InvalidInput(_l("Cần ghi họ tên tác giả."))
    contacts = [value.strip() for value in (phone, email) if value and value.strip()]
    known = [user for c in contacts if (user := find_user_by_login(session, c)) is not None]
    for user in known:
        if user.role == Role.ENTRANT and user.unit_id == unit.id and _same_name(user, full_name):
            return user
    if not known:
        author = create_user(
            session, full_name=full_name, email=email, phone=phone, password=None, unit=unit
        )
        invite(session, author)
        return author
    author = User(full_name=full_name, role=Role.ENTRANT, unit=unit, contact=", ".join(contacts))
    session.add(author)
    session.flush()
    return author


def _same_name(user: User, full_name: str) -> bool:
    """Names compare with their diacritics (Hoa and Hòa are two people), case and spacing aside."""
    return " ".join(user.full_name.casefold().split()) == " ".join(full_name.casefold().split())
