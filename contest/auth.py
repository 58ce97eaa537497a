"""Log in by e-mail or phone, register as an entrant, log out, switch the language."""

from __future__ import annotations

from urllib.parse import urlparse

from flask import Blueprint, Flask, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf.csrf import CSRFProtect

from contest.db import db
from contest.forms import ConfirmForm, LoginForm, RegisterForm, choices
from contest.models import Unit, User
from contest.services import accounts, queries
from contest.services.accounts import create_user, find_user_by_login
from contest.web import user_action

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
    return user if user is not None and user.session_version == int(version) else None


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
    csrf.init_app(app)


def _safe_next(target: str | None) -> str | None:
    """Only local paths: never bounce a user to another site after login."""
    if target and target.startswith("/") and not urlparse(target).netloc:
        return target
    return None


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = find_user_by_login(db.session, form.login.data)
        if user is not None and user.check_password(form.password.data):
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or url_for("contest.home"))
        form.password.errors.append(_("Sai thông tin đăng nhập hoặc mật khẩu."))
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


def unit_choices():
    """Units that run a round of some contest: where an entrant can send an essay."""
    return choices((u.id, u.name) for u in queries.units_running_a_round(db.session))


@bp.route("/register", methods=["GET", "POST"])
def register():
    form = RegisterForm()
    form.unit_id.choices = unit_choices()
    if form.validate_on_submit():
        with user_action() as action:
            action.value = create_user(
                action.session,
                full_name=form.full_name.data,
                email=form.email.data,
                phone=form.phone.data,
                password=form.password.data,
                unit=action.session.get(Unit, form.unit_id.data),
                address=form.address.data,
            )
        if action.ok:
            login_user(action.value)
            flash(_("Đăng ký thành công. Chào mừng bạn đến với cuộc thi!"), "success")
            return redirect(url_for("contest.home"))
    return render_template("contest/register.html", form=form)


@bp.route("/lang/<code>", methods=["POST"])
def set_language(code: str):
    form = ConfirmForm()
    if form.validate_on_submit() and code in ("vi", "en"):
        session["lang"] = code
    return redirect(_safe_next(request.form.get("next")) or url_for("contest.home"))
