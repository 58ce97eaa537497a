"""The password rule and the single-use links that set a password.

The rule: at least MIN_LENGTH characters, not one of the 20,000 most common passwords (the
list Django ships, from Royce Williams' analysis of leaked passwords, plus Vietnamese
favourites such as "matkhau123" and "anhyeuem"; `data/common-passwords.txt.gz`), and not the
person's own e-mail or phone.

A link is an itsdangerous token signed with the app's secret, holding the user's id and a
fingerprint of their current password hash, session version, e-mail and phone: once a
password is set through it (or any other way), the person logs out everywhere, or an organiser
corrects their e-mail, the fingerprint no longer matches and the link is spent. Reset links
live one hour; invitations, which a new account-holder may open days later, INVITATION_HOURS."""

from __future__ import annotations

import gzip
import hashlib
import os
from functools import cache

from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from contest.platform.errors import InvalidInput

MIN_LENGTH = 10
RESET_HOURS = 1
INVITATION_HOURS = 72
RESET, INVITATION = "password-reset", "invitation"
COMMON_PASSWORDS_FILE = os.path.join(os.path.dirname(__file__), "data", "common-passwords.txt.gz")

RULE_TEXT = _l(
    "Mật khẩu cần ít nhất 10 ký tự, không phải mật khẩu phổ biến (như 12345678 hay matkhau123), "
    "không trùng thư điện tử hay số điện thoại."
)


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as fh:
        return frozenset(line.strip() for line in fh if line.strip())


def password_problem(password: str, logins: list[str]) -> str | None:
    """Why `password` is refused, in words, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return str(_l("Mật khẩu cần ít nhất %(n)s ký tự.", n=MIN_LENGTH))
    folded = password.strip().casefold()
    if folded in common_passwords():
        return str(_l("Mật khẩu này quá phổ biến, dễ bị đoán: hãy chọn mật khẩu khác."))
    for login in filter(None, (value.strip().casefold() for value in logins)):
        local = login.partition("@")[0]
        if folded == login or (len(local) >= 4 and local in folded):
            return str(_l("Mật khẩu không được chứa thư điện tử hay số điện thoại của bạn."))
    return None


def check_password_rule(password: str, logins: list[str]) -> None:
    problem = password_problem(password, logins)
    if problem is not None:
        raise InvalidInput(problem)


def fingerprint(
    password_hash: str | None, session_version: int, email: str | None, phone: str | None
) -> str:
    """Changes whenever the password is set, every session is ended or the logins change: a
    link made before any of these (say, mailed to a mistyped address since corrected) no
    longer works."""
    seed = f"{password_hash or ''}|{session_version}|{email or ''}|{phone or ''}".encode()
    return hashlib.sha256(seed).hexdigest()[:24]


def make_token(secret: str, purpose: str, user_id: int, user_fingerprint: str) -> str:
    return URLSafeTimedSerializer(secret, salt=purpose).dumps([user_id, user_fingerprint])


def read_token(secret: str, purpose: str, token: str) -> tuple[int, str]:
    """(user id, fingerprint) from a link still within its lifetime; InvalidInput otherwise."""
    hours = INVITATION_HOURS if purpose == INVITATION else RESET_HOURS
    try:
        user_id, user_fingerprint = URLSafeTimedSerializer(secret, salt=purpose).loads(
            token, max_age=hours * 3600
        )
    except SignatureExpired as error:
        raise InvalidInput(_l("Liên kết đã hết hạn: hãy yêu cầu một liên kết mới.")) from error
    except (BadSignature, ValueError, TypeError) as error:
        raise InvalidInput(_l("Liên kết không hợp lệ hoặc đã được dùng.")) from error
    return int(user_id), str(user_fingerprint)
