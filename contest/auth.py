"""Log in by e-mail or phone, register as an entrant, log out, switch the language."""

from __future__ import annotations

from urllib.parse import urlparse

from flask import Blueprint, Flask, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf.csrf import CSRFProtect

from contest.forms import (
    ChangePasswordForm,
    ChangeUnitForm,
    ConfirmForm,
    ForgotPasswordForm,
    LanguageForm,
    LoginForm,
    RegisterForm,
    SetPasswordForm,
    grouped_unit_choices,
)
from contest.models import Unit, User
from contest.platform import passwords
from contest.platform.db import db, reads_first, utcnow
from contest.platform.errors import InvalidInput
from contest.platform.mail import mail_enabled
from contest.platform.throttle import (
    FAILED_LOGINS_PER_ACCOUNT,
    FAILED_LOGINS_PER_ADDRESS,
    LOGIN_ATTEMPTS_PER_ACCOUNT,
    REGISTRATIONS_PER_ADDRESS,
    RESET_REQUESTS_PER_ACCOUNT,
    RESET_REQUESTS_PER_ADDRESS,
    answered_with_form,
    limiter,
    own_account_key,
)
from contest.platform.uow import end_reads
from contest.platform.web import user_action
from contest.services import accounts, deadlines
from contest.services.accounts import normalise_login

# Where a mailed password link waits, in the signed session, while its page is open.
PASSWORD_LINK = "password_link"
# The login just registered, filled in on the login page that follows.
REGISTERED_LOGIN = "registered_login"


def login_key() -> str:
    """The account being asked about, however it is spelled (case, spaces, +84)."""
    return "login:" + normalise_login(LoginForm().login.data or "")


def login_attempt_key() -> str:
    """The account being tried from this address: a stranger's wrong guesses slow the
    stranger down, never the owner elsewhere (nobody can lock the board out of its account)."""
    return f"{login_key()}@{request.remote_addr or ''}"


bp = Blueprint("auth", __name__)
login_manager = LoginManager()
csrf = CSRFProtect()


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user of a session cookie, unless they logged out since it was issued: the cookie
    alone lives on in the browser (or in a stolen copy), the version in it does not match."""
    user_id, _, version = session_id.partition(".")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active_account or user.session_version != int(version):
        return None
    return user


# What someone holding a temporary password may still reach until they change it.
WHILE_PASSWORD_TEMPORARY = frozenset(
    {"auth.change_password", "auth.logout", "auth.set_language", "static"}
)


def require_own_password():
    """A temporary password (an organiser issued it) opens only the change-password page."""
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        and request.endpoint not in WHILE_PASSWORD_TEMPORARY
    ):
        return redirect(url_for("auth.change_password"))
    return None


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
    csrf.init_app(app)
    app.before_request(require_own_password)


def _safe_next(target: str | None) -> str | None:
    """Only local paths: never bounce a user to another site after login. Browsers read a
    backslash as a slash and drop tabs and newlines, so "/\\evil.example" is refused too."""
    if not target or any(ch in target for ch in "\\\t\r\n"):
        return None
    if target.startswith("/") and not target.startswith("//") and not urlparse(target).netloc:
        return target
    return None


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    FAILED_LOGINS_PER_ACCOUNT,
    key_func=login_attempt_key,
    methods=["POST"],
    deduct_when=answered_with_form,
)
@limiter.limit(FAILED_LOGINS_PER_ADDRESS, methods=["POST"], deduct_when=answered_with_form)
@limiter.limit(LOGIN_ATTEMPTS_PER_ACCOUNT, key_func=login_attempt_key, methods=["POST"])
@reads_first
def login():
    form = LoginForm()
    if request.method == "GET" and REGISTERED_LOGIN in session:
        form.login.data = session.pop(REGISTERED_LOGIN)
    if form.validate_on_submit():
        # The password hash (the slow part) runs before the write lock is taken.
        user = accounts.authenticate(db.session, form.login.data, form.password.data)
        known = user or accounts.find_user_by_login(db.session, form.login.data)
        end_reads(db.session)  # the objects stay, reloaded in the writing transaction below
        with user_action() as action:
            allowed = accounts.record_login(
                action.session, form.login.data, user, known, request.remote_addr or ""
            )
        if action.ok and allowed:
            session.permanent = True  # ends after PERMANENT_SESSION_LIFETIME, browser open or not
            login_user(user)
            if user.must_change_password:
                return redirect(url_for("auth.change_password"))
            return redirect(_safe_next(request.args.get("next")) or url_for("contest.home"))
        # Only the right password learns that the account is switched off.
        form.password.errors.append(
            _("Tài khoản này đang bị tạm khóa; hãy liên hệ ban tổ chức.")
            if user is not None
            else _("Sai thông tin đăng nhập hoặc mật khẩu.")
        )
    return render_template("contest/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    form = ConfirmForm()
    if form.validate_on_submit():
        with user_action() as action:
            accounts.end_sessions(action.session, current_user)
        logout_user()
    return redirect(url_for("contest.home"))


# Whom someone without a reset mail asks: the organisers can issue a temporary password.
WHOM_TO_ASK = _l(
    "người dự thi hãy nhờ cán bộ thi đua của đơn vị đã chọn khi đăng ký (hoặc của đơn vị cấp "
    "trên, hay Ban Tổ chức cấp tỉnh); giám khảo và cán bộ thi đua hãy nhờ Ban Tổ chức cấp "
    "tỉnh. Họ tìm tài khoản của bạn theo họ tên hoặc số điện thoại và cấp một mật khẩu tạm "
    "thời; khi đăng nhập bằng mật khẩu đó, bạn đặt ngay mật khẩu của riêng mình."
)


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(RESET_REQUESTS_PER_ADDRESS, methods=["POST"])
@limiter.limit(RESET_REQUESTS_PER_ACCOUNT, key_func=login_key, methods=["POST"])
def forgot_password():
    """The same answer whether or not the login exists: it tells nobody who has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        with user_action() as action:
            accounts.request_password_reset(action.session, form.login.data)
        flash(
            _(
                "Nếu thông tin này thuộc một tài khoản có thư điện tử, thư hướng dẫn đặt lại "
                "mật khẩu đã được gửi; liên kết trong thư có hiệu lực %(hours)s giờ. Không "
                "nhận được thư: %(whom)s",
                hours=passwords.RESET_HOURS,
                whom=WHOM_TO_ASK,
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template(
        "contest/forgot_password.html", form=form, mail_on=mail_enabled(), whom=WHOM_TO_ASK
    )


PASSWORD_PURPOSES = "<any('password-reset', 'invitation'):purpose>"


@bp.route(f"/password/{PASSWORD_PURPOSES}/<token>")
def open_password_link(purpose: str, token: str):
    """A mailed link: checked, kept in the session, and left at once for an address without
    the token, so the page's own requests (their Referer) and the access log of everything
    after carry no token (`contest.platform.logs` masks it in this one request's line)."""
    try:
        accounts.user_for_link(db.session, purpose, token)
    except InvalidInput as error:
        flash(str(error), "error")
        return redirect(url_for("auth.forgot_password"))
    session[PASSWORD_LINK] = [purpose, token]
    return redirect(url_for("auth.set_password", purpose=purpose))


@bp.route(f"/password/{PASSWORD_PURPOSES}", methods=["GET", "POST"])
def set_password(purpose: str):
    """Set a password from a mailed link; the link is spent once the password is set."""
    stored = session.get(PASSWORD_LINK) or ["", ""]
    try:
        if stored[0] != purpose:
            raise InvalidInput(_("Liên kết không hợp lệ hoặc đã được dùng."))
        user = accounts.user_for_link(db.session, purpose, stored[1])
    except InvalidInput as error:
        flash(str(error), "error")
        return redirect(url_for("auth.forgot_password"))
    form = SetPasswordForm()
    if form.validate_on_submit():
        with user_action(_("Đã đặt mật khẩu. Hãy đăng nhập bằng mật khẩu mới.")) as action:
            accounts.set_password_from_link(action.session, user, form.password.data, purpose)
        if action.ok:
            session.pop(PASSWORD_LINK, None)
            logout_user()
            return redirect(url_for("auth.login"))
    return render_template("contest/set_password.html", form=form, user=user)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit(
    FAILED_LOGINS_PER_ACCOUNT,
    key_func=own_account_key,
    methods=["POST"],
    deduct_when=answered_with_form,
)
def change_password():
    """A new password ends every other session; this browser stays logged in."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        with user_action(_("Đã đổi mật khẩu; các phiên đăng nhập khác đã kết thúc.")) as action:
            accounts.change_password(
                action.session, current_user, form.current.data, form.password.data
            )
        if action.ok:
            login_user(current_user._get_current_object())  # under its new session version
            return redirect(url_for("contest.home"))
    return render_template("contest/change_password.html", form=form)


@bp.route("/account/unit", methods=["GET", "POST"])
@login_required
def change_unit():
    """An entrant moves to another unit while nothing of theirs is submitted yet."""
    form = ChangeUnitForm()
    form.unit_id.choices = unit_choices()
    if form.validate_on_submit():
        with user_action(_("Đã đổi đơn vị; các bài nháp đã chuyển theo.")) as action:
            accounts.change_unit(
                action.session,
                current_user,
                action.session.get(Unit, form.unit_id.data),
                utcnow(),
            )
        if action.ok:
            return redirect(url_for("contest.home"))
    return render_template("contest/change_unit.html", form=form)


def unit_choices():
    """Units whose round still takes essays, grouped as the province is: an entrant never
    picks a unit only to learn after writing that its round has ended."""
    return grouped_unit_choices(deadlines.units_taking_entries(db.session, utcnow()))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(REGISTRATIONS_PER_ADDRESS, methods=["POST"])
def register():
    form = RegisterForm()
    form.unit_id.choices = unit_choices()
    if form.validate_on_submit():
        with user_action() as action:
            accounts.register_entrant(
                action.session,
                full_name=form.full_name.data,
                email=form.email.data,
                phone=form.phone.data,
                password=form.password.data,
                unit=action.session.get(Unit, form.unit_id.data),
                address=form.address.data,
            )
        if action.ok:
            # The same answer whether the e-mail or phone was new or taken (see
            # `register_entrant`): no automatic login, which would tell them apart.
            session[REGISTERED_LOGIN] = form.email.data or form.phone.data
            flash(
                _(
                    "Đã nhận đăng ký. Hãy đăng nhập bằng thư điện tử hoặc số điện thoại và mật "
                    "khẩu vừa đặt. Nếu thông tin này đã có tài khoản từ trước, chủ tài khoản "
                    "nhận được thư báo; hãy dùng «Quên mật khẩu»."
                ),
                "success",
            )
            return redirect(url_for("auth.login"))
    return render_template("contest/register.html", form=form)


@bp.route("/lang/<code>", methods=["POST"])
def set_language(code: str):
    form = LanguageForm()
    if form.validate_on_submit() and code in ("vi", "en"):
        session["lang"] = code
    return redirect(_safe_next(form.next.data) or url_for("contest.home"))
