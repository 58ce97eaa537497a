"""Judges' pages: the queue, scoring an entry by its blind code, stepping back from it, its
pictures, and the head judge's decision. Nothing here names an author, a unit or an entry id;
a judge reaches only the codes assigned to them, once released.

The same pages serve a unit's jury (issue 14): a judge works in their own judging only — a
unit juror in their unit round's stages and codes, a province judge in the province's."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from contest import policy
from contest.documents import pictures, printing
from contest.documents.sanitise import essay_markup
from contest.forms import finite_float
from contest.models import Contest
from contest.platform.db import db, utcnow
from contest.platform.errors import PrintError
from contest.platform.storage import file_store
from contest.platform.uow import end_reads
from contest.platform.web import attachment, user_action
from judging import policy as judging_policy
from judging.forms import HeadDecisionForm, ReasonOnlyForm, ScoreCommentForm, score_form
from judging.models import Assignment, BlindCopy, Stage
from judging.services import blinding, printouts, results, scoring, stages
from judging.services.panel import juror_round_id
from judging.states import ResultState
from judging.views.common import bp


def _judges_stage(contest) -> tuple[Stage | None, int | None]:
    """The signed-in judge's current stage and its round: their unit round's for a unit
    juror, the province's (None) for a province judge; 404 for anyone else."""
    policy.require(current_user.is_judge)
    round_id = juror_round_id(db.session, current_user)
    stage = stages.current_stage(db.session, contest, round_id)
    policy.require(stage is None or judging_policy.judge_may_reach(db.session, current_user, stage))
    return stage, round_id


def _judge_stage_copy(slug: str, code: str) -> tuple[Stage, BlindCopy]:
    """The current stage and the copy with this code, in the judge's own judging; else 404."""
    contest = Contest.from_slug_or_404(slug)
    stage, round_id = _judges_stage(contest)
    copy = blinding.blind_copy_by_code(db.session, contest, code, round_id)
    policy.require(copy is not None and stage is not None)
    return stage, copy


def _judge_assignment(slug: str, code: str) -> tuple[Assignment, BlindCopy]:
    """The caller's own released, active assignment for this code, or 404."""
    stage, copy = _judge_stage_copy(slug, code)
    found = scoring.judge_assignment(db.session, stage, copy.entry_id, current_user)
    policy.require(found is not None)
    return found, copy


def _blind_body(slug: str, code: str, copy: BlindCopy):
    return essay_markup(
        copy.html,
        lambda name: url_for("judging.blind_media", slug=slug, code=code, name=name),
        outside_links=False,
    )


@bp.route("/<slug>/queue")
@login_required
def queue(slug: str):
    contest = Contest.from_slug_or_404(slug)
    stage, round_id = _judges_stage(contest)
    mine = scoring.judge_assignments(db.session, stage, current_user) if stage else []
    codes = blinding.codes_of_entries(db.session, [a.entry_id for a in mine], round_id)
    query = (request.args.get("q") or "").strip()
    return render_template(
        "judging/queue.html",
        contest=contest,
        stage=stage,
        mine=mine,
        shown=scoring.search_queue(mine, codes, query),
        query=query,
        codes=codes,
        done=sum(1 for a in mine if a.is_submitted),
        head_waiting=results.waiting_for_head(db.session, stage, current_user) if stage else [],
    )


@bp.route("/<slug>/queue.pdf")
@login_required
def queue_pdf(slug: str):
    """The judge's released queue as one PDF to read on paper: blind copies and score sheets.
    Built while only reading; printed once the reads are over."""
    contest = Contest.from_slug_or_404(slug)
    stage, round_id = _judges_stage(contest)
    mine = scoring.judge_assignments(db.session, stage, current_user) if stage else []
    policy.require(bool(mine))
    codes = blinding.codes_of_entries(db.session, [a.entry_id for a in mine], round_id)
    try:
        docx = printouts.queue_docx(
            stage, current_user.full_name, [(a, codes[a.entry_id]) for a in mine]
        )
        end_reads(db.session)
        pdf = printing.to_pdf(docx, _("các bài được giao"))
    except PrintError as error:
        flash(str(error), "error")
        return redirect(url_for("judging.queue", slug=slug))
    return attachment(pdf, "application/pdf", f"{contest.slug}-{stage.id}-bai-cham.pdf")


def _typed_marks(
    stage: Stage, form: ScoreCommentForm, *, submit: bool
) -> tuple[dict[int, float], dict[int, str]]:
    """The rubric's inputs as numbers (a comma is a decimal point), and every faulty one at
    once by criterion id: not a number, out of range, off the step, or missing to submit."""
    marks: dict[int, float] = {}
    not_numbers: dict[int, str] = {}
    for criterion in stage.criteria:
        raw = (form[f"c{criterion.id}"].data or "").strip()
        if raw:
            try:
                marks[criterion.id] = finite_float(raw)
            except ValueError:
                not_numbers[criterion.id] = _("Điểm «%(c)s» phải là một số.", c=criterion.name)
    problems = scoring.mark_problems(stage.criteria, marks, submit=submit)
    problems.update(not_numbers)
    return marks, {c.id: str(problems[c.id]) for c in stage.criteria if c.id in problems}


@bp.route("/<slug>/e/<code>", methods=["GET", "POST"])
@login_required
def score_entry(slug: str, code: str):
    assign_, copy = _judge_assignment(slug, code)
    stage = assign_.stage
    form = score_form([c.id for c in stage.criteria])
    if request.method == "GET" and assign_.score is not None:
        form.comment.data = assign_.score.comment
    problems: dict[int, str] = {}
    if form.validate_on_submit():
        submit = bool(form.submit_score.data)
        marks, problems = _typed_marks(stage, form, submit=submit)
        for message in problems.values():
            flash(message, "error")
        if not problems:
            with user_action(_("Đã nộp điểm.") if submit else _("Đã lưu nháp.")) as action:
                scoring.save_score(
                    action.session,
                    assign_,
                    marks,
                    form.comment.data or "",
                    submit=submit,
                    now=utcnow(),
                )
            if action.ok:
                return redirect(url_for("judging.score_entry", slug=slug, code=code))
    given = {m.criterion_id: m.points for m in assign_.score.marks} if assign_.score else {}
    # After a refused save the marks stay as the judge typed them, not as last saved.
    typed = (
        {c.id: form[f"c{c.id}"].data or "" for c in stage.criteria}
        if request.method == "POST"
        else {}
    )
    following = scoring.next_to_score(db.session, stage, current_user, assign_)
    return render_template(
        "judging/score.html",
        next_code=blinding.code_of_entry(db.session, following.entry_id, stage.round_id)
        if following
        else None,
        contest=stage.contest,
        stage=stage,
        assignment=assign_,
        copy=copy,
        body=_blind_body(slug, code, copy),
        form=form,
        given=given,
        typed=typed,
        problems=problems,
        recuse_form=ReasonOnlyForm(prefix="recuse"),
    )


@bp.route("/<slug>/e/<code>/media/<name>")
@login_required
def blind_media(slug: str, code: str, name: str):
    """A picture of the judges' copy: for a judge assigned to the code, or the head judge."""
    stage, copy = _judge_stage_copy(slug, code)
    if stage.head_judge_id != current_user.id:
        _judge_assignment(slug, code)
    return pictures.picture_response(blinding.media_path(file_store(), copy, name))


@bp.route("/<slug>/e/<code>/recuse", methods=["POST"])
@login_required
def recuse(slug: str, code: str):
    assign_, _copy = _judge_assignment(slug, code)
    form = ReasonOnlyForm(prefix="recuse")
    if form.validate_on_submit():
        message = _("Bạn đã xin không chấm bài này; bài đã được giao cho giám khảo khác.")
        with user_action(message) as action:
            scoring.recuse(action.session, assign_, form.reason.data)
        if action.ok:
            return redirect(url_for("judging.queue", slug=slug))
    else:
        flash(_("Cần ghi rõ lý do."), "error")
    return redirect(url_for("judging.score_entry", slug=slug, code=code))


@bp.route("/<slug>/head/<code>", methods=["GET", "POST"])
@login_required
def head_decision(slug: str, code: str):
    contest = Contest.from_slug_or_404(slug)
    stage, round_id = _judges_stage(contest)
    copy = blinding.blind_copy_by_code(db.session, contest, code, round_id)
    policy.require(
        stage is not None and copy is not None and stage.head_judge_id == current_user.id
    )
    result = scoring.result_of(db.session, stage, copy.entry_id)
    policy.require(
        result is not None and result.state in (ResultState.NEEDS_HEAD, ResultState.DECIDED)
    )
    form = HeadDecisionForm()
    if request.method == "GET" and result.official_score is not None:
        form.score.data = result.official_score
    if form.validate_on_submit():
        with user_action(_("Đã ghi quyết định.")) as action:
            scoring.head_decide(
                action.session, result, current_user, form.score.data, form.reason.data
            )
        if action.ok:
            return redirect(url_for("judging.queue", slug=slug))
    return render_template(
        "judging/head.html",
        contest=contest,
        stage=stage,
        copy=copy,
        result=result,
        scores=scoring.entry_assignments(db.session, stage, copy.entry_id),
        form=form,
        body=_blind_body(slug, code, copy),
    )
