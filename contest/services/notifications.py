"""What the core tells people by mail: a receipt for an essay, its fate at each round, the
links that set a password. Each function queues one message in the caller's unit of work
(`contest.platform.mail`); nothing is sent if that rolls back, or if mail is off or they have no
address. Messages to authors never name a judge."""

from __future__ import annotations

from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from contest.models import Entry, User
from contest.platform import passwords
from contest.platform.config import setting
from contest.platform.mail import public_url, queue_mail

SIGNATURE = "\n\n— Gương Sáng"


def entry_received(session: Session, entry: Entry) -> None:
    def write() -> tuple[str, str]:
        return (
            _("Đã nhận bài dự thi «%(title)s»", title=entry.title),
            _(
                "Chào %(name)s,\n\nBan tổ chức %(contest)s đã nhận bài «%(title)s» (%(words)s "
                "chữ), nộp lúc %(at)s. Bài sẽ được %(unit)s xét chọn.\n\nXem bài: %(url)s",
                name=entry.author.full_name,
                contest=entry.contest.title,
                title=entry.title,
                words=entry.word_count,
                at=format_datetime(entry.submitted_at, "HH:mm dd/MM/yyyy"),
                unit=entry.round.unit.name,
                url=public_url("contest.show_entry", entry_id=entry.id),
            )
            + SIGNATURE,
        )

    queue_mail(session, entry.author, write, contest_id=entry.contest_id)


def entry_forwarded(session: Session, entry: Entry, unit: str, parent: str) -> None:
    def write() -> tuple[str, str]:
        return (
            _("Bài «%(title)s» được gửi lên %(parent)s", title=entry.title, parent=parent),
            _(
                "Chào %(name)s,\n\n%(unit)s đã chọn bài «%(title)s» của bạn gửi lên %(parent)s."
                "\n\nXem bài: %(url)s",
                name=entry.author.full_name,
                unit=unit,
                title=entry.title,
                parent=parent,
                url=public_url("contest.show_entry", entry_id=entry.id),
            )
            + SIGNATURE,
        )

    queue_mail(session, entry.author, write, contest_id=entry.contest_id)


def entry_not_selected(session: Session, entry: Entry, unit: str) -> None:
    def write() -> tuple[str, str]:
        return (
            _("Kết quả xét chọn bài «%(title)s»", title=entry.title),
            _(
                "Chào %(name)s,\n\nBài «%(title)s» của bạn không nằm trong số bài %(unit)s gửi "
                "lên cấp trên. Cảm ơn bạn đã tham gia cuộc thi.\n\nXem bài: %(url)s",
                name=entry.author.full_name,
                title=entry.title,
                unit=unit,
                url=public_url("contest.show_entry", entry_id=entry.id),
            )
            + SIGNATURE,
        )

    queue_mail(session, entry.author, write, contest_id=entry.contest_id)


def password_link(user: User, purpose: str) -> str:
    """A single-use link that lets `user` set a password (see `contest.platform.passwords`)."""
    token = passwords.make_token(
        setting("SECRET_KEY"),
        purpose,
        user.id,
        passwords.fingerprint(user.password_hash, user.session_version, user.email, user.phone),
    )
    return public_url("auth.open_password_link", purpose=purpose, token=token)


def password_reset(session: Session, user: User) -> None:
    def write() -> tuple[str, str]:
        return (
            _("Đặt lại mật khẩu Gương Sáng"),
            _(
                "Chào %(name)s,\n\nCó yêu cầu đặt lại mật khẩu cho tài khoản của bạn. Mở liên "
                "kết sau trong vòng %(hours)s giờ để đặt mật khẩu mới (liên kết chỉ dùng được "
                "một lần):\n\n%(url)s\n\nNếu bạn không yêu cầu, hãy bỏ qua thư này.",
                name=user.full_name,
                hours=passwords.RESET_HOURS,
                url=password_link(user, passwords.RESET),
            )
            + SIGNATURE,
        )

    queue_mail(session, user, write)


def invitation(session: Session, user: User) -> None:
    def write() -> tuple[str, str]:
        return (
            _("Mời bạn đặt mật khẩu tài khoản Gương Sáng"),
            _(
                "Chào %(name)s,\n\nBan tổ chức đã tạo cho bạn một tài khoản trên Gương Sáng "
                "(đăng nhập bằng địa chỉ thư này). Mở liên kết sau trong vòng %(hours)s giờ để "
                "đặt mật khẩu (liên kết chỉ dùng được một lần):\n\n%(url)s",
                name=user.full_name,
                hours=passwords.INVITATION_HOURS,
                url=password_link(user, passwords.INVITATION),
            )
            + SIGNATURE,
        )

    queue_mail(session, user, write)


def registration_attempt(session: Session, user: User) -> None:
    """Someone registered with this account's e-mail or phone: nothing was created, and its
    owner hears of it, with the way back in should it have been them."""

    def write() -> tuple[str, str]:
        return (
            _("Có người đăng ký bằng thông tin tài khoản của bạn"),
            _(
                "Chào %(name)s,\n\nVừa có người đăng ký tài khoản Gương Sáng bằng thư điện tử "
                "hoặc số điện thoại của bạn. Thông tin này đã có tài khoản từ trước nên không "
                "có tài khoản mới nào được tạo.\n\nNếu đó là bạn và bạn quên mật khẩu, hãy đặt "
                "lại mật khẩu tại: %(url)s\n\nNếu không phải bạn, hãy bỏ qua thư này.",
                name=user.full_name,
                url=public_url("auth.forgot_password"),
            )
            + SIGNATURE,
        )

    queue_mail(session, user, write)
