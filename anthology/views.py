"""The anthology's pages: front matter, contents, builds with progress, downloads."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from anthology import services
from anthology.forms import CopyForm, SettingsForm, UploadForm
from anthology.models import AnthologyBuild
from contest import policy
from contest.db import db
from contest.errors import DomainError
from contest.forms import ConfirmForm, ReasonForm
from contest.models import Contest
from contest.web import contest_or_404, succeeded

bp = Blueprint("anthology", __name__, url_prefix="/anthology")


def _contest(slug: str) -> Contest:
    contest = contest_or_404(slug)
    policy.require(policy.is_province(current_user))
    return contest


@bp.route("/<slug>/")
@login_required
def overview(slug: str):
    contest = _contest(slug)
    settings = services.settings_for(db.session, contest)
    form = SettingsForm(obj=settings)
    contents = services.items(db.session, contest) if contest.is_finalised else []
    all_builds = services.builds(db.session, contest)
    return render_template(
        "anthology/overview.html",
        contest=contest,
        form=form,
        settings=settings,
        essays=[i for i in contents if i.entry_id],
        others=services.other_profiles(db.session, contest) if contest.is_finalised else [],
        profiles=[i for i in contents if i.profile_id],
        builds=all_builds,
        running=next((b for b in all_builds if b.state in ("queued", "running")), None),
        confirm=ConfirmForm(),
        upload=UploadForm(),
        reason_form=ReasonForm(),
    )


@bp.route("/<slug>/settings", methods=["POST"])
@login_required
def save_settings(slug: str):
    contest = _contest(slug)
    form = SettingsForm()
    if form.validate_on_submit():
        values = {
            name: getattr(form, name).data
            for name in (
                "title",
                "subtitle",
                "publisher",
                "year",
                "rights",
                "foreword",
                "page_size",
                "margin_mm",
            )
        }
        succeeded(
            lambda: services.save_settings(db.session, contest, current_user, **values),
            _("Đã lưu thông tin sách."),
        )
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
    return redirect(url_for("anthology.overview", slug=slug))


UPLOADS = {
    "cover": (services.save_cover, _l("Đã lưu ảnh bìa.")),
    "certificate-template": (
        services.save_certificate_template,
        _l("Đã thay mẫu giấy chứng nhận."),
    ),
}


@bp.route("/<slug>/<any('cover','certificate-template'):what>", methods=["POST"])
@login_required
def upload(slug: str, what: str):
    """The cover, or a replacement certificate template."""
    contest = _contest(slug)
    form = UploadForm()
    if form.validate_on_submit() and form.file.data:
        data = form.file.data.read()
        save, message = UPLOADS[what]
        succeeded(lambda: save(db.session, contest, current_user, data), str(message))
    return redirect(url_for("anthology.overview", slug=slug))


@bp.route("/<slug>/items/add", methods=["POST"])
@login_required
def add_profile(slug: str):
    contest = _contest(slug)
    if ConfirmForm().validate_on_submit():
        profile_id = request.form.get("profile_id", type=int) or 0
        succeeded(
            lambda: services.add_profile(db.session, contest, profile_id, current_user),
            _("Đã thêm hồ sơ vào sách."),
        )
    return redirect(url_for("anthology.overview", slug=slug))


@bp.route("/<slug>/items/<any(e,p):kind>/<int:object_id>/move", methods=["POST"])
@login_required
def move(slug: str, kind: str, object_id: int):
    contest = _contest(slug)
    if ConfirmForm().validate_on_submit():
        step = -1 if request.form.get("direction") == "up" else 1
        succeeded(
            lambda: services.move_item(db.session, contest, kind, object_id, step),
            _("Đã đổi thứ tự."),
        )
    return redirect(url_for("anthology.overview", slug=slug) + f"#item-{kind}{object_id}")


@bp.route("/<slug>/items/<any(e,p):kind>/<int:object_id>/include", methods=["POST"])
@login_required
def include(slug: str, kind: str, object_id: int):
    contest = _contest(slug)
    if ConfirmForm().validate_on_submit():
        included = request.form.get("included") == "1"
        succeeded(
            lambda: services.set_included(
                db.session,
                contest,
                kind,
                object_id,
                included,
                request.form.get("reason", ""),
                current_user,
            ),
            _("Đã cập nhật nội dung sách."),
        )
    return redirect(url_for("anthology.overview", slug=slug) + f"#item-{kind}{object_id}")


@bp.route("/<slug>/items/e/<int:entry_id>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str, entry_id: int):
    contest = _contest(slug)
    item = next((i for i in services.items(db.session, contest) if i.entry_id == entry_id), None)
    if item is None:
        abort(404)
    form = CopyForm()
    if request.method == "GET":
        form.title.data = item.book_title or item.entry.title
        form.markdown.data = item.book_markdown or item.entry.body_markdown
    if form.validate_on_submit():
        if succeeded(
            lambda: services.edit_copy(
                db.session, contest, entry_id, form.title.data, form.markdown.data, current_user
            ),
            _("Đã lưu bản in; bài gốc giữ nguyên."),
        ):
            return redirect(url_for("anthology.overview", slug=slug))
    return render_template("anthology/edit.html", contest=contest, item=item, form=form)


@bp.route("/<slug>/build", methods=["POST"])
@login_required
def build(slug: str):
    contest = _contest(slug)
    if ConfirmForm().validate_on_submit():
        try:
            queued = services.start_build(db.session, contest, current_user)
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            if current_app.config.get("ANTHOLOGY_BUILD_INLINE"):
                services.run_build(db.session, queued, db.session.commit)
            else:
                services.run_in_background(current_app._get_current_object(), queued.id)
    return redirect(url_for("anthology.overview", slug=slug))


def _build(contest: Contest, build_id: int) -> AnthologyBuild:
    found = db.session.get(AnthologyBuild, build_id)
    if found is None or found.contest_id != contest.id:
        abort(404)
    return found


@bp.route("/<slug>/builds/<int:build_id>/status")
@login_required
def build_status(slug: str, build_id: int):
    found = _build(_contest(slug), build_id)
    return jsonify(state=found.state, step=found.step, percent=found.percent, error=found.error)


@bp.route("/<slug>/builds/<int:build_id>/<fmt>")
@login_required
def download(slug: str, build_id: int, fmt: str):
    contest = _contest(slug)
    path = services.build_file(_build(contest, build_id), contest.slug, fmt)
    if fmt not in services.FORMATS or path is None:
        abort(404)
    return send_file(path, as_attachment=True, download_name=f"{contest.slug}.{fmt}")


@bp.route("/<slug>/certificates.docx")
@login_required
def certificates(slug: str):
    contest = _contest(slug)
    try:
        body = services.certificates_docx(db.session, contest)
    except DomainError as error:
        flash(str(error), "error")
        return redirect(url_for("anthology.overview", slug=slug))
    return Response(
        body,
        mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        headers={"Content-Disposition": f"attachment; filename={slug}-giay-chung-nhan.docx"},
    )
