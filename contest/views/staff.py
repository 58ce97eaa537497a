"""Administration pages of the province: the accounts of the board, units and jury (create,
correct, switch off and on, send a password link) and the background jobs; and, for every
organiser, a temporary password for someone who cannot get back in by mail."""

from __future__ import annotations

from flask import make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from contest import policy
from contest.forms import (
    STAFF_ROLES,
    AccountEditForm,
    AccountForm,
    ConfirmForm,
    SwitchForm,
    choices,
)
from contest.lifecycles import ROLE_LABELS
from contest.models import Role, Unit, User
from contest.platform import jobs
from contest.platform.db import db, utcnow
from contest.platform.listing import ListArgs
from contest.platform.mail import mail_enabled
from contest.platform.models import Job
from contest.platform.web import user_action
from contest.services import accounts, password_help, queries
from contest.views.common import bp


def _unit_choices():
    return choices((u.id, f"{u.name} ({u.code})") for u in queries.units_province_first(db.session))


def _staff_account(user_id: int) -> User:
    policy.require(policy.is_province(current_user))
    user = db.session.get(User, user_id)
    policy.require(user is not None and user.role != Role.ENTRANT)
    return user


@bp.route("/accounts", methods=["GET", "POST"], endpoint="accounts")
@login_required
def accounts_page():
    """Province organisers create the accounts of everyone but entrants."""
    policy.require(policy.is_province(current_user))
    form = AccountForm()
    form.unit_id.choices = _unit_choices()
    if form.validate_on_submit():
        with user_action(_("Đã tạo tài khoản.")) as action:
            accounts.create_staff_account(
                action.session,
                current_user,
                full_name=form.full_name.data,
                email=form.email.data,
                phone=form.phone.data,
                password=form.password.data,
                role=form.role.data,
                unit=action.session.get(Unit, form.unit_id.data),
            )
        if action.ok:
            return redirect(url_for("contest.accounts"))
    staff = queries.staff_accounts(db.session)
    return render_template(
        "contest/accounts.html", form=form, staff=staff, roles=STAFF_ROLES, mail_on=mail_enabled()
    )


@bp.route("/accounts/<int:user_id>/reset", methods=["POST"])
@login_required
def send_reset_link(user_id: int):
    """Mail a staff account the link to set a new password (the person's own reset path)."""
    user = _staff_account(user_id)
    if ConfirmForm().validate_on_submit():
        with user_action(_("Đã gửi thư đặt lại mật khẩu.")) as action:
            accounts.send_reset_link(action.session, current_user, user)
    return redirect(url_for("contest.accounts"))


JOBS_SHOWN = 200


@bp.route("/jobs")
@login_required
def jobs_page():
    """Background work, newest first: what is waiting, what failed and why."""
    policy.require(policy.is_province(current_user))
    recent = queries.recent_jobs(db.session, JOBS_SHOWN)
    return render_template(
        "contest/jobs.html", jobs=recent, label=jobs.kind_label, can_retry=jobs.can_retry
    )


@bp.route("/jobs/<int:job_id>/retry", methods=["POST"])
@login_required
def retry_job(job_id: int):
    policy.require(policy.is_province(current_user))
    job = db.session.get(Job, job_id)
    policy.require(job is not None)
    if ConfirmForm().validate_on_submit():
        with user_action(_("Đã xếp việc vào hàng chờ chạy lại.")) as action:
            jobs.retry(action.session, job)
    return redirect(url_for("contest.jobs_page"))


@bp.route("/accounts/<int:user_id>/edit", methods=["GET", "POST"])
@login_required
def edit_account(user_id: int):
    user = _staff_account(user_id)
    form = AccountEditForm(obj=user)
    form.unit_id.choices = _unit_choices()
    if form.validate_on_submit():
        with user_action(_("Đã lưu tài khoản.")) as action:
            accounts.update_staff_account(
                action.session,
                current_user,
                user,
                full_name=form.full_name.data,
                email=form.email.data,
                phone=form.phone.data,
                role=form.role.data,
                unit=action.session.get(Unit, form.unit_id.data),
            )
        if action.ok:
            return redirect(url_for("contest.accounts"))
    return render_template("contest/account_edit.html", form=form, user=user)


@bp.route("/accounts/<int:user_id>/active", methods=["POST"])
@login_required
def set_account_active(user_id: int):
    """Switch an account off (its sessions end at once) or on again."""
    user = _staff_account(user_id)
    form = SwitchForm()
    if form.validate_on_submit():
        active = form.active.data == "1"
        done = _("Đã mở lại tài khoản.") if active else _("Đã tạm khóa tài khoản.")
        with user_action(done) as action:
            accounts.set_account_active(action.session, current_user, user, active)
    return redirect(url_for("contest.accounts"))


def _require_organiser() -> None:
    policy.require(
        current_user.is_authenticated
        and (current_user.is_province_organiser or current_user.is_unit_organiser)
    )


@bp.route("/accounts/password-help")
@login_required
def password_help_page():
    """Find an account (an entrant too) by name, phone or e-mail, to issue it a temporary
    password: the province everyone, a unit organiser within their unit and below."""
    _require_organiser()
    wanted = ListArgs(request.args).text("q")
    found = password_help.find_accounts(db.session, current_user, wanted)
    return render_template(
        "contest/password_help.html",
        wanted=wanted,
        found=found[: password_help.MAX_FOUND],
        more=len(found) > password_help.MAX_FOUND,
        may_issue=policy.may_issue_password,
        roles=ROLE_LABELS,
    )


@bp.route("/accounts/<int:user_id>/temporary-password", methods=["POST"])
@login_required
def issue_temporary_password(user_id: int):
    """Issue a temporary password and show it this once (the answer is never cached)."""
    _require_organiser()
    user = db.session.get(User, user_id)
    policy.require(user is not None and policy.may_issue_password(current_user, user))
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("contest.password_help_page"))
    with user_action() as action:
        password = password_help.issue_temporary_password(
            action.session, current_user, user, utcnow()
        )
    if not action.ok:
        return redirect(url_for("contest.password_help_page"))
    response = make_response(
        render_template("contest/password_help.html", issued=user, password=password)
    )
    response.headers["Cache-Control"] = "no-store"
    return response
