"""Organisers' pages before and during scoring: the overview, rọc phách (codes, leak flags),
the panel, the stage's rules and rubric, the prize ladder, opening and closing a stage."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from contest import policy
from contest.forms import ConfirmForm, PostedAction
from contest.platform.db import db, reads_first, utcnow
from contest.platform.listing import ListArgs
from contest.platform.storage import file_store
from contest.platform.uow import end_reads
from contest.platform.web import user_action
from contest.services import forwarding, queries
from judging import policy as judging_policy
from judging.forms import (
    ClearForm,
    LadderForm,
    Money,
    RedactForm,
    StageForm,
    parse_lines,
)
from judging.models import LeakFlag
from judging.services import assigning, blinding, guide, lists, reports, results, stages
from judging.services import panel as panel_service
from judging.states import UNRESOLVED_RESULT_STATES, ResultState, StageState
from judging.views.common import bp, organiser_contest, stage_or_404
from judging.views.panels import panel_forms, panel_posted


def _unit_options(contest) -> list[tuple[int, str]]:
    """Units to filter by, once names may be seen (a unit next to a code unblinds it)."""
    if not contest.is_finalised:
        return []
    return [(u.id, u.name) for u in queries.units_by_name(db.session)]


@bp.route("/<slug>/")
@login_required
def overview(slug: str):
    """The current stage, its progress per judge, and its entries one page at a time (by
    code; by title, author and unit only once the results are final)."""
    contest = organiser_contest(slug)
    stage = stages.current_stage(db.session, contest)
    draft = stage is not None and stage.state == StageState.DRAFT
    counts = lists.result_counts(db.session, stage) if stage and not draft else {}
    args = ListArgs(request.args)
    sort, descending = args.sort(lists.sorts_for(contest), "code")
    wanted = lists.StageFilter(
        text=args.text(),
        state=args.choice("state", ResultState.values()),
        category=args.choice("category", contest.category_names),
        unit_id=args.number("unit") if contest.is_finalised else None,
        sort=sort,
        descending=descending,
    )
    return render_template(
        "judging/overview.html",
        contest=contest,
        stage=stage,
        stages=stages.stages(db.session, contest),
        flags=blinding.open_flags(db.session, contest),
        entries=lists.stage_page(db.session, contest, stage, wanted, args.page())
        if counts
        else None,
        wanted=wanted,
        sort=(sort, descending),
        state_options=[(s.value, s.label) for s in ResultState],
        unit_options=_unit_options(contest),
        total=sum(counts.values()),
        waiting=sum(counts.get(s, 0) for s in UNRESOLVED_RESULT_STATES),
        progress=reports.progress(db.session, stage) if stage else [],
        holding=forwarding.rounds_still_holding_entries(db.session, contest)
        if draft and stage.position == 1
        else [],
        to_judge=stages.count_stage_entries(db.session, stage) if draft else 0,
        steps=guide.province_steps(db.session, contest, stage) if stage else [],
    )


@bp.route("/<slug>/scan", methods=["POST"])
@login_required
@reads_first
def scan(slug: str):
    contest = organiser_contest(slug)
    if ConfirmForm().validate_on_submit():
        prepared = prepared_copies(contest, None)
        end_reads(db.session)
        with user_action(_("Đã cấp mã phách và rà soát lộ danh tính.")) as action:
            blinding.prepare_blind_copies(
                action.session, file_store(), contest, current_user, None, prepared
            )
    return redirect(url_for("judging.flags", slug=slug))


def prepared_copies(contest, round_) -> dict[int, blinding.PreparedCopy]:
    """The judges' copies still missing, made while only reading (pandoc for a thousand
    entries takes minutes), in a view marked `reads_first`: the writer's transaction that
    follows `end_reads` only stores them."""
    return blinding.prepare_outside(db.session, file_store(), contest, round_)


@bp.route("/<slug>/flags")
@login_required
def flags(slug: str):
    contest = organiser_contest(slug)
    return render_template(
        "judging/flags.html",
        contest=contest,
        flags=blinding.all_flags(db.session, contest),
        redact_form=RedactForm(),
        clear_form=ClearForm(),
    )


def _flag(flag_id: int) -> LeakFlag:
    flag = db.session.get(LeakFlag, flag_id)
    policy.require(flag is not None and judging_policy.can_settle_flag(current_user, flag))
    return flag


def _flags_page(flag: LeakFlag) -> str:
    """Back to the flags of the flag's own judging: the province's or the unit's."""
    slug = flag.entry.contest.slug
    if flag.round is None:
        return url_for("judging.flags", slug=slug)
    return url_for("judging.unit_flags", slug=slug, code=flag.round.unit.code)


@bp.route("/flags/<int:flag_id>/redact", methods=["POST"])
@login_required
def redact(flag_id: int):
    flag = _flag(flag_id)
    form = RedactForm()
    if form.validate_on_submit():
        with user_action(_("Đã che trong bản chấm.")) as action:
            blinding.redact_flag(action.session, flag, current_user, form.snippet.data)
    return redirect(_flags_page(flag))


@bp.route("/flags/<int:flag_id>/clear", methods=["POST"])
@login_required
def clear(flag_id: int):
    flag = _flag(flag_id)
    form = ClearForm()
    if form.validate_on_submit():
        with user_action(_("Đã giữ nguyên và ghi lý do.")) as action:
            blinding.clear_flag(action.session, flag, current_user, form.reason.data)
    else:
        flash(_("Cần ghi rõ lý do."), "error")
    return redirect(_flags_page(flag))


@bp.route("/<slug>/panel", methods=["GET", "POST"])
@login_required
def panel(slug: str):
    contest = organiser_contest(slug)
    stage = stage_or_404(contest)
    forms = panel_forms(panel_service.judge_accounts(db.session))
    if request.method == "POST" and panel_posted(stage, forms):
        return redirect(url_for("judging.panel", slug=slug))
    return render_template(
        "judging/panel.html",
        contest=contest,
        stage=stage,
        members=panel_service.members(db.session, stage),
        forms=forms,
        loads={p["judge_id"]: p for p in reports.progress(db.session, stage)},
        scores=reports.submitted_scores(db.session, stage),
    )


def save_setup(contest, stage, stage_form: StageForm, ladder_form: LadderForm, round_=None) -> bool:
    """Handle the setup page's posted form (the province's judging, or `round_`'s); True
    when it saved."""
    round_id = round_.id if round_ is not None else None
    action = PostedAction().action.data
    try:
        if action in ("stage", "new_stage") and stage_form.validate_on_submit():
            rubric = parse_lines(stage_form.rubric.data, (str, float, float), _("Thang điểm"))
            target = stage if action == "stage" else None
            values = {k: getattr(stage_form, k).data for k in stages.STAGE_SETTINGS}
            with user_action(_("Đã lưu vòng chấm.")) as done:
                stages.save_stage(done.session, contest, target, round_, rubric=rubric, **values)
            return done.ok
        if action == "ladder" and ladder_form.validate_on_submit():
            ladder = parse_lines(
                ladder_form.ladder.data, (str, int, float, Money), _("Cơ cấu giải"), optional=1
            )
            with user_action(_("Đã lưu cơ cấu giải.")) as done:
                stages.set_prize_ladder(done.session, contest, ladder, round_id)
            return done.ok
    except ValueError as error:
        flash(str(error), "error")
    return False


@bp.route("/<slug>/setup", methods=["GET", "POST"])
@login_required
def setup(slug: str):
    """The stage's rules and rubric, the prize ladder, and a further stage. A contest starts
    with neither rubric nor ladder: the organiser types them in here."""
    contest = organiser_contest(slug)
    stage = stages.current_stage(db.session, contest)
    stage_form, ladder_form = StageForm(prefix="stage"), LadderForm(prefix="ladder")
    if save_setup(contest, stage, stage_form, ladder_form):
        return redirect(url_for("judging.setup", slug=slug))
    if request.method == "GET":
        fill_setup(contest, stage, stage_form, ladder_form)
    return render_template(
        "judging/setup.html",
        contest=contest,
        stage=stage,
        stages=stages.stages(db.session, contest),
        stage_form=stage_form,
        ladder_form=ladder_form,
        back=(url_for("judging.overview", slug=slug), _("Chấm thi cấp tỉnh")),
    )


def fill_setup(
    contest, stage, stage_form: StageForm, ladder_form: LadderForm, round_id=None
) -> None:
    """The setup forms as stored: the stage's rules and rubric, the ladder, one per line."""
    if stage is not None:
        for name in stages.STAGE_SETTINGS:
            getattr(stage_form, name).data = getattr(stage, name)
        stage_form.rubric.data = "\n".join(
            f"{c.name} | {c.max_points:g} | {c.step:g}" for c in stage.criteria
        )
    ladder_form.ladder.data = "\n".join(
        f"{lv.name} | {lv.quota} | {lv.min_score:g} | {lv.amount}"
        for lv in stages.prize_levels(db.session, contest, round_id)
    )


STAGE_ACTIONS = {
    "open": (
        lambda session, stage, prepared: assigning.open_stage(
            session, file_store(), stage, current_user, prepared
        ),
        _l(
            "Đã mở chấm và phân công bài. Giám khảo chưa thấy bài: việc tiếp theo là «Giao bài "
            "cho giám khảo»."
        ),
    ),
    "release": (
        lambda session, stage, _prepared: assigning.release_assignments(
            session, stage, current_user, utcnow()
        ),
        _l("Đã giao bài: từ bây giờ giám khảo thấy các bài được giao trong trang chấm của mình."),
    ),
    "close-stage": (
        lambda session, stage, _prepared: results.close_stage(session, stage, current_user),
        _l("Đã kết thúc vòng chấm."),
    ),
}


@bp.route("/<slug>/<any('open','release','close-stage'):action>", methods=["POST"])
@login_required
@reads_first
def stage_action(slug: str, action: str):
    """Open the current stage (scan, codes, assignment), release it, or close it."""
    stage = stage_or_404(organiser_contest(slug))
    if ConfirmForm().validate_on_submit():
        verb, message = STAGE_ACTIONS[action]
        prepared = prepared_copies(stage.contest, stage.round) if action == "open" else {}
        end_reads(db.session)
        with user_action(str(message)) as done:
            verb(done.session, stage, prepared)
    return redirect(url_for("judging.overview", slug=slug))
