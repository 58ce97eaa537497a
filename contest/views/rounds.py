"""A unit's round: what waits for its decision, ticking within the quota, disqualifying,
sending up, paper entries and exemplar profiles."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from contest import policy
from contest.forms import (
    ConfirmForm,
    MarkForm,
    MarkManyForm,
    PaperEntryForm,
    ProfileForm,
    ReasonForm,
    choices,
)
from contest.models import Entry, ExemplarProfile, Unit
from contest.platform.db import db, utcnow
from contest.platform.listing import MAX_PAGE, ListArgs
from contest.platform.storage import file_store
from contest.platform.web import user_action
from contest.services import accounts, entries, forwarding, profiles, queries
from contest.views.common import (
    INPUT_ERRORS,
    bp,
    convert_essay,
    create_entry_from_form,
    flash_notices,
    managed_round,
    profile_choices,
    visible_profile,
)


@bp.route("/rounds/<int:round_id>")
@login_required
def show_round(round_id: int):
    round_ = managed_round(round_id)
    args = ListArgs(request.args)
    return render_template(
        "contest/round.html",
        round=round_,
        entries=forwarding.pending_entries_page(db.session, round_, args.page()),
        ticked=forwarding.marked_count(db.session, round_),
        profiles=forwarding.pending_profiles(db.session, round_),
        used=forwarding.forwarded_count(db.session, round_),
        used_profiles=forwarding.forwarded_count(db.session, round_, profiles=True),
        forwarded=queries.forwarded_from(db.session, round_),
        decided=queries.decided_page(
            db.session, round_, args.page("dpage"), forwarding.ROUND_PAGE_SIZE
        ),
        children=queries.child_rounds(db.session, round_),
        refused=forwarding.ticking_refused(round_),
        profiles_refused=forwarding.ticking_refused(round_, profiles=True),
        confirm=ConfirmForm(),
    )


@bp.route(
    "/rounds/<int:round_id>/<any(entries,profiles):kind>/<int:item_id>/mark", methods=["POST"]
)
@login_required
def mark_item(round_id: int, kind: str, item_id: int):
    """Tick or untick an entry or a profile for forwarding, within the round's quota."""
    round_ = managed_round(round_id)
    model, mark = (
        (Entry, forwarding.mark_entry)
        if kind == "entries"
        else (ExemplarProfile, forwarding.mark_profile)
    )
    item = db.session.get(model, item_id)
    policy.require(item is not None and item.round_id == round_.id)
    form = MarkForm()
    if form.validate_on_submit():
        with user_action() as action:
            mark(action.session, round_, item, form.marked.data == "1")
    # Back to the row just ticked, on its page, not to the top of a long list.
    anchor = f"entry-{item_id}" if kind == "entries" else f"profile-{item_id}"
    page = min(form.page.data or 1, MAX_PAGE)
    return redirect(
        url_for(
            "contest.show_round",
            round_id=round_.id,
            page=page if page > 1 else None,
            _anchor=anchor,
        )
    )


@bp.route("/rounds/<int:round_id>/entries/mark", methods=["POST"])
@login_required
def mark_entries(round_id: int):
    """Tick or untick at once the entries whose boxes are ticked (all of a page with app.js's
    "all" box), within the quota: all or none."""
    round_ = managed_round(round_id)
    form = MarkManyForm()
    if form.validate_on_submit():
        marked = form.marked.data == "1"
        with user_action() as action:
            n = forwarding.mark_entries(action.session, round_, form.entry_id.data, marked)
        if action.ok:
            done = _("Đã chọn %(n)d bài.", n=n) if marked else _("Đã bỏ chọn %(n)d bài.", n=n)
            flash(done, "success")
    page = min(form.page.data or 1, MAX_PAGE)
    return redirect(
        url_for(
            "contest.show_round",
            round_id=round_.id,
            page=page if page > 1 else None,
            _anchor="pending",
        )
    )


@bp.route("/rounds/<int:round_id>/entries/<int:entry_id>/disqualify", methods=["GET", "POST"])
@login_required
def disqualify_entry(round_id: int, entry_id: int):
    round_ = managed_round(round_id)
    entry = db.session.get(Entry, entry_id)
    policy.require(entry is not None and entry.round_id == round_.id)
    form = ReasonForm()
    if form.validate_on_submit():
        with user_action(_("Đã loại bài và ghi lý do.")) as action:
            entries.disqualify_entry(action.session, entry, current_user, form.reason.data)
        if action.ok:
            return redirect(url_for("contest.show_round", round_id=round_.id))
    return render_template("contest/disqualify.html", round=round_, entry=entry, form=form)


@bp.route("/rounds/<int:round_id>/forward", methods=["POST"])
@login_required
def forward_round(round_id: int):
    round_ = managed_round(round_id)
    if ConfirmForm().validate_on_submit():
        with user_action() as action:
            action.value = forwarding.forward_round(action.session, round_, current_user, utcnow())
        if action.ok:
            flash(
                _(
                    "Đã gửi %(n)d bài và %(p)d hồ sơ lên %(unit)s.",
                    n=len(action.value.forwarded),
                    p=len(action.value.profiles),
                    unit=round_.parent.unit.name,
                ),
                "success",
            )
            return redirect(url_for("contest.show_round", round_id=round_.id))
    # A refusal is shown by the button that was pressed (app.js moves it there).
    return redirect(url_for("contest.show_round", round_id=round_.id, _anchor="forward"))


@bp.route("/rounds/<int:round_id>/paper-entry", methods=["GET", "POST"])
@login_required
def paper_entry(round_id: int):
    """An entry collected on paper or by e-mail, entered for its author by the organiser."""
    round_ = managed_round(round_id)
    form = PaperEntryForm(round_.contest)
    form.subject_profile_id.choices = profile_choices(round_.contest)
    form.author_unit_id.choices = choices(
        (u.id, u.name) for u in queries.units_within(db.session, round_.unit)
    )
    if form.validate_on_submit() and (essay_input := convert_essay(form, required=True)):
        with user_action(_("Đã nhập bài hộ tác giả."), INPUT_ERRORS) as action:
            unit = action.session.get(Unit, form.author_unit_id.data)
            author = accounts.find_or_create_author(
                action.session,
                full_name=form.author_name.data,
                phone=form.author_phone.data,
                email=form.author_email.data,
                unit=unit,
            )
            action.value = create_entry_from_form(
                action.session,
                form,
                essay_input,
                contest=round_.contest,
                author=author,
                author_unit=unit,
                submit=True,
                entered_by=current_user,
            )
        if action.ok:
            entry, notices = action.value
            if notices:
                # Show the organiser the converted text at once, to compare with the paper.
                flash_notices(notices, held_as_draft=False)
                return redirect(url_for("contest.show_entry", entry_id=entry.id))
            return redirect(url_for("contest.show_round", round_id=round_.id))
    return render_template(
        "contest/entry_form.html", contest=round_.contest, form=form, entry=None, round=round_
    )


def _profile_values(form: ProfileForm) -> dict:
    """What the profile form holds, as the services take it."""
    photo = None
    if form.photo.data and form.photo.data.filename:
        photo = (form.photo.data.filename, form.photo.data.read())
    return {
        "name": form.name.data,
        "kind": form.kind.data,
        "category": form.category.data,
        "address": form.address.data or "",
        "position": form.position.data or "",
        "achievements": form.achievements.data or "",
        "commendations": form.commendations.data or "",
        "photo": photo,
    }


@bp.route("/rounds/<int:round_id>/profiles/new", methods=["GET", "POST"])
@login_required
def new_profile(round_id: int):
    round_ = managed_round(round_id)
    form = ProfileForm(round_.contest)
    if form.validate_on_submit():
        with user_action(_("Đã lưu hồ sơ gương điển hình.")) as action:
            profiles.create_profile(
                action.session,
                files=file_store(),
                contest=round_.contest,
                round_=round_,
                actor=current_user,
                **_profile_values(form),
            )
        if action.ok:
            return redirect(url_for("contest.show_round", round_id=round_.id))
    return render_template("contest/profile_form.html", round=round_, form=form, profile=None)


@bp.route("/profiles/<int:profile_id>/edit", methods=["GET", "POST"])
@login_required
def edit_profile(profile_id: int):
    """Correct a profile (a name, an achievement) before the book prints it as typed."""
    profile = visible_profile(profile_id)
    policy.require(policy.can_edit_profile(current_user, profile))
    form = ProfileForm(profile.contest, obj=profile)
    if form.validate_on_submit():
        with user_action(_("Đã lưu hồ sơ gương điển hình.")) as action:
            profiles.update_profile(
                action.session,
                profile,
                current_user,
                files=file_store(),
                **_profile_values(form),
            )
        if action.ok:
            return redirect(url_for("contest.show_profile", profile_id=profile.id))
    return render_template(
        "contest/profile_form.html", round=profile.round, form=form, profile=profile
    )


@bp.route("/profiles/<int:profile_id>")
@login_required
def show_profile(profile_id: int):
    profile = visible_profile(profile_id)
    return render_template(
        "contest/profile.html",
        profile=profile,
        can_edit=policy.can_edit_profile(current_user, profile),
    )


@bp.route("/profiles/<int:profile_id>/photo")
@login_required
def profile_photo(profile_id: int):
    profile = visible_profile(profile_id)
    policy.require(profile.photo_path is not None)
    path = file_store().path(profile.photo_path)
    if path is None:  # a row naming a file outside the store
        abort(404)
    return send_file(path)
