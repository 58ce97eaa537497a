"""Judging pages. Judges reach entries only by blind code; nothing they can open names the
author, the unit, the file or the entry's id."""

from __future__ import annotations

import os

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select

from contest import policy
from contest.db import db, utcnow
from contest.forms import ConfirmForm, choices
from contest.models import Contest, User
from contest.storage import safe_join
from contest.web import contest_or_404, rewrite_media, succeeded
from judging import charts, export, reliability, services
from judging.forms import (
    ClearForm,
    ConflictForm,
    HeadDecisionForm,
    HeadJudgeForm,
    LadderForm,
    PanelMemberForm,
    ReasonOnlyForm,
    RedactForm,
    ScoreCommentForm,
    StageForm,
    TieForm,
    parse_lines,
)
from judging.models import Assignment, LeakFlag, PrizeLevel, Score, StageResult

bp = Blueprint("judging", __name__, url_prefix="/judging")


def _organiser_contest(slug: str) -> Contest:
    contest = contest_or_404(slug)
    policy.require(policy.is_province(current_user))
    return contest


def _stage(contest: Contest):
    stage = services.current_stage(db.session, contest)
    if stage is None:
        abort(404)
    return stage


# --- organisers -------------------------------------------------------------------------------


@bp.route("/<slug>/")
@login_required
def overview(slug: str):
    contest = _organiser_contest(slug)
    stage = services.current_stage(db.session, contest)
    flags = services.open_flags(db.session, contest)
    results = services.stage_results(db.session, stage) if stage and stage.state != "draft" else []
    return render_template(
        "judging/overview.html",
        contest=contest,
        stage=stage,
        stages=services.stages(db.session, contest),
        flags=flags,
        results=results,
        waiting=services.unresolved(results),
        confirm=ConfirmForm(),
        progress=services.progress(db.session, stage) if stage else [],
    )


@bp.route("/<slug>/scan", methods=["POST"])
@login_required
def scan(slug: str):
    contest = _organiser_contest(slug)
    if ConfirmForm().validate_on_submit():
        succeeded(
            lambda: services.prepare_blind_copies(db.session, contest, current_user),
            _("Đã cấp mã phách và rà soát lộ danh tính."),
        )
    return redirect(url_for("judging.flags", slug=slug))


@bp.route("/<slug>/flags")
@login_required
def flags(slug: str):
    contest = _organiser_contest(slug)
    all_flags = db.session.scalars(
        select(LeakFlag)
        .join(LeakFlag.entry)
        .where(LeakFlag.entry.has(contest_id=contest.id))
        .order_by(LeakFlag.state != "open", LeakFlag.entry_id, LeakFlag.id)
    ).all()
    return render_template(
        "judging/flags.html",
        contest=contest,
        flags=all_flags,
        redact_form=RedactForm(),
        clear_form=ClearForm(),
    )


def _flag(flag_id: int) -> LeakFlag:
    flag = db.session.get(LeakFlag, flag_id)
    policy.require(flag is not None and policy.is_province(current_user))
    return flag


@bp.route("/flags/<int:flag_id>/redact", methods=["POST"])
@login_required
def redact(flag_id: int):
    flag = _flag(flag_id)
    form = RedactForm()
    if form.validate_on_submit():
        succeeded(
            lambda: services.redact_flag(db.session, flag, current_user, form.snippet.data),
            _("Đã che trong bản chấm."),
        )
    return redirect(url_for("judging.flags", slug=flag.entry.contest.slug))


@bp.route("/flags/<int:flag_id>/clear", methods=["POST"])
@login_required
def clear(flag_id: int):
    flag = _flag(flag_id)
    form = ClearForm()
    if form.validate_on_submit():
        succeeded(
            lambda: services.clear_flag(db.session, flag, current_user, form.reason.data),
            _("Đã giữ nguyên và ghi lý do."),
        )
    else:
        flash(_("Cần ghi rõ lý do."), "error")
    return redirect(url_for("judging.flags", slug=flag.entry.contest.slug))


@bp.route("/<slug>/panel", methods=["GET", "POST"])
@login_required
def panel(slug: str):
    contest = _organiser_contest(slug)
    stage = _stage(contest)
    judges = db.session.scalars(
        select(User).where(User.role.in_(("judge", "head_judge"))).order_by(User.full_name)
    ).all()
    member_form, head_form, conflict_form = PanelMemberForm(), HeadJudgeForm(), ConflictForm()
    member_form.judge_id.choices = choices(
        (j.id, f"{j.full_name} ({j.unit.name if j.unit else ''})") for j in judges
    )
    head_form.judge_id.choices = choices(
        (j.id, j.full_name) for j in judges if j.role == "head_judge"
    )
    conflict_form.judge_id.choices = member_form.judge_id.choices
    action = request.form.get("action")
    if action == "member" and member_form.validate_on_submit():
        if succeeded(
            lambda: services.add_judge(
                db.session,
                stage,
                db.session.get(User, member_form.judge_id.data),
                member_form.min_load.data,
                member_form.max_load.data,
            ),
            _("Đã cập nhật hội đồng."),
        ):
            return redirect(url_for("judging.panel", slug=slug))
    elif action == "head" and head_form.validate_on_submit():
        if succeeded(
            lambda: services.set_head_judge(
                db.session, stage, db.session.get(User, head_form.judge_id.data)
            ),
            _("Đã chỉ định trưởng ban giám khảo."),
        ):
            return redirect(url_for("judging.panel", slug=slug))
    elif action == "conflict" and conflict_form.validate_on_submit():
        copy = services.blind_copy_by_code(
            db.session, contest, conflict_form.code.data.strip().upper()
        )
        if copy is None:
            flash(_("Không có bài mang mã phách này."), "error")
        elif succeeded(
            lambda: services.declare_conflict(
                db.session,
                db.session.get(User, conflict_form.judge_id.data),
                copy.entry,
                conflict_form.reason.data,
                current_user,
            ),
            _("Đã ghi nhận xung đột."),
        ):
            return redirect(url_for("judging.panel", slug=slug))
    elif action == "withdraw" and ConfirmForm().validate_on_submit():
        judge = db.session.get(User, request.form.get("judge_id", type=int) or 0)
        if judge is not None and succeeded(
            lambda: services.withdraw_judge(db.session, stage, judge, current_user),
            _("Giám khảo đã rút; các bài chưa chấm đã được giao lại."),
        ):
            return redirect(url_for("judging.panel", slug=slug))
    return render_template(
        "judging/panel.html",
        contest=contest,
        stage=stage,
        member_form=member_form,
        head_form=head_form,
        conflict_form=conflict_form,
        confirm=ConfirmForm(),
        loads={p["judge_id"]: p for p in services.progress(db.session, stage)},
    )


def _rubric_text(stage) -> str:
    return "\n".join(f"{c.name} | {c.max_points:g} | {c.step:g}" for c in stage.criteria)


@bp.route("/<slug>/setup", methods=["GET", "POST"])
@login_required
def setup(slug: str):
    """The stage's rules and rubric, the prize ladder, and a further stage."""
    contest = _organiser_contest(slug)
    stage = services.current_stage(db.session, contest)
    stage_form, ladder_form = StageForm(prefix="stage"), LadderForm(prefix="ladder")
    action = request.form.get("action")
    if action in ("stage", "new_stage") and stage_form.validate_on_submit():
        try:
            rubric = parse_lines(stage_form.rubric.data, (str, float, float), _("Thang điểm"))
        except ValueError as error:
            flash(str(error), "error")
        else:
            values = {
                k: getattr(stage_form, k).data
                for k in (
                    "name",
                    "judges_per_entry",
                    "agree_gap",
                    "head_gap",
                    "three_mean_gap",
                    "advance_top_n",
                    "advance_min_score",
                )
            }

            def save():
                target = (
                    stage
                    if action == "stage" and stage is not None
                    else (services.create_stage(db.session, contest, name=values["name"]))
                )
                services.configure_stage(db.session, target, rubric=rubric, **values)

            if succeeded(save, _("Đã lưu vòng chấm.")):
                return redirect(url_for("judging.setup", slug=slug))
    elif action == "ladder" and ladder_form.validate_on_submit():
        try:
            ladder = parse_lines(ladder_form.ladder.data, (str, int, float), _("Cơ cấu giải"))
        except ValueError as error:
            flash(str(error), "error")
        else:
            if succeeded(
                lambda: services.set_prize_ladder(db.session, contest, ladder),
                _("Đã lưu cơ cấu giải."),
            ):
                return redirect(url_for("judging.setup", slug=slug))
    if request.method == "GET":
        if stage is not None:
            for name in (
                "name",
                "judges_per_entry",
                "agree_gap",
                "head_gap",
                "three_mean_gap",
                "advance_top_n",
                "advance_min_score",
            ):
                getattr(stage_form, name).data = getattr(stage, name)
            stage_form.rubric.data = _rubric_text(stage)
        else:
            stage_form.name.data = "Chung khảo"
            stage_form.rubric.data = "\n".join(
                f"{n} | {p:g} | 0.5" for n, p in services.DEMO_RUBRIC
            )
        ladder_form.ladder.data = "\n".join(
            f"{lv.name} | {lv.quota} | {lv.min_score:g}"
            for lv in services.prize_levels(db.session, contest)
        ) or "\n".join(f"{n} | {q} | {m:g}" for n, q, m in services.DEMO_PRIZES)
    return render_template(
        "judging/setup.html",
        contest=contest,
        stage=stage,
        stages=services.stages(db.session, contest),
        stage_form=stage_form,
        ladder_form=ladder_form,
    )


STAGE_ACTIONS = {
    "open": (
        lambda stage: services.open_stage(db.session, stage, current_user, utcnow()),
        _l("Đã mở chấm và phân công giám khảo."),
    ),
    "release": (
        lambda stage: services.release_assignments(db.session, stage, current_user, utcnow()),
        _l("Đã giao bài cho giám khảo."),
    ),
    "close-stage": (
        lambda stage: services.close_stage(db.session, stage, current_user),
        _l("Đã kết thúc vòng chấm."),
    ),
}


@bp.route("/<slug>/<any('open','release','close-stage'):action>", methods=["POST"])
@login_required
def stage_action(slug: str, action: str):
    """Open the current stage (scan, codes, assignment), release it, or close it."""
    stage = _stage(_organiser_contest(slug))
    if ConfirmForm().validate_on_submit():
        verb, message = STAGE_ACTIONS[action]
        succeeded(lambda: verb(stage), str(message))
    return redirect(url_for("judging.overview", slug=slug))


@bp.route("/<slug>/key")
@login_required
def key(slug: str):
    """The code → entry key: province organisers only (others only after finalisation)."""
    contest = _organiser_contest(slug)
    copies = db.session.scalars(
        select(services.BlindCopy)
        .where(services.BlindCopy.contest_id == contest.id)
        .order_by(services.BlindCopy.code)
    ).all()
    return render_template("judging/key.html", contest=contest, copies=copies)


@bp.route("/<slug>/results")
@login_required
def results(slug: str):
    contest = _organiser_contest(slug)
    view = (
        services.compute_prizes(db.session, contest)
        if services.final_stage(db.session, contest)
        else None
    )
    return render_template(
        "judging/results.html",
        contest=contest,
        view=view,
        tie_form=TieForm(),
        confirm=ConfirmForm(),
        level_of={e: lv for lv, ids in view.allocation.prizes.items() for e in ids} if view else {},
    )


@bp.route("/<slug>/ties/<int:level_id>", methods=["POST"])
@login_required
def decide_tie(slug: str, level_id: int):
    contest = _organiser_contest(slug)
    level = db.session.get(PrizeLevel, level_id)
    policy.require(level is not None and level.contest_id == contest.id)
    form = TieForm()
    if form.validate_on_submit():
        chosen = [int(v) for v in request.form.getlist("chosen") if v.isdigit()]
        succeeded(
            lambda: services.decide_tie(
                db.session,
                contest,
                level,
                current_user,
                form.decision.data,
                chosen,
                form.reason.data,
            ),
            _("Đã ghi quyết định về bài đồng điểm."),
        )
    else:
        flash(_("Cần ghi rõ lý do."), "error")
    return redirect(url_for("judging.results", slug=slug))


@bp.route("/<slug>/finalise", methods=["POST"])
@login_required
def finalise(slug: str):
    contest = _organiser_contest(slug)
    if ConfirmForm().validate_on_submit():
        succeeded(
            lambda: services.finalise(db.session, contest, current_user, utcnow()),
            _("Đã công bố kết quả và ghép phách."),
        )
    return redirect(url_for("judging.results", slug=slug))


@bp.route("/scores/<int:score_id>/reopen", methods=["POST"])
@login_required
def reopen(score_id: int):
    score = db.session.get(Score, score_id)
    policy.require(score is not None and policy.is_province(current_user))
    form = ReasonOnlyForm()
    if form.validate_on_submit():
        succeeded(
            lambda: services.reopen_score(db.session, score, current_user, form.reason.data),
            _("Đã mở lại điểm để giám khảo chấm lại."),
        )
    return redirect(url_for("judging.overview", slug=score.assignment.stage.contest.slug))


@bp.route("/<slug>/reliability")
@login_required
def reliability_report(slug: str):
    contest = _organiser_contest(slug)
    stage = _stage(contest)
    triples = services.score_triples(db.session, stage)
    figures = reliability.reliability(triples, stage.agree_gap)
    names = {m.judge_id: m.judge.full_name for m in stage.members}
    by_judge: dict[str, list[float]] = {}
    for _entry, judge, total in triples:
        by_judge.setdefault(names.get(judge, str(judge)), []).append(total)
    results = services.stage_results(db.session, stage)
    discrepancies = [
        r
        for r in results
        if r.result.state in ("needs_head", "needs_third", "decided")
        or len(r.totals) > stage.judges_per_entry
    ]
    return render_template(
        "judging/reliability.html",
        contest=contest,
        stage=stage,
        figures=figures,
        names=names,
        svg=Markup(charts.distribution_svg(dict(sorted(by_judge.items())), stage.max_total)),
        discrepancies=discrepancies,
    )


@bp.route("/<slug>/export.<fmt>")
@login_required
def export_results(slug: str, fmt: str):
    contest = _organiser_contest(slug)
    if fmt not in ("xlsx", "csv") or services.final_stage(db.session, contest) is None:
        abort(404)
    data = services.export_data(db.session, contest)
    body = export.to_xlsx(data) if fmt == "xlsx" else export.to_csv(data)
    mimetype = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if fmt == "xlsx"
        else "text/csv; charset=utf-8"
    )
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f"attachment; filename={contest.slug}-ket-qua.{fmt}"},
    )


# --- judges -----------------------------------------------------------------------------------


def _judge_assignment(slug: str, code: str) -> tuple[Assignment, services.BlindCopy]:
    """The caller's own released, active assignment for this code, or 404."""
    contest = contest_or_404(slug)
    policy.require(current_user.is_judge)
    copy = services.blind_copy_by_code(db.session, contest, code)
    stage = services.current_stage(db.session, contest)
    policy.require(copy is not None and stage is not None and stage.released_at is not None)
    found = db.session.scalar(
        select(Assignment).where(
            Assignment.stage_id == stage.id,
            Assignment.entry_id == copy.entry_id,
            Assignment.judge_id == current_user.id,
            Assignment.state == "active",
        )
    )
    policy.require(found is not None)
    return found, copy


@bp.route("/<slug>/queue")
@login_required
def queue(slug: str):
    contest = contest_or_404(slug)
    policy.require(current_user.is_judge)
    stage = services.current_stage(db.session, contest)
    mine = services.judge_assignments(db.session, stage, current_user) if stage else []
    codes = {
        c.entry_id: c
        for c in db.session.scalars(
            select(services.BlindCopy).where(
                services.BlindCopy.entry_id.in_([a.entry_id for a in mine])
            )
        )
    }
    done = sum(1 for a in mine if a.score is not None and a.score.is_submitted)
    head_waiting = []
    if stage is not None and stage.head_judge_id == current_user.id:
        head_waiting = [
            r for r in services.stage_results(db.session, stage) if r.result.state == "needs_head"
        ]
    return render_template(
        "judging/queue.html",
        contest=contest,
        stage=stage,
        mine=mine,
        codes=codes,
        done=done,
        head_waiting=head_waiting,
    )


@bp.route("/<slug>/e/<code>", methods=["GET", "POST"])
@login_required
def score_entry(slug: str, code: str):
    assign_, copy = _judge_assignment(slug, code)
    stage = assign_.stage
    form = ScoreCommentForm()
    errors: list[str] = []
    if request.method == "GET" and assign_.score is not None:
        form.comment.data = assign_.score.comment
    if form.validate_on_submit():
        marks: dict[int, float] = {}
        for criterion in stage.criteria:
            raw = (request.form.get(f"c{criterion.id}") or "").strip().replace(",", ".")
            if raw:
                try:
                    marks[criterion.id] = float(raw)
                except ValueError:
                    errors.append(_("Điểm «%(c)s» phải là một số.", c=criterion.name))
        if not errors and succeeded(
            lambda: services.save_score(
                db.session,
                assign_,
                marks,
                form.comment.data or "",
                submit=bool(form.submit_score.data),
                now=utcnow(),
            ),
            _("Đã nộp điểm.") if form.submit_score.data else _("Đã lưu nháp."),
        ):
            return redirect(url_for("judging.score_entry", slug=slug, code=code))
    for message in errors:
        flash(message, "error")
    given = {m.criterion_id: m.points for m in assign_.score.marks} if assign_.score else {}
    body = rewrite_media(
        copy.html,
        lambda name: url_for(
            "judging.blind_media", slug=slug, code=code, name=name.removeprefix("media/")
        ),
    )
    return render_template(
        "judging/score.html",
        contest=stage.contest,
        stage=stage,
        assignment=assign_,
        copy=copy,
        body=body,
        form=form,
        given=given,
        recuse_form=ReasonOnlyForm(prefix="recuse"),
    )


@bp.route("/<slug>/e/<code>/media/<name>")
@login_required
def blind_media(slug: str, code: str, name: str):
    _assign, copy = _blind_reader(slug, code)
    path = safe_join(os.path.join(services.blind_dir(copy.media_key), "media"), name)
    if path is None or not os.path.isfile(path):
        abort(404)
    with open(path, "rb") as fh:
        return Response(fh.read(), mimetype="image/png")


def _blind_reader(slug: str, code: str):
    """A judge assigned to the code, or the head judge of the stage, may see its pictures."""
    contest = contest_or_404(slug)
    stage = services.current_stage(db.session, contest)
    copy = services.blind_copy_by_code(db.session, contest, code)
    policy.require(copy is not None and stage is not None and current_user.is_judge)
    if stage.head_judge_id == current_user.id:
        return None, copy
    return _judge_assignment(slug, code)


@bp.route("/<slug>/e/<code>/recuse", methods=["POST"])
@login_required
def recuse(slug: str, code: str):
    assign_, _copy = _judge_assignment(slug, code)
    form = ReasonOnlyForm(prefix="recuse")
    if form.validate_on_submit():
        if succeeded(
            lambda: services.recuse(db.session, assign_, form.reason.data),
            _("Bạn đã xin không chấm bài này; bài đã được giao cho giám khảo khác."),
        ):
            return redirect(url_for("judging.queue", slug=slug))
    else:
        flash(_("Cần ghi rõ lý do."), "error")
    return redirect(url_for("judging.score_entry", slug=slug, code=code))


@bp.route("/<slug>/head/<code>", methods=["GET", "POST"])
@login_required
def head_decision(slug: str, code: str):
    contest = contest_or_404(slug)
    stage = services.current_stage(db.session, contest)
    copy = services.blind_copy_by_code(db.session, contest, code)
    policy.require(
        stage is not None and copy is not None and stage.head_judge_id == current_user.id
    )
    result = db.session.scalar(
        select(StageResult).where(
            StageResult.stage_id == stage.id, StageResult.entry_id == copy.entry_id
        )
    )
    policy.require(result is not None and result.state in ("needs_head", "decided"))
    form = HeadDecisionForm()
    if request.method == "GET" and result.official_score is not None:
        form.score.data = result.official_score
    if form.validate_on_submit() and succeeded(
        lambda: services.head_decide(
            db.session, result, current_user, form.score.data, form.reason.data
        ),
        _("Đã ghi quyết định."),
    ):
        return redirect(url_for("judging.queue", slug=slug))
    scores = db.session.scalars(
        select(Assignment)
        .where(
            Assignment.stage_id == stage.id,
            Assignment.entry_id == copy.entry_id,
            Assignment.state == "active",
        )
        .order_by(Assignment.id)
    ).all()
    body = rewrite_media(
        copy.html,
        lambda name: url_for(
            "judging.blind_media", slug=slug, code=code, name=name.removeprefix("media/")
        ),
    )
    return render_template(
        "judging/head.html",
        contest=contest,
        stage=stage,
        copy=copy,
        result=result,
        scores=scores,
        form=form,
        body=body,
    )


# --- everyone -----------------------------------------------------------------------------------


@bp.route("/<slug>/winners")
def winners(slug: str):
    contest = contest_or_404(slug)
    if not contest.is_finalised:
        abort(404)
    return render_template(
        "judging/winners.html",
        contest=contest,
        awards=[a for a in services.awards(db.session, contest) if a.prize_level is not None],
    )
