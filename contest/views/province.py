"""The province's pages: a new contest, its dashboard, rules, levels and rounds, publishing,
staff accounts, audit log."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import Session

from contest import policy
from contest.forms import ConfirmForm, PostedAction, QuotaForm, choices
from contest.launch import ContestDocument
from contest.models import Contest, EntryState, Round, Unit
from contest.platform.audit import action_choices
from contest.platform.db import db, utcnow
from contest.platform.errors import InvalidInput
from contest.platform.i18n import day_end_utc, day_start_utc, local_day
from contest.platform.listing import ListArgs
from contest.platform.storage import file_store
from contest.platform.web import attachment, user_action
from contest.services import (
    contest_file,
    forwarding,
    launch,
    levels,
    lists,
    publishing,
    queries,
    setup,
    units,
)
from contest.setup_forms import (
    UNIT_KIND_LABELS,
    CategoriesForm,
    ContestRulesForm,
    DocumentForm,
    LevelForm,
    NewContestForm,
    RemoveLevelForm,
    RoundForm,
    UnitForm,
)
from contest.views.common import bp


@bp.route("/c/<slug>/dashboard")
@login_required
def dashboard(slug: str):
    """Counts, every unit with its round, and the contest's entries one page at a time,
    searched (title, author, unit), filtered (state, unit, category) and sorted."""
    contest = Contest.from_slug_or_404(slug)
    policy.require(policy.is_province(current_user))
    province_round = contest.province_round(db.session)
    args = ListArgs(request.args)
    sort, descending = args.sort(lists.ENTRY_SORTS, "id")
    wanted = lists.EntryFilter(
        text=args.text(),
        state=args.choice("state", EntryState.values()),
        unit_id=args.number("unit"),
        category=args.choice("category", contest.category_names),
        sort=sort,
        descending=descending,
    )
    units = lists.units_overview(db.session, contest)
    return render_template(
        "contest/dashboard.html",
        contest=contest,
        status=queries.contest_status(db.session, contest),
        entries=lists.entries_page(db.session, contest, wanted, args.page()),
        wanted=wanted,
        sort=(sort, descending),
        units=units,
        state_options=[(s.value, s.label) for s in EntryState],
        unit_options=[(row.unit.id, row.unit.name) for row in units if row.total],
        profiles=forwarding.pending_profiles(db.session, province_round),
        province_round=province_round,
    )


def _save_rules(session: Session, contest: Contest, rules: ContestRulesForm) -> None:
    setup.update_contest(
        session,
        contest,
        current_user,
        title=rules.title.data,
        opens_at=day_start_utc(rules.opens_on.data),
        closes_at=day_end_utc(rules.closes_on.data),
        min_words=rules.min_words.data,
        max_words=rules.max_words.data,
        max_entries_per_entrant=rules.max_entries_per_entrant.data,
        declarations=(rules.declarations.data or "").splitlines(),
    )


def _add_round(session: Session, contest: Contest, form: RoundForm) -> None:
    unit = session.get(Unit, form.unit_id.data)
    setup.add_round(session, contest, unit, form.quota.data, form.profile_quota.data)


def _add_unit(session: Session, contest: Contest, form: UnitForm) -> None:
    units.add_unit(
        session,
        current_user,
        code=form.code.data,
        name=form.name.data,
        kind=form.kind.data,
        parent=session.get(Unit, form.parent_id.data),
    )


def _set_quota(session: Session, contest: Contest, form: QuotaForm) -> None:
    round_ = session.get(Round, form.round_id.data)
    policy.require(round_ is not None and round_.contest_id == contest.id)
    setup.set_quota(session, round_, form.quota.data, form.profile_quota.data, current_user)


def _add_document(session: Session, contest: Contest, form: DocumentForm) -> None:
    upload = form.file.data
    if not upload:
        raise InvalidInput(_("Hãy chọn tệp tài liệu."))
    launch.add_document(
        session,
        file_store(),
        contest,
        current_user,
        form.title.data,
        upload.filename or "",
        upload.read(),
    )


def _set_categories(session: Session, contest: Contest, form: CategoriesForm) -> None:
    rows = [
        {key: (row[key] or "").strip() for key in ("code", "group", "name", "criteria")}
        for row in form.rows.data
        if not row["remove"] and ((row["code"] or "").strip() or (row["name"] or "").strip())
    ]
    setup.set_categories(session, contest, current_user, rows)


def _fill_categories(form: CategoriesForm, contest: Contest) -> None:
    """The contest's categories, and an empty row to add one."""
    for category in contest.categories:
        form.rows.append_entry(category.as_dict())
    form.rows.append_entry({"group": "collective"})


def _set_level(session: Session, contest: Contest, form: LevelForm) -> None:
    levels.set_level(
        session,
        contest,
        current_user,
        kind=form.kind.data,
        quota_min=form.quota_min.data,
        quota_max=form.quota_max.data,
        profile_quota=form.profile_quota.data,
        forward_by=day_end_utc(form.forward_by.data) if form.forward_by.data else None,
        now=utcnow(),
    )


def _remove_level(session: Session, contest: Contest, form: RemoveLevelForm) -> None:
    levels.remove_level(session, contest, current_user, form.unit_kind.data)


def _fill_rules(rules: ContestRulesForm, contest: Contest) -> None:
    rules.title.data = contest.title
    rules.opens_on.data = local_day(contest.opens_at)
    rules.closes_on.data = local_day(contest.closes_at)
    rules.min_words.data, rules.max_words.data = contest.min_words, contest.max_words
    rules.max_entries_per_entrant.data = contest.max_entries_per_entrant
    rules.declarations.data = "\n".join(contest.declarations)


@bp.route("/c/<slug>/settings", methods=["GET", "POST"])
@login_required
def contest_settings(slug: str):
    """The province sets the rules, which units run a round, their quotas, and the units."""
    contest = Contest.from_slug_or_404(slug)
    policy.require(policy.is_province(current_user))
    rules, round_form, unit_form, level_form = (
        ContestRulesForm(prefix="rules"),
        RoundForm(prefix="round"),
        UnitForm(prefix="unit"),
        LevelForm(prefix="level"),
    )
    document_form = DocumentForm(prefix="document")
    categories_form = CategoriesForm(prefix="categories")
    level_form.kind.choices = choices(UNIT_KIND_LABELS.items())
    units = queries.units_by_name(db.session)
    rounds = queries.rounds_of_contest(db.session, contest)
    with_round = {r.unit_id for r in rounds}
    round_form.unit_id.choices = choices(
        (u.id, f"{u.name} ({u.code})") for u in units if u.id not in with_round
    )
    unit_form.parent_id.choices = choices((u.id, f"{u.name} ({u.code})") for u in units)
    # The page holds four forms; the hidden `action` field says which one was sent.
    operations = {
        "rules": (rules, _save_rules, _("Đã lưu thể lệ.")),
        "round": (round_form, _add_round, _("Đã thêm vòng thi.")),
        "unit": (unit_form, _add_unit, _("Đã thêm đơn vị.")),
        "quota": (QuotaForm(), _set_quota, _("Đã đổi chỉ tiêu.")),
        "level": (level_form, _set_level, _("Đã lưu chỉ tiêu và hạn của cấp này.")),
        "level_remove": (RemoveLevelForm(), _remove_level, _("Đã bỏ cấp này.")),
        "document": (document_form, _add_document, _("Đã đăng tài liệu.")),
        "categories": (categories_form, _set_categories, _("Đã lưu các lĩnh vực và tiêu chí.")),
    }
    chosen = operations.get(PostedAction().action.data or "")
    if chosen is not None and chosen[0].validate_on_submit():
        form, operation, success = chosen
        with user_action(success) as action:
            operation(action.session, contest, form)
        if action.ok:
            return redirect(url_for("contest.contest_settings", slug=slug))
    if request.method == "GET":
        _fill_rules(rules, contest)
        _fill_categories(categories_form, contest)
    return render_template(
        "contest/settings.html",
        contest=contest,
        rules=rules,
        round_form=round_form,
        unit_form=unit_form,
        level_form=level_form,
        kinds=UNIT_KIND_LABELS,
        rounds=rounds,
        problems=publishing.problems(db.session, contest, utcnow()) if contest.is_draft else [],
        document_form=document_form,
        categories_form=categories_form,
        documents=launch.documents(db.session, contest),
        publish_form=ConfirmForm(),
    )


@bp.route("/contests/new", methods=["GET", "POST"])
@login_required
def new_contest():
    """ "Tạo cuộc thi": a draft from the starter settings, a copy of an earlier contest
    ("Nhân bản", `?copy_from=slug`), or an uploaded contest file; the draft's settings page
    then lists what stops it from being published."""
    policy.require(policy.is_province(current_user))
    form = NewContestForm()
    earlier = queries.contests_newest_first(db.session, with_drafts=True)
    form.copy_from.choices = choices(
        [("", _("Thể lệ mặc định (lĩnh vực theo Kế hoạch 55)"))]
        + [(c.slug, c.title) for c in earlier]
    )
    if request.method == "GET":
        form.copy_from.data = request.args.get("copy_from", "")
    if form.validate_on_submit():
        source = next((c for c in earlier if c.slug == form.copy_from.data), None)
        raw = form.file.data.read() if form.file.data else None
        with user_action(_("Đã tạo bản nháp. Hoàn tất các mục dưới đây rồi công bố.")) as made:
            made.value = contest_file.new_draft(
                made.session,
                current_user,
                slug=form.slug.data,
                title=form.title.data,
                opens=form.opens_on.data,
                closes=form.closes_on.data,
                source=source,
                raw=raw,
            )
        if made.ok:
            return redirect(url_for("contest.contest_settings", slug=made.value.slug))
    return render_template("contest/new_contest.html", form=form)


@bp.route("/c/<slug>/publish", methods=["POST"])
@login_required
def publish_contest(slug: str):
    contest = Contest.from_slug_or_404(slug)
    policy.require(policy.is_province(current_user))
    if ConfirmForm().validate_on_submit():
        with user_action(_("Đã công bố cuộc thi: người dự thi gửi bài được từ ngày mở.")) as done:
            publishing.publish(done.session, contest, current_user, utcnow())
    return redirect(url_for("contest.contest_settings", slug=slug))


@bp.route("/c/<slug>/documents/<int:document_id>/remove", methods=["POST"])
@login_required
def remove_document(slug: str, document_id: int):
    contest = Contest.from_slug_or_404(slug)
    policy.require(policy.is_province(current_user))
    document = db.get_or_404(ContestDocument, document_id)
    policy.require(document.contest_id == contest.id and document.removed_at is None)
    if ConfirmForm().validate_on_submit():
        with user_action(_("Đã gỡ tài liệu.")) as done:
            launch.remove_document(done.session, document, current_user, utcnow())
    return redirect(url_for("contest.contest_settings", slug=slug))


@bp.route("/c/<slug>/contest.toml")
@login_required
def download_contest_file(slug: str):
    """Everything that defines the contest, as the file `flask contest create` reads."""
    contest = Contest.from_slug_or_404(slug)
    policy.require(policy.is_province(current_user))
    text = contest_file.to_toml(contest_file.dump(db.session, contest))
    return attachment(text.encode("utf-8"), "application/toml", f"{contest.slug}.toml")


@bp.route("/c/<slug>/audit")
@login_required
def audit_log(slug: str):
    """Every recorded change of the contest, newest first, each told as one sentence;
    filtered by person, kind of change and days, one page at a time."""
    contest = Contest.from_slug_or_404(slug)
    policy.require(policy.is_province(current_user))
    args = ListArgs(request.args)
    actions = action_choices()
    wanted = lists.AuditFilter(
        who=args.text("who"),
        action=args.choice("action", (value for value, _label in actions)),
        since=args.day("since"),
        until=args.day("until"),
    )
    return render_template(
        "contest/audit.html",
        contest=contest,
        events=lists.audit_page(db.session, contest, wanted, args.page()),
        wanted=wanted,
        actions=actions,
    )
