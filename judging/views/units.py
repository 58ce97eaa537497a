"""A unit organiser's pages for the unit round's own judging (issue 14): switching it on, the
jury (accounts the organiser creates, the panel, the head judge), the stage's rules and
rubric, the ladder, rọc phách, opening, finalising with the key revealed, and forwarding by
results. The province may run them for a unit; no other unit reaches them. Judges score on
the judges' pages, which serve a unit juror their own unit's codes only."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from contest.forms import AccountForm, ConfirmForm, PostedAction, choices
from contest.lifecycles import Role
from contest.models import Contest, Round, Unit
from contest.platform.db import db, reads_first, records_reads, utcnow
from contest.platform.errors import InvalidInput
from contest.platform.storage import file_store
from contest.platform.uow import end_reads
from contest.platform.web import user_action
from contest.services import forwarding, queries
from judging import policy as judging_policy
from judging.forms import (
    ClearForm,
    ForwardByResultsForm,
    LadderForm,
    ReasonOnlyForm,
    RedactForm,
    StageForm,
    TieForm,
)
from judging.models import PrizeLevel
from judging.services import assigning, blinding, prizes, reports, results, stages, units
from judging.services import panel as panel_service
from judging.states import StageState
from judging.views.common import bp
from judging.views.organiser_results import export_response, record_tie_decision
from judging.views.organisers import fill_setup, prepared_copies, save_setup
from judging.views.panels import PanelForms, panel_forms, panel_posted


def unit_round_or_404(slug: str, code: str) -> Round:
    """The unit's round of the contest, for those who run its judging; else 404."""
    contest = Contest.from_slug_or_404(slug)
    round_ = judging_policy.managed_unit_round(db.session, current_user, contest, code)
    if round_ is None:
        abort(404)
    return round_


@bp.route("/<slug>/unit/<code>/winners")
def unit_winners(slug: str, code: str):
    """The unit's own prize winners: to its organisers once it finalised, to everyone once
    the province finalised too (see `can_view_unit_winners`)."""
    contest = Contest.from_slug_or_404(slug)
    round_ = queries.find_unit_round(db.session, contest, code)
    if round_ is None or not judging_policy.can_view_unit_winners(db.session, current_user, round_):
        abort(404)
    judging = stages.unit_judging(db.session, round_.id)
    return render_template(
        "judging/winners.html",
        contest=contest,
        round=round_,
        finalised_at=judging.finalised_at,
        awards=units.winners(db.session, round_),
        may_certify=judging_policy.can_manage_unit_judging(current_user, round_),
    )


def _here(round_: Round, endpoint: str = "judging.unit_overview") -> str:
    return url_for(endpoint, slug=round_.contest.slug, code=round_.unit.code)


@bp.route("/<slug>/unit/<code>/")
@login_required
def unit_overview(slug: str, code: str):
    """Where the unit's judging stands: off (switch it on), on (its stage, jury, flags,
    progress and the next step), or finalised (its results, key and forwarding)."""
    round_ = unit_round_or_404(slug, code)
    contest = round_.contest
    judging = stages.unit_judging(db.session, round_.id)
    stage = stages.current_stage(db.session, contest, round_.id) if judging else None
    return render_template(
        "judging/unit.html",
        contest=contest,
        round=round_,
        judging=judging,
        stage=stage,
        stages=stages.stages(db.session, contest, round_.id),
        jurors=panel_service.judge_accounts(db.session, round_.id),
        members=panel_service.members(db.session, stage) if stage else [],
        flags=blinding.open_flags(db.session, contest, round_.id) if judging else [],
        waiting=forwarding.pending_count(db.session, round_),
        refused=units.judging_refused(round_),
        late=units.arrived_after_opening(db.session, round_) if judging else 0,
        progress=reports.progress(db.session, stage) if stage else [],
        ladder=stages.prize_levels(db.session, contest, round_.id),
        awards=units.awards(db.session, round_) if judging and judging.is_finalised else [],
        tie_view=_tie_view(round_) if judging and not judging.is_finalised else None,
        tie_form=ReasonOnlyForm(prefix="ties"),
        choose_form=TieForm(),
    )


def _tie_view(round_: Round) -> prizes.PrizeView | None:
    """The unit's prizes when one is tied at a boundary: finalising waits for a decision
    (share them all, or choose per prize)."""
    final = stages.final_stage(db.session, round_.contest, round_.id)
    if final is None or final.state == StageState.DRAFT:
        return None
    view = prizes.compute_prizes(db.session, round_.contest, round_id=round_.id)
    return view if view.allocation.ties else None


@bp.route("/<slug>/unit/<code>/ties/<int:level_id>", methods=["POST"])
@login_required
def unit_decide_tie(slug: str, code: str, level_id: int):
    """Settle one of the unit's tied prizes: share it, or choose among the tied entries,
    with the reason recorded."""
    round_ = unit_round_or_404(slug, code)
    level = db.session.get(PrizeLevel, level_id)
    if level is None or level.round_id != round_.id:
        abort(404)
    record_tie_decision(round_.contest, level)
    return redirect(_here(round_))


@bp.route("/<slug>/unit/<code>/share-ties", methods=["POST"])
@login_required
def unit_share_ties(slug: str, code: str):
    """Share every prize tied at a boundary of the unit's ladder, with the reason recorded."""
    round_ = unit_round_or_404(slug, code)
    form = ReasonOnlyForm(prefix="ties")
    if form.validate_on_submit():
        with user_action(_("Đã quyết định đồng giải và ghi lý do.")) as action:
            prizes.share_all_ties(
                action.session, round_.contest, current_user, form.reason.data, round_.id
            )
    else:
        flash(_("Cần ghi rõ lý do."), "error")
    return redirect(_here(round_))


@bp.route("/<slug>/unit/<code>/on", methods=["POST"])
@login_required
def unit_switch_on(slug: str, code: str):
    round_ = unit_round_or_404(slug, code)
    if ConfirmForm().validate_on_submit():
        with user_action(_("Đã bật chấm thi riêng cho đơn vị.")) as action:
            units.switch_on(action.session, round_, current_user)
    return redirect(_here(round_))


@bp.route("/<slug>/unit/<code>/off", methods=["POST"])
@login_required
def unit_switch_off(slug: str, code: str):
    """Back to tick-and-forward, while the unit's judging has not opened."""
    round_ = unit_round_or_404(slug, code)
    if ConfirmForm().validate_on_submit():
        with user_action(_("Đã tắt chấm thi riêng: đơn vị trở lại chọn và gửi bài.")) as action:
            units.switch_off(action.session, round_, current_user)
    return redirect(_here(round_))


def _juror_form(round_: Round) -> AccountForm:
    """The account form, narrowed to a judge or head judge of this unit or a unit below it."""
    form = AccountForm(prefix="juror")
    form.role.choices = [
        (Role.JUDGE.value, _("Giám khảo")),
        (Role.HEAD_JUDGE.value, _("Trưởng ban giám khảo")),
    ]
    below = [round_.unit]
    for unit in below:
        below.extend(unit.children)
    form.unit_id.choices = choices((u.id, u.name) for u in below)
    return form


def _jury_action(round_: Round, stage, juror_form, forms: PanelForms) -> bool:
    """Handle the jury page's one posted form; True when it succeeded."""
    action = PostedAction().action.data
    if action == "juror" and juror_form.validate_on_submit():
        with user_action(_("Đã tạo tài khoản giám khảo.")) as done:
            units.add_juror(
                done.session,
                round_,
                current_user,
                full_name=juror_form.full_name.data,
                email=juror_form.email.data,
                phone=juror_form.phone.data,
                password=juror_form.password.data,
                is_head=juror_form.role.data == Role.HEAD_JUDGE,
                unit=db.session.get(Unit, juror_form.unit_id.data),
            )
        return done.ok
    if stage is None:
        return False
    return panel_posted(stage, forms)


@bp.route("/<slug>/unit/<code>/jury", methods=["GET", "POST"])
@login_required
def unit_jury(slug: str, code: str):
    """The unit's jury: accounts its organiser creates, and the current stage's panel."""
    round_ = unit_round_or_404(slug, code)
    if stages.unit_judging(db.session, round_.id) is None:
        return redirect(_here(round_))
    stage = stages.current_stage(db.session, round_.contest, round_.id)
    jurors = panel_service.judge_accounts(db.session, round_.id)
    juror_form = _juror_form(round_)
    forms = panel_forms(jurors)
    if request.method == "POST" and _jury_action(round_, stage, juror_form, forms):
        return redirect(_here(round_, "judging.unit_jury"))
    return render_template(
        "judging/unit_jury.html",
        contest=round_.contest,
        round=round_,
        stage=stage,
        jurors=jurors,
        members=panel_service.members(db.session, stage) if stage else [],
        juror_form=juror_form,
        forms=forms,
        loads={p["judge_id"]: p for p in reports.progress(db.session, stage)} if stage else {},
        scores=reports.submitted_scores(db.session, stage) if stage else [],
    )


@bp.route("/<slug>/unit/<code>/setup", methods=["GET", "POST"])
@login_required
def unit_setup(slug: str, code: str):
    """The unit's stage rules and rubric and its own prize ladder (e.g. giải A cấp huyện)."""
    round_ = unit_round_or_404(slug, code)
    judging = stages.unit_judging(db.session, round_.id)
    if judging is None or judging.is_finalised:
        return redirect(_here(round_))
    contest = round_.contest
    stage = stages.current_stage(db.session, contest, round_.id)
    stage_form, ladder_form = StageForm(prefix="stage"), LadderForm(prefix="ladder")
    if save_setup(contest, stage, stage_form, ladder_form, round_):
        return redirect(_here(round_, "judging.unit_setup"))
    if request.method == "GET":
        fill_setup(contest, stage, stage_form, ladder_form, round_.id)
    return render_template(
        "judging/setup.html",
        contest=contest,
        stage=stage,
        stages=stages.stages(db.session, contest, round_.id),
        stage_form=stage_form,
        ladder_form=ladder_form,
        back=(_here(round_), _("Chấm thi của %(unit)s", unit=round_.unit.name)),
    )


@bp.route("/<slug>/unit/<code>/flags")
@login_required
def unit_flags(slug: str, code: str):
    """Rọc phách at the unit: the unit's own copies' leak flags (the forms post to the same
    per-flag actions as the province's, which check whose judging the flag is)."""
    round_ = unit_round_or_404(slug, code)
    return render_template(
        "judging/flags.html",
        contest=round_.contest,
        flags=blinding.all_flags(db.session, round_.contest, round_.id),
        redact_form=RedactForm(),
        clear_form=ClearForm(),
    )


def _scan(session, round_: Round, prepared) -> None:
    blinding.prepare_blind_copies(
        session, file_store(), round_.contest, current_user, round_, prepared
    )


def _open(session, round_: Round, prepared) -> None:
    stage = stages.current_stage(session, round_.contest, round_.id)
    if stage is None:
        raise InvalidInput(_("Đơn vị chưa có vòng chấm (thang điểm, hội đồng)."))
    assigning.open_stage(session, file_store(), stage, current_user, prepared)
    assigning.release_assignments(session, stage, current_user, utcnow())


def _close_stage(session, round_: Round, _prepared) -> None:
    stage = stages.current_stage(session, round_.contest, round_.id)
    if stage is None:
        raise InvalidInput(_("Đơn vị chưa có vòng chấm (thang điểm, hội đồng)."))
    results.close_stage(session, stage, current_user)


def _finalise(session, round_: Round, _prepared) -> None:
    units.finalise_unit(session, round_, current_user, utcnow())


UNIT_ACTIONS = {
    "scan": (_scan, _l("Đã cấp mã phách và rà soát lộ danh tính.")),
    "open": (_open, _l("Đã mở chấm và giao bài cho giám khảo của đơn vị.")),
    "close-stage": (_close_stage, _l("Đã kết thúc vòng chấm.")),
    "finalise": (_finalise, _l("Đã công bố kết quả chấm của đơn vị; bảng mã phách đã mở.")),
}


@bp.route(
    "/<slug>/unit/<code>/<any('scan','open','close-stage','finalise'):action>", methods=["POST"]
)
@login_required
@reads_first
def unit_action(slug: str, code: str, action: str):
    """Scan and code the unit's entries; open and release its stage; finalise it. The
    judges' copies are made while only reading (`prepared_copies`)."""
    round_ = unit_round_or_404(slug, code)
    if ConfirmForm().validate_on_submit():
        verb, message = UNIT_ACTIONS[action]
        copying = action in ("scan", "open")
        prepared = prepared_copies(round_.contest, round_) if copying else {}
        end_reads(db.session)
        with user_action(str(message)) as done:
            verb(done.session, round_, prepared)
        if done.ok and action == "scan":
            return redirect(_here(round_, "judging.unit_flags"))
    return redirect(_here(round_))


@bp.route("/<slug>/unit/<code>/key")
@login_required
@records_reads
def unit_key(slug: str, code: str):
    """The unit's key, to those who run its judging once it finalised; each opening is in
    the audit log (recorded and committed before the key is shown)."""
    round_ = unit_round_or_404(slug, code)
    if not judging_policy.can_view_unit_key(db.session, current_user, round_):
        flash(_("Bảng mã phách của đơn vị chỉ được mở sau khi đơn vị công bố kết quả."), "error")
        return redirect(_here(round_))
    with user_action() as action:
        action.value = units.unit_key(action.session, round_, current_user)
    return render_template(
        "judging/key.html",
        contest=round_.contest,
        copies=action.value,
        note=_(
            "Bảng mã phách của %(unit)s, mở sau khi đơn vị công bố kết quả.", unit=round_.unit.name
        ),
    )


@bp.route("/<slug>/unit/<code>/forward", methods=["GET", "POST"])
@login_required
def unit_forward(slug: str, code: str):
    """Forwarding by results: the unit's ranking with the proposal within the quota ticked,
    any tie at the cut shown for the organiser to decide, with a reason on record."""
    round_ = unit_round_or_404(slug, code)
    if not stages.is_finalised(db.session, round_.contest, round_.id):
        flash(_("Đơn vị chưa công bố kết quả chấm: chưa gửi theo kết quả được."), "error")
        return redirect(_here(round_))
    proposal = units.forward_proposal(db.session, round_)
    ranked_ids = {a.entry_id for a in proposal.ranked}
    unjudged = [e for e in forwarding.pending_entries(db.session, round_) if e.id not in ranked_ids]
    form = ForwardByResultsForm()
    chosen = proposal.proposed
    if form.validate_on_submit():
        picked = form.entry_id.data
        if picked is None:
            flash(_("Danh sách bài không hợp lệ."), "error")
        else:
            chosen = picked
            with user_action() as action:
                action.value = units.forward_by_results(
                    action.session,
                    round_,
                    current_user,
                    utcnow(),
                    picked,
                    form.reason.data or "",
                )
            if action.ok:
                flash(
                    _(
                        "Đã gửi %(n)d bài và %(p)d hồ sơ lên %(unit)s theo kết quả chấm.",
                        n=len(action.value.forwarded),
                        p=len(action.value.profiles),
                        unit=round_.parent.unit.name,
                    ),
                    "success",
                )
                return redirect(url_for("contest.show_round", round_id=round_.id))
    return render_template(
        "judging/unit_forward.html",
        contest=round_.contest,
        round=round_,
        proposal=proposal,
        unjudged=unjudged,
        chosen=set(chosen),
        left=round_.quota - forwarding.forwarded_count(db.session, round_),
        closed=round_.closed_at is not None,
        profiles=sum(p.is_marked for p in forwarding.pending_profiles(db.session, round_)),
        form=form,
        reason=form.reason.data or "",
    )


@bp.route("/<slug>/unit/<code>/export.<any('xlsx','csv'):fmt>")
@login_required
@records_reads
def unit_export(slug: str, code: str, fmt: str):
    """The unit's results with marks (names once it finalised); each download is in the
    audit log."""
    round_ = unit_round_or_404(slug, code)
    if stages.final_stage(db.session, round_.contest, round_.id) is None:
        abort(404)
    with user_action() as action:
        action.value = reports.exported_results(
            action.session, current_user, round_.contest, fmt, round_
        )
    return export_response(action.value, fmt, f"{slug}-{round_.unit.code.lower()}")
