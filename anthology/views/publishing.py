"""The board's publishing page: the results made public (or withdrawn for a correction),
short news for the public page and the feed, the sites that may frame the winners widget, and
the papers for the People's Committee (summary report, prize decision). Province organisers
only; each action one operation in `user_action`, each paper read in `read_action`."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from anthology.forms import NewsForm, ProposalForm, WidgetOriginsForm, WithdrawResultsForm
from anthology.models import Announcement, CommendationProposal
from anthology.render import svg_charts
from anthology.services import letters, papers, proposals, publication, statistics
from anthology.views.book import bp, province_contest
from anthology.views.public import absolute
from contest.documents import printing
from contest.forms import ConfirmForm
from contest.models import ExemplarProfile
from contest.platform.db import db, utcnow
from contest.platform.errors import PrintError
from contest.platform.web import attachment, flash_form_errors, read_action, user_action


def _back(slug: str):
    return redirect(url_for("anthology.publication_page", slug=slug))


@bp.route("/<slug>/publication")
@login_required
def publication_page(slug: str):
    contest = province_contest(slug)
    settings = publication.portal_settings(db.session, contest)
    return render_template(
        "anthology/publication.html",
        contest=contest,
        confirm=ConfirmForm(),
        withdraw_form=WithdrawResultsForm(),
        news_form=NewsForm(),
        origins_form=WidgetOriginsForm(data={"origins": settings.widget_origins}),
        news=publication.announcements(db.session, contest),
        letters=letters.letters(db.session, contest),
        widget_url=absolute(url_for("public.widget", slug=slug)),
        api_url=absolute(url_for("api.contest", slug=slug)),
        feed_url=absolute(url_for("public.atom", slug=slug)),
    )


@bp.route("/<slug>/publication/publish", methods=["POST"])
@login_required
def publish_results(slug: str):
    contest = province_contest(slug)
    if ConfirmForm().validate_on_submit():
        with user_action(_("Đã công bố kết quả: trang công khai, tin và API đã có.")) as done:
            publication.publish_results(done.session, contest, current_user, utcnow())
    return _back(slug)


@bp.route("/<slug>/publication/withdraw", methods=["POST"])
@login_required
def withdraw_results(slug: str):
    contest = province_contest(slug)
    form = WithdrawResultsForm()
    if form.validate_on_submit():
        with user_action(_("Đã thu hồi công bố kết quả.")) as done:
            publication.withdraw_results(
                done.session, contest, current_user, form.reason.data, utcnow()
            )
    else:
        flash_form_errors(form)
    return _back(slug)


@bp.route("/<slug>/publication/news", methods=["POST"])
@login_required
def post_news(slug: str):
    contest = province_contest(slug)
    form = NewsForm()
    if form.validate_on_submit():
        with user_action(_("Đã đăng tin.")) as done:
            publication.post_announcement(
                done.session, contest, current_user, form.title.data, form.body.data, utcnow()
            )
    else:
        flash_form_errors(form)
    return _back(slug)


@bp.route("/<slug>/publication/news/<int:news_id>/withdraw", methods=["POST"])
@login_required
def withdraw_news(slug: str, news_id: int):
    contest = province_contest(slug)
    news = db.get_or_404(Announcement, news_id)
    if news.contest_id != contest.id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        with user_action(_("Đã gỡ tin.")) as done:
            publication.withdraw_announcement(done.session, news, current_user, utcnow())
    return _back(slug)


@bp.route("/<slug>/publication/widget", methods=["POST"])
@login_required
def save_widget_origins(slug: str):
    contest = province_contest(slug)
    form = WidgetOriginsForm()
    if form.validate_on_submit():
        with user_action(_("Đã lưu các trang được nhúng.")) as done:
            publication.save_widget_origins(done.session, contest, current_user, form.origins.data)
    else:
        flash_form_errors(form)
    return _back(slug)


PAPER_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@bp.route("/<slug>/papers/summary.<any(docx, xlsx):fmt>")
@login_required
def summary_report(slug: str, fmt: str):
    """Báo cáo tổng kết, dated today (the figures of the status commands)."""
    contest = province_contest(slug)
    with read_action() as action:
        action.value = papers.summary_report(action.session, contest, fmt, utcnow().date())
    if not action.ok:
        return _back(slug)
    return attachment(action.value, PAPER_TYPES[fmt], f"{slug}-bao-cao-tong-ket.{fmt}")


@bp.route("/<slug>/papers/decision.<any(docx, pdf):fmt>")
@login_required
def prize_decision(slug: str, fmt: str):
    """Quyết định khen thưởng, dated today; the PDF printed after the read ends."""
    contest = province_contest(slug)
    with read_action() as action:
        action.value = papers.prize_decision(action.session, contest, utcnow().date())
    if not action.ok:
        return _back(slug)
    data = action.value
    if fmt == "pdf":
        try:
            data = printing.to_pdf(data, _("quyết định"))
        except PrintError as error:
            flash(str(error), "error")
            return _back(slug)
    return attachment(data, PAPER_TYPES[fmt], f"{slug}-quyet-dinh-khen-thuong.{fmt}")


@bp.route("/<slug>/proposals", methods=["GET", "POST"])
@login_required
def proposals_page(slug: str):
    """Profiles at the province, those proposed for the certificate of merit, the list."""
    contest = province_contest(slug)
    form = ProposalForm()
    if form.validate_on_submit():
        profile = db.session.get(ExemplarProfile, form.profile_id.data)
        if profile is None or profile.contest_id != contest.id:
            abort(404)
        with user_action(_("Đã đề nghị tặng Bằng khen.")) as done:
            proposals.propose(done.session, profile, current_user, form.justification.data)
        return redirect(url_for("anthology.proposals_page", slug=slug))
    flash_form_errors(form)
    standing = proposals.standing(db.session, contest)
    proposed = {p.profile_id for p in standing}
    return render_template(
        "anthology/proposals.html",
        contest=contest,
        standing=standing,
        candidates=[p for p in proposals.candidates(db.session, contest) if p.id not in proposed],
        form=ProposalForm(formdata=None),
        confirm=ConfirmForm(),
    )


@bp.route("/<slug>/proposals/<int:proposal_id>/withdraw", methods=["POST"])
@login_required
def withdraw_proposal(slug: str, proposal_id: int):
    contest = province_contest(slug)
    proposal = db.get_or_404(CommendationProposal, proposal_id)
    if proposal.contest_id != contest.id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        with user_action(_("Đã rút đề nghị.")) as done:
            proposals.withdraw(done.session, proposal, current_user, utcnow())
    return redirect(url_for("anthology.proposals_page", slug=slug))


@bp.route("/<slug>/papers/proposals.<any(docx, xlsx):fmt>")
@login_required
def proposal_list(slug: str, fmt: str):
    contest = province_contest(slug)
    with read_action() as action:
        action.value = papers.proposal_list(action.session, contest, fmt, utcnow().date())
    if not action.ok:
        return redirect(url_for("anthology.proposals_page", slug=slug))
    return attachment(action.value, PAPER_TYPES[fmt], f"{slug}-de-nghi-bang-khen.{fmt}")


@bp.route("/<slug>/statistics")
@login_required
def statistics_page(slug: str):
    """Entries over time per unit, category coverage, judges' agreement and severity."""
    contest = province_contest(slug)
    found = statistics.statistics(db.session, contest, _("Toàn tỉnh"))
    timeline = svg_charts.cumulative_lines(
        found.timeline,
        found.first,
        found.last,
        _("Số bài đã nộp cộng dồn theo ngày"),
        marker=(found.closes, _("Hết hạn nhận bài")),
    )
    coverage = svg_charts.grouped_bars(
        [(f"{code} {name}", (e, p)) for code, name, e, p in found.categories],
        [_("Bài viết"), _("Hồ sơ")],
        _("Bài viết và hồ sơ theo lĩnh vực"),
    )
    severity = [
        (figures, svg_charts.diverging_bars(figures.severity, _("Độ chặt của giám khảo")))
        for figures in found.stages
    ]
    return render_template(
        "anthology/statistics.html",
        contest=contest,
        found=found,
        # Every label in these pictures is escaped where they are drawn (svg_charts).
        timeline=Markup(timeline),  # noqa: S704
        coverage=Markup(coverage),  # noqa: S704
        severity=[(f, Markup(svg)) for f, svg in severity],  # noqa: S704
        last_days=statistics.LAST_DAYS,
    )
