"""The panel forms shared by the province's panel page and a unit's jury page: a judge put on
the stage with load bounds, the head judge, a declared conflict, a judge withdrawn and a
submitted score reopened — each scoped to the stage's own judging (its codes, its jury)."""

from __future__ import annotations

from typing import NamedTuple

from flask import flash
from flask_babel import gettext as _
from flask_login import current_user

from contest.forms import PostedAction, choices
from contest.lifecycles import Role
from contest.models import User
from contest.platform.db import db, utcnow
from contest.platform.web import user_action
from judging.forms import ConflictForm, HeadJudgeForm, PanelMemberForm, ReopenForm, WithdrawForm
from judging.services import blinding, scoring
from judging.services import panel as panel_service


class PanelForms(NamedTuple):
    member: PanelMemberForm
    head: HeadJudgeForm
    conflict: ConflictForm
    reopen: ReopenForm


def _label(judge) -> str:
    return f"{judge.full_name} ({judge.unit.name if judge.unit else ''})"


def panel_forms(judges) -> PanelForms:
    """The panel's forms, offering `judges` (the province's judges, or the unit's jury)."""
    forms = PanelForms(
        PanelMemberForm(prefix="member"),
        HeadJudgeForm(prefix="head"),
        ConflictForm(prefix="conflict"),
        ReopenForm(prefix="reopen"),
    )
    named = choices((j.id, _label(j)) for j in judges)
    # A switched-off account joins no panel; what it already marked can still be reopened.
    active = [j for j in judges if j.is_active_account]
    forms.member.judge_id.choices = choices((j.id, _label(j)) for j in active)
    forms.conflict.judge_id.choices = named
    forms.reopen.judge_id.choices = named
    forms.head.judge_id.choices = choices(
        (j.id, j.full_name) for j in active if j.role == Role.HEAD_JUDGE
    )
    return forms


def panel_posted(stage, forms: PanelForms) -> bool:
    """Handle a posted panel form for `stage`: True when it saved, False when it was refused
    or was none of them. Codes are looked up in the stage's own judging only."""
    action = PostedAction().action.data
    if action == "member" and forms.member.validate_on_submit():
        with user_action(_("Đã cập nhật hội đồng.")) as done:
            panel_service.add_judge(
                done.session,
                stage,
                db.session.get(User, forms.member.judge_id.data),
                forms.member.min_load.data,
                forms.member.max_load.data,
            )
        return done.ok
    if action == "head" and forms.head.validate_on_submit():
        with user_action(_("Đã chỉ định trưởng ban giám khảo.")) as done:
            panel_service.set_head_judge(
                done.session, stage, db.session.get(User, forms.head.judge_id.data)
            )
        return done.ok
    withdraw = WithdrawForm()
    if action == "withdraw" and withdraw.validate_on_submit():
        judge = db.session.get(User, withdraw.judge_id.data)
        with user_action(_("Giám khảo đã rút; các bài chưa chấm đã được giao lại.")) as done:
            panel_service.withdraw_judge(done.session, stage, judge, current_user)
        return done.ok
    for name, form in (("conflict", forms.conflict), ("reopen", forms.reopen)):
        if action == name and form.validate_on_submit():
            return _on_coded_entry(stage, name, form)
    return False


def _on_coded_entry(stage, action: str, form: ConflictForm | ReopenForm) -> bool:
    """A conflict declared, or a score reopened, on the entry the form names by its code."""
    copy = blinding.blind_copy_by_code(db.session, stage.contest, form.code.data, stage.round_id)
    if copy is None:
        flash(_("Không có bài mang mã phách này."), "error")
        return False
    judge = db.session.get(User, form.judge_id.data)
    if action == "conflict":
        with user_action(_("Đã ghi nhận xung đột.")) as done:
            scoring.declare_stage_conflict(
                done.session, stage, judge, copy.entry, form.reason.data, current_user
            )
        return done.ok
    with user_action(_("Đã mở lại điểm để giám khảo chấm lại.")) as done:
        score = scoring.submitted_score(done.session, stage, judge.id, copy.entry_id)
        scoring.reopen_score(done.session, score, current_user, form.reason.data, utcnow())
    return done.ok
