"""The anthology's pages: front matter, contents, builds with progress, downloads. Thin: load,
check the policy, validate, call one operation inside `user_action`."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from anthology import trim
from anthology.forms import (
    AddProfileForm,
    BuildForm,
    CopyForm,
    CoverForm,
    IncludeForm,
    MoveForm,
    PicturesForm,
    SettingsForm,
    UnitCertificateForm,
    UploadForm,
)
from anthology.models import AnthologyBuild
from anthology.render import certificates as certificate_render
from anthology.services import builds, certificates, contents, papers, settings
from contest import policy
from contest.documents import printing
from contest.forms import ConfirmForm
from contest.models import Contest
from contest.platform.db import db, utcnow
from contest.platform.errors import DomainError, IntakeError, PrintError
from contest.platform.listing import ListArgs, page_of
from contest.platform.storage import file_store
from contest.platform.text import fold
from contest.platform.uow import end_reads
from contest.platform.web import attachment, flash_form_errors, read_action, user_action
from judging import policy as judging_policy
from judging.services import units

bp = Blueprint("anthology", __name__, url_prefix="/anthology")


def province_contest(slug: str) -> Contest:
    contest = Contest.from_slug_or_404(slug)
    policy.require(policy.is_province(current_user))
    return contest


def _build(contest: Contest, build_id: int) -> AnthologyBuild:
    found = builds.build_of(db.session, contest, build_id)
    if found is None:
        abort(404)
    return found


def _back(slug: str, anchor: str = "", **pages: int):
    return redirect(url_for("anthology.overview", slug=slug, **pages) + anchor)


# Items of each part of the book shown per page.
BOOK_PAGE_SIZE = 40


def _matching(found: list, text: str) -> list:
    """Items whose title, author, unit or profile name hold every typed word (accent-blind):
    the book is made after finalisation, when names may be seen."""
    words = fold(text).split()

    def haystack(item) -> str:
        if item.is_essay:
            e = item.entry
            return (
                f"{item.book_title or e.title} {e.title} {e.author.full_name} {e.author_unit.name}"
            )
        p = item.profile
        return f"{p.name} {p.category} {p.unit.name}"

    return [i for i in found if all(w in fold(haystack(i)) for w in words)]


@bp.route("/<slug>/")
@login_required
def overview(slug: str):
    contest = province_contest(slug)
    book = settings.settings_for(db.session, contest)
    items = contents.items(db.session, contest) if contest.is_finalised else []
    all_builds = builds.builds(db.session, contest)
    args = ListArgs(request.args)
    text = args.text()
    essays = [i for i in items if i.is_essay]
    profiles = [i for i in items if not i.is_essay]
    # Each item's place in its part, as "move to position" counts it.
    places = {f"e{i.entry_id}": n for n, i in enumerate(essays, 1)} | {
        f"p{i.profile_id}": n for n, i in enumerate(profiles, 1)
    }
    essay_page = page_of(
        _matching(essays, text) if text else essays, args.page("epage"), BOOK_PAGE_SIZE
    )
    form = SettingsForm(obj=book)
    if book.page_size not in trim.NAMED:  # a size in millimetres: «Khổ khác» shows it
        form.page_size.data, form.custom_size.data = "custom", book.page_size
    return render_template(
        "anthology/overview.html",
        contest=contest,
        form=form,
        build_form=BuildForm(),
        cover_form=CoverForm(),
        settings=book,
        missing=settings.missing_fields(book),
        colophon_gaps=settings.colophon_gaps(book),
        text=text,
        essays=essay_page,
        undescribed={
            item.entry_id: sum(not p.is_described for p in contents.essay_pictures(item))
            for item in essay_page.items
        },
        profiles=page_of(
            _matching(profiles, text) if text else profiles, args.page("ppage"), BOOK_PAGE_SIZE
        ),
        essay_count=len(essays),
        profile_count=len(profiles),
        places=places,
        others=contents.other_profiles(db.session, contest, items) if contest.is_finalised else [],
        builds=all_builds,
        running=next((b for b in all_builds if b.is_unfinished), None),
        confirm=ConfirmForm(),
        upload=UploadForm(),
        placeholders=", ".join(certificate_render.PLACEHOLDERS),
    )


@bp.route("/<slug>/settings", methods=["POST"])
@login_required
def save_settings(slug: str):
    contest = province_contest(slug)
    form = SettingsForm()
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in settings.EDITABLE}
        if values["page_size"] == "custom":
            values["page_size"] = form.custom_size.data or ""
        with user_action(_("Đã lưu thông tin sách.")) as action:
            settings.save_settings(action.session, contest, current_user, **values)
    else:
        flash_form_errors(form)
    return _back(slug)


UPLOADS = {"cover": settings.save_cover, "certificate-template": settings.save_certificate_template}


@bp.route("/<slug>/<any('cover','certificate-template'):what>", methods=["POST"])
@login_required
def upload(slug: str, what: str):
    """The cover, or a replacement certificate template."""
    contest = province_contest(slug)
    form = UploadForm()
    if form.validate_on_submit() and form.file.data:
        data = form.file.data.read()
        done = _("Đã lưu ảnh bìa.") if what == "cover" else _("Đã thay mẫu giấy chứng nhận.")
        with user_action(done) as action:
            UPLOADS[what](action.session, file_store(), contest, current_user, data)
    return _back(slug)


@bp.route("/<slug>/items/add", methods=["POST"])
@login_required
def add_profile(slug: str):
    contest = province_contest(slug)
    form = AddProfileForm()
    if form.validate_on_submit():
        with user_action(_("Đã thêm hồ sơ vào sách.")) as action:
            contents.add_profile(action.session, contest, form.profile_id.data, current_user)
    return _back(slug)


@bp.route("/<slug>/items/<any(e,p):kind>/<int:object_id>/move", methods=["POST"])
@login_required
def move(slug: str, kind: str, object_id: int):
    """One step up or down (`direction`), or straight to a place typed in (`position`)."""
    contest = province_contest(slug)
    form = MoveForm()
    position = form.position.data
    if form.position.raw_data and position is None:
        flash(_("Hãy gõ vị trí bằng một số (1, 2, 3 …)."), "error")
        return _back(slug, f"#item-{kind}{object_id}")
    if form.validate_on_submit():
        with user_action(_("Đã đổi thứ tự.")) as action:
            if position is not None:
                action.value = contents.move_to(action.session, contest, kind, object_id, position)
            else:
                step = -1 if form.direction.data == "up" else 1
                contents.move_item(action.session, contest, kind, object_id, step)
        if action.ok and action.value:
            # Show the page the item has landed on.
            page = (action.value - 1) // BOOK_PAGE_SIZE + 1
            return _back(slug, f"#item-{kind}{object_id}", **{f"{kind}page": page})
    return _back(slug, f"#item-{kind}{object_id}")


@bp.route("/<slug>/items/<any(e,p):kind>/<int:object_id>/include", methods=["POST"])
@login_required
def include(slug: str, kind: str, object_id: int):
    contest = province_contest(slug)
    form = IncludeForm()
    if form.validate_on_submit():
        with user_action(_("Đã cập nhật nội dung sách.")) as action:
            contents.set_included(
                action.session,
                contest,
                kind,
                object_id,
                form.included.data == "1",
                form.reason.data or "",
                current_user,
            )
    return _back(slug, f"#item-{kind}{object_id}")


@bp.route("/<slug>/items/e/<int:entry_id>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str, entry_id: int):
    contest = province_contest(slug)
    item = _essay_item(contest, entry_id)
    form = CopyForm() if request.method == "POST" else _saved_copy(item)
    if form.validate_on_submit():
        copy = _cleaned_copy(item.entry, form.markdown.data)
        if copy is not None:
            with user_action(_("Đã lưu bản in; bài gốc giữ nguyên.")) as action:
                contents.edit_copy(
                    action.session, contest, entry_id, form.title.data, copy, current_user
                )
            if action.ok:
                if copy.dropped_pictures or copy.dropped_links:
                    flash(
                        _(
                            "Đã bỏ %(pictures)s ảnh không thuộc bài và %(links)s liên kết "
                            "không an toàn khỏi bản in.",
                            pictures=copy.dropped_pictures,
                            links=copy.dropped_links,
                        ),
                        "warning",
                    )
                return _back(slug)
    return _edit_page(contest, item, form, None)


@bp.route("/<slug>/items/e/<int:entry_id>/pictures", methods=["POST"])
@login_required
def describe(slug: str, entry_id: int):
    """The text alternatives of an essay's pictures, for readers who cannot see them."""
    contest = province_contest(slug)
    item = _essay_item(contest, entry_id)
    pictures = contents.essay_pictures(item)
    form = PicturesForm.for_pictures(pictures)
    if form.validate_on_submit():
        with user_action(_("Đã lưu mô tả ảnh.")) as action:
            contents.describe_pictures(
                action.session, contest, entry_id, form.descriptions(pictures), current_user
            )
        if action.ok:
            return redirect(url_for("anthology.edit", slug=slug, entry_id=entry_id))
    if form.shown.errors:  # a hidden field: its message goes above the reloaded page
        flash(str(form.shown.errors[0]), "error")
        return redirect(url_for("anthology.edit", slug=slug, entry_id=entry_id))
    return _edit_page(contest, item, _saved_copy(item), form)


def _essay_item(contest: Contest, entry_id: int):
    """The book's item holding this essay, or 404."""
    item = contents.essay_item(db.session, contest, entry_id)
    if item is None:
        abort(404)
    return item


def _saved_copy(item) -> CopyForm:
    """The copy form holding the book's copy as it is saved."""
    return CopyForm(
        formdata=None,
        title=item.book_title or item.entry.title,
        markdown=item.book_markdown or item.entry.body_markdown,
    )


def _edit_page(contest: Contest, item, copy: CopyForm, pictures_form: PicturesForm | None):
    """The book copy of an essay and, below it, the descriptions of its pictures."""
    pictures = contents.essay_pictures(item)
    if pictures_form is None:
        pictures_form = PicturesForm.for_pictures(pictures)
        if request.method == "POST":  # the copy's form was sent: show the saved descriptions
            pictures_form.process(formdata=None)
    return render_template(
        "anthology/edit.html",
        contest=contest,
        item=item,
        form=copy,
        pictures=pictures,
        pictures_form=pictures_form,
    )


def _cleaned_copy(entry, markdown: str) -> contents.CleanCopy | None:
    """The copy cleaned before the unit of work opens (pandoc must not hold the write lock);
    None, with the reason flashed, when it cannot be read."""
    end_reads(db.session)
    try:
        return contents.clean_copy(file_store(), entry, markdown)
    except (DomainError, IntakeError) as error:
        flash(str(error), "error")
        return None


@bp.route("/<slug>/build", methods=["POST"])
@login_required
def build(slug: str):
    contest = province_contest(slug)
    form = BuildForm()
    if form.validate_on_submit():
        bleed = builds.PRINTER_BLEED_MM if form.bleed.data else 0
        with user_action() as action:  # the build runs as a job once this commits
            builds.start_build(action.session, contest, current_user, bleed_mm=bleed)
    return _back(slug)


@bp.route("/<slug>/builds/<int:build_id>/status")
@login_required
def build_status(slug: str, build_id: int):
    found = _build(province_contest(slug), build_id)
    return jsonify(
        state=found.state, step=found.step_label, percent=found.percent, error=found.error
    )


@bp.route("/<slug>/builds/<int:build_id>/<fmt>")
@login_required
def download(slug: str, build_id: int, fmt: str):
    contest = province_contest(slug)
    path = builds.build_file(file_store(), _build(contest, build_id), contest.slug, fmt)
    if path is None:
        abort(404)
    return send_file(path, as_attachment=True, download_name=f"{contest.slug}.{fmt}")


CERTIFICATE_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


@bp.route("/<slug>/certificates.<any('docx','pdf'):fmt>", endpoint="certificates")
@login_required
def certificates_file(slug: str, fmt: str):
    contest = province_contest(slug)
    with read_action() as action:
        action.value = certificates.certificates_docx(action.session, file_store(), contest)
    if not action.ok:
        return _back(slug)
    return paper_response(action.value, fmt, f"{slug}-giay-chung-nhan") or _back(slug)


def paper_response(data: bytes, fmt: str, name: str, decision: bool = False) -> Response | None:
    """Certificates (or a decision) as a download, printed to PDF if asked (after the unit of
    work); None, with the reason flashed, when printing failed."""
    if fmt == "pdf":
        try:
            data = printing.to_pdf(data, _("quyết định")) if decision else certificates.to_pdf(data)
        except PrintError as error:
            flash(str(error), "error")
            return None
    return attachment(data, CERTIFICATE_TYPES[fmt], f"{name}.{fmt}")


@bp.route("/<slug>/unit/<code>/certificates", methods=["GET", "POST"])
@login_required
def unit_certificates(slug: str, code: str):
    """The unit's own certificates (issue 14), the unit as issuing body: its organiser types
    what the paper carries and downloads DOCX or PDF; nothing is stored."""
    round_ = judging_policy.managed_unit_round(
        db.session, current_user, Contest.from_slug_or_404(slug), code
    )
    if round_ is None:
        abort(404)
    form = UnitCertificateForm()
    if request.method == "GET":
        form.body.data = certificates.default_issuing_body(round_.unit)
        form.code.data = round_.unit.code
        form.day.data = certificates.unit_award_day(db.session, round_, utcnow())
    elif form.validate_on_submit():
        with user_action() as action:
            issuance = certificates.unit_issuance(
                round_,
                form.day.data or utcnow().date(),
                body=form.body.data,
                parent_body=form.parent_body.data,
                code=form.code.data,
                place=form.place.data,
                signer_authority=form.signer_authority.data,
                signer_name=form.signer_name.data,
            )
            if form.decision.data:  # the unit's prize decision, same issuing body
                action.value = papers.prize_decision(
                    action.session,
                    round_.contest,
                    issuance.day,
                    round_=round_,
                    unit_issuance=issuance,
                )
            else:
                action.value = certificates.unit_certificates_docx(
                    action.session, round_, issuance, utcnow()
                )
        if action.ok:
            paper = "quyet-dinh-khen-thuong" if form.decision.data else "giay-chung-nhan"
            response = paper_response(
                action.value, form.format.data, f"{slug}-{code}-{paper}", form.decision.data
            )
            if response is not None:
                return response
    return render_template(
        "anthology/unit_certificates.html",
        contest=round_.contest,
        round=round_,
        form=form,
        winners=units.winners(db.session, round_),
    )
