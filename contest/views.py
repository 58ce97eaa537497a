"""Pages of the contest core: entrants' entries, unit rounds, the province dashboard.

Views stay thin: load, check the policy, validate the form, call one service, commit once."""

from __future__ import annotations

import os

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from contest import policy, storage
from contest.categories import CATEGORIES, SUBJECT_KINDS
from contest.db import db, utcnow
from contest.errors import DomainError
from contest.forms import (
    STAFF_ROLES,
    AccountForm,
    ConfirmForm,
    ContestRulesForm,
    EntryForm,
    PaperEntryForm,
    ProfileForm,
    ReasonForm,
    RoundForm,
    UnitForm,
    choices,
)
from contest.i18n import day_end_utc, day_start_utc, local_day
from contest.intake import IntakeError, extract_typed, extract_upload
from contest.models import (
    AuditEvent,
    Contest,
    Entry,
    ExemplarProfile,
    Forwarding,
    Round,
    Unit,
    User,
)
from contest.services import accounts, entries, forwarding, profiles, queries, setup
from contest.web import FAILED, contest_or_404, rewrite_media, run_and_commit

bp = Blueprint("contest", __name__)
INPUT_ERRORS = (DomainError, IntakeError)

STATE_LABELS = {
    "draft": _l("Bản nháp"),
    "submitted": _l("Đã nộp"),
    "forwarded": _l("Đã chuyển lên cấp trên"),
    "not_selected": _l("Không được chọn"),
    "disqualified": _l("Bị loại"),
    "withdrawn": _l("Đã rút"),
    "nominated": _l("Đề cử"),
}


ERRORS = {
    400: (
        _l("Yêu cầu không hợp lệ"),
        _l("Biểu mẫu đã hết hạn hoặc thiếu mã bảo vệ. Hãy tải lại trang rồi thử lại."),
    ),
    403: (_l("Không có quyền"), _l("Tài khoản của bạn không được làm việc này.")),
    404: (_l("Không tìm thấy"), _l("Trang này không tồn tại hoặc bạn không có quyền xem.")),
    413: (_l("Tệp quá lớn"), _l("Tệp tải lên vượt quá giới hạn cho phép (10 MB).")),
    500: (_l("Lỗi hệ thống"), _l("Đã có lỗi xảy ra; thao tác chưa được lưu. Hãy thử lại sau.")),
}


def error_page(error):
    """Errors in the interface language, naming nothing from the request: no URL, no id."""
    code = getattr(error, "code", 500) or 500
    title, message = ERRORS.get(code, ERRORS[500])
    # request_path="/": the page must not even echo the address that was asked for.
    return render_template("error.html", title=title, message=message, request_path="/"), code


@bp.record_once
def _error_pages(setup_state) -> None:
    for code in ERRORS:
        setup_state.app.register_error_handler(code, error_page)


def state_label(state: str) -> str:
    """The state's name in the interface language."""
    return str(STATE_LABELS[state]) if state in STATE_LABELS else state


@bp.record_once
def _template_globals(setup_state) -> None:
    """Globals, so that imported macros see them too."""
    setup_state.app.jinja_env.globals.update(
        state_label=state_label,
        STATE_LABELS=STATE_LABELS,
        CATEGORIES=CATEGORIES,
        SUBJECT_KINDS=SUBJECT_KINDS,
    )


def _entry(entry_id: int) -> Entry:
    entry = db.session.get(Entry, entry_id)
    policy.require(entry is not None and policy.can_view_entry(current_user, entry))
    return entry


def _round(round_id: int) -> Round:
    round_ = db.session.get(Round, round_id)
    policy.require(round_ is not None and policy.can_manage_round(current_user, round_))
    return round_


@bp.route("/")
def home():
    contests = db.session.scalars(select(Contest).order_by(Contest.opens_at.desc())).all()
    my_round = None
    if current_user.is_authenticated and current_user.is_unit_organiser and contests:
        my_round = db.session.scalar(
            select(Round).where(
                Round.contest_id == contests[0].id, Round.unit_id == current_user.unit_id
            )
        )
    return render_template("contest/home.html", contests=contests, my_round=my_round)


# --- entrants -------------------------------------------------------------------------------


@bp.route("/c/<slug>/entries")
@login_required
def my_entries(slug: str):
    contest = contest_or_404(slug)
    policy.require_entrant()
    own = db.session.scalars(
        select(Entry)
        .where(Entry.contest_id == contest.id, Entry.author_id == current_user.id)
        .order_by(Entry.id)
    ).all()
    return render_template("contest/my_entries.html", contest=contest, entries=own)


def _profile_choices(contest: Contest):
    candidates = db.session.scalars(
        select(ExemplarProfile)
        .where(ExemplarProfile.contest_id == contest.id)
        .order_by(ExemplarProfile.name)
    )
    return choices(
        [(0, _("— Không chọn —"))] + [(p.id, f"{p.name} ({p.unit.name})") for p in candidates]
    )


def _read_essay(form: EntryForm, required: bool):
    """The essay from the upload if there is one, else from the text box."""
    upload = form.file.data
    if upload and upload.filename:
        data = upload.read()
        essay = extract_upload(
            upload.filename,
            data,
            current_app.config["MAX_UPLOAD_BYTES"],
            current_app.config["PANDOC_TIMEOUT_SECONDS"],
        )
        return essay, (os.path.basename(upload.filename), data)
    if form.body.data and form.body.data.strip():
        return extract_typed(form.body.data), None
    if required:
        raise IntakeError(_("Bài viết trống: hãy gõ nội dung hoặc tải tệp lên."))
    return None, None


def _subject(form: EntryForm) -> entries.Subject:
    profile_id = form.subject_profile_id.data
    if profile_id:
        profile = db.session.get(ExemplarProfile, profile_id)
        if profile is not None:
            return entries.Subject.of_profile(profile)
    return entries.Subject(
        form.subject_name.data or "",
        form.subject_address.data or "",
        form.subject_kind.data,
        form.subject_category.data,
    )


@bp.route("/c/<slug>/entries/new", methods=["GET", "POST"])
@login_required
def new_entry(slug: str):
    contest = contest_or_404(slug)
    policy.require_entrant()
    form = EntryForm()
    form.subject_profile_id.choices = _profile_choices(contest)
    if form.validate_on_submit():

        def create():
            essay, original = _read_essay(form, required=True)
            return entries.create_entry(
                db.session,
                contest=contest,
                author=current_user,
                author_unit=current_user.unit or _no_unit(),
                title=form.title.data,
                subject=_subject(form),
                essay=essay,
                original=original,
                declarations_accepted=form.declarations.data,
                now=utcnow(),
                submit=form.submit_now.data,
            )

        entry = run_and_commit(create, _("Đã lưu bài viết."), INPUT_ERRORS)
        if entry is not FAILED:
            return redirect(url_for("contest.show_entry", entry_id=entry.id))
    return render_template("contest/entry_form.html", contest=contest, form=form, entry=None)


def _no_unit():
    raise DomainError(_("Tài khoản chưa chọn đơn vị, không thể gửi bài."))


@bp.route("/entries/<int:entry_id>")
@login_required
def show_entry(entry_id: int):
    entry = _entry(entry_id)
    body = rewrite_media(
        entry.body_html, lambda name: url_for("contest.entry_media", entry_id=entry.id, name=name)
    )
    return render_template(
        "contest/entry.html",
        entry=entry,
        body=body,
        history=queries.entry_history(db.session, entry),
        can_edit=policy.can_edit_entry(current_user, entry),
        confirm=ConfirmForm(),
    )


@bp.route("/entries/<int:entry_id>/media/<path:name>")
@login_required
def entry_media(entry_id: int, name: str):
    entry = _entry(entry_id)
    path = storage.safe_join(os.path.join(storage.entry_dir(entry.storage_key), "media"), name)
    if path is None or not os.path.isfile(path):
        abort(404)
    return send_file(path)


@bp.route("/entries/<int:entry_id>/edit", methods=["GET", "POST"])
@login_required
def edit_entry(entry_id: int):
    entry = _entry(entry_id)
    policy.require(policy.can_edit_entry(current_user, entry))
    form = EntryForm(obj=entry)
    form.subject_profile_id.choices = _profile_choices(entry.contest)
    if request.method == "GET":
        form.subject_profile_id.data = entry.subject_profile_id or 0
    if form.validate_on_submit():

        def update():
            essay, original = _read_essay(form, required=False)
            entries.update_entry(
                db.session,
                entry,
                actor=current_user,
                title=form.title.data,
                subject=_subject(form),
                essay=essay,
                original=original,
                now=utcnow(),
            )
            if form.submit_now.data and entry.state == "draft":
                entries.submit_entry(db.session, entry, current_user, utcnow())

        if run_and_commit(update, _("Đã lưu thay đổi."), INPUT_ERRORS) is not FAILED:
            return redirect(url_for("contest.show_entry", entry_id=entry.id))
    return render_template("contest/entry_form.html", contest=entry.contest, form=form, entry=entry)


@bp.route("/entries/<int:entry_id>/submit", methods=["POST"])
@login_required
def submit_entry(entry_id: int):
    entry = _entry(entry_id)
    policy.require(policy.can_edit_entry(current_user, entry))
    if ConfirmForm().validate_on_submit():
        run_and_commit(
            lambda: entries.submit_entry(db.session, entry, current_user, utcnow()),
            _("Đã nộp bài dự thi."),
        )
    return redirect(url_for("contest.show_entry", entry_id=entry.id))


@bp.route("/entries/<int:entry_id>/withdraw", methods=["POST"])
@login_required
def withdraw_entry(entry_id: int):
    entry = _entry(entry_id)
    policy.require(policy.can_edit_entry(current_user, entry))
    form = ReasonForm()
    if form.validate_on_submit():
        run_and_commit(
            lambda: entries.withdraw_entry(db.session, entry, current_user, form.reason.data),
            _("Đã rút bài."),
        )
    else:
        flash(_("Cần ghi rõ lý do."), "error")
    return redirect(url_for("contest.show_entry", entry_id=entry.id))


# --- unit rounds ----------------------------------------------------------------------------


@bp.route("/rounds/<int:round_id>")
@login_required
def show_round(round_id: int):
    round_ = _round(round_id)
    forwarded_from_here = db.session.scalars(
        select(Entry)
        .join(Forwarding, Forwarding.entry_id == Entry.id)
        .where(Forwarding.from_round_id == round_.id)
    ).all()
    decided = db.session.scalars(
        select(Entry).where(
            Entry.round_id == round_.id,
            Entry.state.in_(("not_selected", "disqualified", "withdrawn")),
        )
    ).all()
    return render_template(
        "contest/round.html",
        round=round_,
        entries=forwarding.pending_entries(db.session, round_),
        profiles=forwarding.pending_profiles(db.session, round_),
        used=forwarding.forwarded_count(db.session, round_),
        forwarded=forwarded_from_here,
        decided=decided,
        children=round_.children,
        confirm=ConfirmForm(),
    )


@bp.route(
    "/rounds/<int:round_id>/<any(entries,profiles):kind>/<int:item_id>/mark", methods=["POST"]
)
@login_required
def mark_item(round_id: int, kind: str, item_id: int):
    """Tick or untick an entry or a profile for forwarding, within the round's quota."""
    round_ = _round(round_id)
    model, verb = (
        (Entry, forwarding.mark_entry)
        if kind == "entries"
        else (ExemplarProfile, forwarding.mark_profile)
    )
    item = db.session.get(model, item_id)
    policy.require(item is not None and item.round_id == round_.id)
    if ConfirmForm().validate_on_submit():
        marked = request.form.get("marked") == "1"
        run_and_commit(lambda: verb(db.session, round_, item, marked, current_user))
    return redirect(url_for("contest.show_round", round_id=round_.id))


@bp.route("/rounds/<int:round_id>/entries/<int:entry_id>/disqualify", methods=["GET", "POST"])
@login_required
def disqualify_entry(round_id: int, entry_id: int):
    round_ = _round(round_id)
    entry = db.session.get(Entry, entry_id)
    policy.require(entry is not None and entry.round_id == round_.id)
    form = ReasonForm()
    if form.validate_on_submit():
        if (
            run_and_commit(
                lambda: entries.disqualify_entry(
                    db.session, entry, current_user, form.reason.data
                ),
                _("Đã loại bài và ghi lý do."),
            )
            is not FAILED
        ):
            return redirect(url_for("contest.show_round", round_id=round_.id))
    return render_template("contest/disqualify.html", round=round_, entry=entry, form=form)


@bp.route("/rounds/<int:round_id>/forward", methods=["POST"])
@login_required
def forward_round(round_id: int):
    round_ = _round(round_id)
    if ConfirmForm().validate_on_submit():
        result = run_and_commit(
            lambda: forwarding.forward_round(db.session, round_, current_user, utcnow())
        )
        if result is not FAILED:
            flash(
                _(
                    "Đã gửi %(n)d bài và %(p)d hồ sơ lên %(unit)s.",
                    n=len(result.forwarded),
                    p=len(result.profiles),
                    unit=round_.parent.unit.name,
                ),
                "success",
            )
    return redirect(url_for("contest.show_round", round_id=round_.id))


def _author_unit_choices(round_: Round):
    """The round's unit and everything below it."""
    found, stack = [], [round_.unit]
    while stack:
        unit = stack.pop()
        found.append((unit.id, unit.name))
        stack.extend(unit.children)
    return choices(found)


@bp.route("/rounds/<int:round_id>/paper-entry", methods=["GET", "POST"])
@login_required
def paper_entry(round_id: int):
    round_ = _round(round_id)
    form = PaperEntryForm()
    form.subject_profile_id.choices = _profile_choices(round_.contest)
    form.author_unit_id.choices = _author_unit_choices(round_)
    if form.validate_on_submit():

        def enter():
            essay, original = _read_essay(form, required=True)
            author = accounts.find_or_create_author(
                db.session,
                full_name=form.author_name.data,
                phone=form.author_phone.data,
                email=form.author_email.data,
                unit=db.session.get(Unit, form.author_unit_id.data),
            )
            entries.create_entry(
                db.session,
                contest=round_.contest,
                author=author,
                author_unit=db.session.get(Unit, form.author_unit_id.data),
                title=form.title.data,
                subject=_subject(form),
                essay=essay,
                original=original,
                declarations_accepted=form.declarations.data,
                now=utcnow(),
                submit=True,
                entered_by=current_user,
            )

        if run_and_commit(enter, _("Đã nhập bài hộ tác giả."), INPUT_ERRORS) is not FAILED:
            return redirect(url_for("contest.show_round", round_id=round_.id))
    return render_template(
        "contest/entry_form.html", contest=round_.contest, form=form, entry=None, round=round_
    )


@bp.route("/rounds/<int:round_id>/profiles/new", methods=["GET", "POST"])
@login_required
def new_profile(round_id: int):
    round_ = _round(round_id)
    form = ProfileForm()
    if form.validate_on_submit():
        photo = None
        if form.photo.data and form.photo.data.filename:
            photo = (form.photo.data.filename, form.photo.data.read())

        def create():
            profiles.create_profile(
                db.session,
                contest=round_.contest,
                round_=round_,
                actor=current_user,
                name=form.name.data,
                kind=form.kind.data,
                category=form.category.data,
                address=form.address.data or "",
                position=form.position.data or "",
                achievements=form.achievements.data or "",
                commendations=form.commendations.data or "",
                photo=photo,
            )

        if run_and_commit(create, _("Đã lưu hồ sơ gương điển hình.")) is not FAILED:
            return redirect(url_for("contest.show_round", round_id=round_.id))
    return render_template("contest/profile_form.html", round=round_, form=form)


@bp.route("/profiles/<int:profile_id>")
@login_required
def show_profile(profile_id: int):
    profile = db.session.get(ExemplarProfile, profile_id)
    policy.require(profile is not None and policy.can_view_profile(current_user, profile))
    return render_template("contest/profile.html", profile=profile)


@bp.route("/profiles/<int:profile_id>/photo")
@login_required
def profile_photo(profile_id: int):
    profile = db.session.get(ExemplarProfile, profile_id)
    policy.require(
        profile is not None
        and policy.can_view_profile(current_user, profile)
        and profile.photo_path is not None
    )
    return send_file(os.path.join(storage.root(), profile.photo_path))


# --- province -------------------------------------------------------------------------------


@bp.route("/c/<slug>/dashboard")
@login_required
def dashboard(slug: str):
    contest = contest_or_404(slug)
    policy.require(policy.is_province(current_user))
    province_round = contest.province_round(db.session)
    return render_template(
        "contest/dashboard.html",
        contest=contest,
        status=queries.contest_status(db.session, contest),
        at_province=forwarding.pending_entries(db.session, province_round),
        profiles=forwarding.pending_profiles(db.session, province_round),
        province_round=province_round,
    )


@bp.route("/c/<slug>/settings", methods=["GET", "POST"])
@login_required
def contest_settings(slug: str):
    """The province sets the rules, which units run a round, their quotas, and the units."""
    contest = contest_or_404(slug)
    policy.require(policy.is_province(current_user))
    rules, round_form, unit_form = (
        ContestRulesForm(prefix="rules"),
        RoundForm(prefix="round"),
        UnitForm(prefix="unit"),
    )
    units = db.session.scalars(select(Unit).order_by(Unit.name)).all()
    with_round = {r.unit_id for r in contest.rounds}
    round_form.unit_id.choices = choices(
        (u.id, f"{u.name} ({u.code})") for u in units if u.id not in with_round
    )
    unit_form.parent_id.choices = choices((u.id, f"{u.name} ({u.code})") for u in units)
    action = request.form.get("action")
    done = FAILED
    if action == "rules" and rules.validate_on_submit():
        done = run_and_commit(
            lambda: setup.update_contest(
                db.session,
                contest,
                current_user,
                title=rules.title.data,
                opens_at=day_start_utc(rules.opens_on.data),
                closes_at=day_end_utc(rules.closes_on.data),
                min_words=rules.min_words.data,
                max_words=rules.max_words.data,
                max_entries_per_entrant=rules.max_entries_per_entrant.data,
                declarations=(rules.declarations.data or "").splitlines(),
            ),
            _("Đã lưu thể lệ."),
        )
    elif action == "round" and round_form.validate_on_submit():
        done = run_and_commit(
            lambda: setup.add_round(
                db.session,
                contest,
                db.session.get(Unit, round_form.unit_id.data),
                round_form.quota.data,
                round_form.profile_quota.data,
            ),
            _("Đã thêm vòng thi."),
        )
    elif action == "unit" and unit_form.validate_on_submit():
        done = run_and_commit(
            lambda: setup.create_unit(
                db.session,
                code=unit_form.code.data,
                name=unit_form.name.data,
                kind=unit_form.kind.data,
                parent=db.session.get(Unit, unit_form.parent_id.data),
            ),
            _("Đã thêm đơn vị."),
        )
    elif action == "quota" and ConfirmForm().validate_on_submit():
        round_ = db.session.get(Round, request.form.get("round_id", type=int) or 0)
        policy.require(round_ is not None and round_.contest_id == contest.id)
        done = run_and_commit(
            lambda: setup.set_quota(
                db.session,
                round_,
                request.form.get("quota", type=int) or 0,
                request.form.get("profile_quota", type=int) or 0,
                current_user,
            ),
            _("Đã đổi chỉ tiêu."),
        )
    if done is not FAILED:
        return redirect(url_for("contest.contest_settings", slug=slug))
    if request.method == "GET":
        rules.title.data = contest.title
        rules.opens_on.data, rules.closes_on.data = (
            local_day(contest.opens_at),
            local_day(contest.closes_at),
        )
        rules.min_words.data, rules.max_words.data = contest.min_words, contest.max_words
        rules.max_entries_per_entrant.data = contest.max_entries_per_entrant
        rules.declarations.data = "\n".join(contest.declarations)
    rounds = sorted(contest.rounds, key=lambda r: (r.parent_id is not None, r.unit.name))
    return render_template(
        "contest/settings.html",
        contest=contest,
        rules=rules,
        round_form=round_form,
        unit_form=unit_form,
        rounds=rounds,
    )


@bp.route("/accounts", methods=["GET", "POST"], endpoint="accounts")
@login_required
def accounts_page():
    """Province organisers create the accounts of everyone but entrants."""
    policy.require(policy.is_province(current_user))
    form = AccountForm()
    units = db.session.scalars(select(Unit).order_by(Unit.kind != "province", Unit.name)).all()
    form.unit_id.choices = choices((u.id, f"{u.name} ({u.code})") for u in units)
    if form.validate_on_submit():
        created = run_and_commit(
            lambda: accounts.create_user(
                db.session,
                full_name=form.full_name.data,
                email=form.email.data,
                phone=form.phone.data,
                password=form.password.data,
                role=form.role.data,
                unit=db.session.get(Unit, form.unit_id.data),
            ),
            _("Đã tạo tài khoản."),
        )
        if created is not FAILED:
            return redirect(url_for("contest.accounts"))
    staff = db.session.scalars(
        select(User).where(User.role != "entrant").order_by(User.role, User.full_name)
    ).all()
    return render_template("contest/accounts.html", form=form, staff=staff, roles=STAFF_ROLES)


@bp.route("/c/<slug>/audit")
@login_required
def audit_log(slug: str):
    contest = contest_or_404(slug)
    policy.require(policy.is_province(current_user))
    page = max(request.args.get("page", 1, type=int), 1)
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.contest_id == contest.id)
        .order_by(AuditEvent.id.desc())
        .limit(200)
        .offset((page - 1) * 200)
    ).all()
    return render_template("contest/audit.html", contest=contest, events=events, page=page)
