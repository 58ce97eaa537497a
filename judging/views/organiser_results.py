"""Organisers' pages after scoring: the code key, results and prizes, ties, finalisation,
the reliability report and the results export."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from contest import policy
from contest.forms import ConfirmForm, PostedAction
from contest.platform.db import db, records_reads, utcnow
from contest.platform.listing import ListArgs
from contest.platform.web import attachment, user_action
from judging import export
from judging.forms import TieForm
from judging.models import PrizeLevel
from judging.rules import charts, reliability
from judging.services import blinding, lifecycle, lists, prizes, reports, results, scoring, stages
from judging.services import panel as panel_service
from judging.views.common import bp, organiser_contest, stage_or_404
from judging.views.panels import panel_forms, panel_posted


@bp.route("/<slug>/key")
@login_required
@records_reads
def key(slug: str):
    """The code → entry key: province organisers only, and every opening is in the audit log
    (recorded and committed before the key is shown)."""
    contest = organiser_contest(slug)
    with user_action() as action:
        action.value = reports.opened_key(action.session, current_user, contest)
    return render_template("judging/key.html", contest=contest, copies=action.value)


@bp.route("/<slug>/codes/<code>", methods=["GET", "POST"])
@login_required
def coded_entry(slug: str, code: str):
    """One entry of the province's current stage by its code: who marked it, their totals and
    states, and a reopen beside each submitted score. Its title and author only once final."""
    contest = organiser_contest(slug)
    stage = stage_or_404(contest)
    copy = blinding.blind_copy_by_code(db.session, contest, code)
    policy.require(copy is not None)
    forms = panel_forms(panel_service.judge_accounts(db.session))
    if request.method == "POST":
        policy.require(PostedAction().action.data == "reopen")  # this page only reopens
        if panel_posted(stage, forms):
            return redirect(url_for("judging.coded_entry", slug=slug, code=copy.code))
    return render_template(
        "judging/coded_entry.html",
        contest=contest,
        stage=stage,
        copy=copy,
        result=scoring.result_of(db.session, stage, copy.entry_id),
        marks=scoring.entry_marks(db.session, stage, copy.entry_id),
        forms=forms,
        neighbours=blinding.neighbour_codes(db.session, contest, copy.code),
    )


@bp.route("/<slug>/results", endpoint="results")
@login_required
def results_page(slug: str):
    """Ranks, prizes and ties; the table searched (by code, and by title, author and unit
    once final), filtered by prize and category, sorted and paged."""
    contest = organiser_contest(slug)
    view = (
        prizes.compute_prizes(db.session, contest)
        if stages.final_stage(db.session, contest)
        else None
    )
    args = ListArgs(request.args)
    sort, descending = args.sort(lists.RESULT_SORTS, "rank")
    levels = [str(lv.id) for lv in view.levels] if view else []
    wanted = lists.ResultFilter(
        text=args.text(),
        prize=args.choice("prize", [*levels, "none"]),
        category=args.choice("category", contest.category_names),
        sort=sort,
        descending=descending,
    )
    return render_template(
        "judging/results.html",
        contest=contest,
        view=view,
        rows=lists.results_page(contest, view, wanted, args.page()) if view else None,
        wanted=wanted,
        sort=(sort, descending),
        prize_options=[(str(lv.id), lv.name) for lv in view.levels]
        + [("none", _("Không đạt giải"))]
        if view
        else [],
        tie_form=TieForm(),
        confirm=ConfirmForm(),
        level_of=view.level_of if view else {},
    )


def record_tie_decision(contest, level: PrizeLevel) -> None:
    """The posted decision on a tied prize (share it, or choose among the tied entries), with
    its reason: the province's results page and a unit's judging page post the same form."""
    form = TieForm()
    if not form.validate_on_submit():
        flash(_("Cần ghi rõ lý do."), "error")
        return
    chosen = form.chosen.data or []
    with user_action(_("Đã ghi quyết định về bài đồng điểm.")) as action:
        prizes.decide_tie(
            action.session,
            contest,
            level,
            current_user,
            form.decision.data,
            chosen,
            form.reason.data,
        )


@bp.route("/<slug>/ties/<int:level_id>", methods=["POST"])
@login_required
def decide_tie(slug: str, level_id: int):
    contest = organiser_contest(slug)
    level = db.session.get(PrizeLevel, level_id)
    policy.require(level is not None and level.contest_id == contest.id and level.round_id is None)
    record_tie_decision(contest, level)
    return redirect(url_for("judging.results", slug=slug))


@bp.route("/<slug>/finalise", methods=["POST"])
@login_required
def finalise(slug: str):
    contest = organiser_contest(slug)
    if ConfirmForm().validate_on_submit():
        with user_action(_("Đã chốt kết quả và ghép phách.")) as action:
            lifecycle.finalise(action.session, contest, current_user, utcnow())
    return redirect(url_for("judging.results", slug=slug))


@bp.route("/<slug>/reliability")
@login_required
def reliability_report(slug: str):
    contest = organiser_contest(slug)
    stage = stage_or_404(contest)
    triples = reports.score_triples(db.session, stage)
    names = reports.judge_names(db.session, stage)
    by_judge: dict[str, list[float]] = {}
    for _entry, judge, total in triples:
        by_judge.setdefault(names.get(judge, str(judge)), []).append(total)
    svg = charts.distribution_svg(
        dict(sorted(by_judge.items())), stage.max_total, _("Phân bố điểm theo giám khảo")
    )
    return render_template(
        "judging/reliability.html",
        contest=contest,
        stage=stage,
        figures=reliability.reliability(triples, stage.agree_gap),
        names=names,
        svg=Markup(svg),  # noqa: S704 - every name in it is escaped by distribution_svg
        discrepancies=results.discrepancies(stage, results.stage_results(db.session, stage)),
    )


@bp.route("/<slug>/export.<fmt>")
@login_required
@records_reads
def export_results(slug: str, fmt: str):
    """The results with names and marks as a file; each download is in the audit log."""
    contest = organiser_contest(slug)
    if fmt not in ("xlsx", "csv") or stages.final_stage(db.session, contest) is None:
        abort(404)
    with user_action() as action:
        action.value = reports.exported_results(action.session, current_user, contest, fmt)
    return export_response(action.value, fmt, contest.slug)


def export_response(data: export.ExportData, fmt: str, name: str) -> Response:
    """The results file as a download: `name`-ket-qua.xlsx or .csv."""
    body = export.to_xlsx(data) if fmt == "xlsx" else export.to_csv(data)
    mimetype = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if fmt == "xlsx"
        else "text/csv; charset=utf-8"
    )
    return attachment(body, mimetype, f"{name}-ket-qua.{fmt}")
