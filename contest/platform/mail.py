"""Mail: written inside the action's unit of work as a job, sent by the job runner after the
commit (see `contest.platform.jobs`), so no mail leaves for a change that was rolled back and a dead
mail server delays a message without failing the action.

Off unless MAIL_SERVER and PUBLIC_URL are set. Messages are written in the interface's default
language when they are queued; the words and links in them are those of that moment. Until it
is sent, a message's body is sealed with a key drawn from SECRET_KEY (Fernet): a backup taken
meanwhile holds no password link anyone could use."""

from __future__ import annotations

import base64
import hashlib
import smtplib
from collections.abc import Callable
from email.header import Header
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import formatdate, make_msgid
from typing import Protocol

from cryptography.fernet import Fernet, InvalidToken
from flask import Flask, current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from contest.platform import jobs
from contest.platform.config import setting
from contest.platform.models import Job, SentNotice

MAIL = "mail"


class _MailPolicy(EmailPolicy):
    """SMTP's policy, except for a subject with letters outside ASCII: Python 3.11 folds one
    between two RFC 2047 encoded words and the space there is lost ("đượcgửi", "cấp
    tỉnhSơn La"), since a reader drops the whitespace between encoded words. Such a subject is
    written as encoded words that carry their own spaces, one per line of at most 78."""

    def _encoded_subject(self, name: str, value: str) -> str | None:
        if name.lower() != "subject" or str(value).isascii():
            return None
        words = Header(str(value), "utf-8", self.max_line_length, name)
        return f"{name}: {words.encode(linesep=self.linesep)}{self.linesep}"

    def fold(self, name: str, value: str) -> str:
        return self._encoded_subject(name, value) or super().fold(name, value)

    def fold_binary(self, name: str, value: str) -> bytes:
        encoded = self._encoded_subject(name, value)
        return encoded.encode("ascii") if encoded else super().fold_binary(name, value)


MAIL_POLICY = _MailPolicy(linesep="\r\n")  # as email.policy.SMTP


class Recipient(Protocol):
    """Whoever mail goes to: an account of the domain, with an address or none."""

    email: str | None


def mail_enabled() -> bool:
    """Mail needs an SMTP server and the site's public address for its links (never taken
    from the request: a forged Host header would send password links to another site)."""
    return bool(setting("MAIL_SERVER")) and bool(setting("PUBLIC_URL"))


def public_url(endpoint: str, **values) -> str:
    """An absolute link for a message read outside the site, on PUBLIC_URL."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return setting("PUBLIC_URL").rstrip("/") + path


def queue_mail(
    session: Session,
    recipient: Recipient,
    write: Callable[[], tuple[str, str]],
    *,
    contest_id: int | None = None,
) -> Job | None:
    """Queue one message to `recipient`, if mail is on and they have an address. `write()`
    returns (subject, body); it runs in the default language."""
    if not mail_enabled() or not recipient.email:
        return None
    with force_locale(setting("BABEL_DEFAULT_LOCALE")):
        subject, body = write()
    payload = {"to": recipient.email, "subject": str(subject), "sealed": seal(str(body))}
    return jobs.enqueue(session, MAIL, payload, contest_id=contest_id, max_attempts=5)


def queue_mail_once(
    session: Session,
    key: str,
    recipient: Recipient,
    write: Callable[[], tuple[str, str]],
    *,
    contest_id: int | None = None,
) -> bool:
    """Queue the message unless one with `key` was queued before; True when it is queued now.
    The key is kept in a savepoint, so two runs at once send it once and neither fails."""
    if not mail_enabled() or not recipient.email:
        return False
    if session.scalar(select(SentNotice.id).where(SentNotice.key == key)) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(SentNotice(key=key))
    except IntegrityError:
        return False
    queue_mail(session, recipient, write, contest_id=contest_id)
    return True


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"guong-sang mail\0" + setting("SECRET_KEY").encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(body: str) -> str:
    return _fernet().encrypt(body.encode()).decode()


def unseal(sealed: str) -> str:
    """The body again; a message sealed under another secret key cannot be sent (its job
    fails with that reason)."""
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken as error:
        raise ValueError("mail sealed with another SECRET_KEY") from error


def send(payload: dict) -> None:
    """Hand one message to the SMTP server (a job's work: failures are retried)."""
    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = setting("MAIL_SENDER")
    message["To"] = payload["to"]
    message["Subject"] = " ".join(payload["subject"].split())  # a title's line breaks, gone
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=setting("MAIL_SENDER").rpartition("@")[2] or None)
    # A message queued before bodies were sealed still goes out as it was written.
    message.set_content(unseal(payload["sealed"]) if "sealed" in payload else payload["body"])
    connect = smtplib.SMTP_SSL if setting("MAIL_USE_SSL") else smtplib.SMTP
    with connect(
        setting("MAIL_SERVER"), setting("MAIL_PORT"), timeout=setting("MAIL_TIMEOUT_SECONDS")
    ) as smtp:
        if setting("MAIL_USE_TLS"):
            smtp.starttls()
        if setting("MAIL_USERNAME"):
            smtp.login(setting("MAIL_USERNAME"), setting("MAIL_PASSWORD"))
        smtp.send_message(message)


def init_app(app: Flask) -> None:
    """Mail is a kind of job; a sent message's body (it may hold a password link) is not
    kept in the jobs table."""
    jobs.register(
        app, MAIL, jobs.JobKind(run=send, label=_l("Gửi thư điện tử"), keep_payload=False)
    )
