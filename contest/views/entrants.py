"""Entrants' pages: the home page, their entries, writing, editing, submitting, withdrawing."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from contest import policy
from contest.documents import pictures
from contest.documents.sanitise import essay_markup
from contest.forms import ConfirmForm, EntryForm, ReasonForm, SubmitEntryForm
from contest.launch import ContestDocument
from contest.models import Contest, EntryState, sees_drafts
from contest.platform.db import db, records_reads, utcnow
from contest.platform.errors import DomainError
from contest.platform.storage import file_store, safe_join
from contest.platform.throttle import throttle_uploads
from contest.platform.web import attachment, user_action
from contest.services import deadlines, entries, launch, queries
from contest.views.common import (
    INPUT_ERRORS,
    bp,
    convert_essay,
    create_entry_from_form,
    flash_notices,
    profile_choices,
    subject_of,
    visible_entry,
)


@bp.route("/")
def home():
    contests = queries.contests_newest_first(db.session, sees_drafts(current_user))
    my_round = None
    if current_user.is_authenticated and current_user.is_unit_organiser and contests:
        my_round = queries.find_round(
            db.session, queries.leading_contest(contests), current_user.unit_id
        )
    return render_template(
        "contest/home.html",
        contests=contests,
        my_round=my_round,
        documents=launch.documents_of(db.session, contests),
        own_notices=(
            entries.entrant_notices(db.session, contests, current_user, utcnow())
            if current_user.is_authenticated and current_user.may_enter
            else {}
        ),
        now=utcnow(),
        contacts=queries.organiser_contacts(db.session),
    )


@bp.route("/c/<slug>/documents/<int:document_id>")
def launch_document(slug: str, document_id: int):
    """A launch document, for everyone once the contest is published (as a file to save:
    the browser never opens it in the site's own origin)."""
    contest = Contest.from_slug_or_404(slug)
    document = db.get_or_404(ContestDocument, document_id)
    if document.contest_id != contest.id or document.removed_at is not None:
        abort(404)
    found = launch.document_file(file_store(), document)
    if found is None:
        abort(404)
    data, mimetype = found
    return attachment(data, mimetype, document.filename)


@bp.route("/c/<slug>/entries")
@login_required
def my_entries(slug: str):
    contest = Contest.from_slug_or_404(slug)
    policy.require_entrant()
    own = queries.entries_of_author(db.session, contest, current_user)
    return render_template(
        "contest/my_entries.html",
        contest=contest,
        entries=own,
        refusal=deadlines.intake_refusal(db.session, contest, current_user.unit, utcnow()),
    )


def flash_saved(entry) -> None:
    """Say what happened to the entry: submitted, or kept as a draft."""
    if entry.state == EntryState.SUBMITTED:
        flash(_("Đã nộp bài dự thi «%(title)s».", title=entry.title), "success")
    else:
        flash(_("Đã lưu bản nháp «%(title)s».", title=entry.title), "success")


@bp.route("/c/<slug>/entries/new", methods=["GET", "POST"])
@login_required
@throttle_uploads
def new_entry(slug: str):
    contest = Contest.from_slug_or_404(slug)
    policy.require_entrant()
    try:  # the per-author limit and the dates, before anyone types a whole essay
        entries.check_can_enter(db.session, contest, current_user, utcnow(), by_organiser=False)
    except DomainError as refusal:
        flash(str(refusal), "error")
        return redirect(url_for("contest.my_entries", slug=contest.slug))
    form = EntryForm(contest)
    form.subject_profile_id.choices = profile_choices(contest)
    if form.validate_on_submit() and (essay_input := convert_essay(form, required=True)):
        with user_action(None, INPUT_ERRORS) as action:
            action.value = create_entry_from_form(
                action.session,
                form,
                essay_input,
                contest=contest,
                author=current_user,
                author_unit=current_user.unit,
                submit=form.submit_now.data,
            )
        if action.ok:
            entry, notices = action.value
            flash_saved(entry)
            flash_notices(
                notices, held_as_draft=form.submit_now.data and entry.state == EntryState.DRAFT
            )
            return redirect(url_for("contest.show_entry", entry_id=entry.id))
    return render_template("contest/entry_form.html", contest=contest, form=form, entry=None)


@bp.route("/entries/<int:entry_id>")
@login_required
def show_entry(entry_id: int):
    entry = visible_entry(entry_id)
    body = essay_markup(
        entry.body_html, lambda name: url_for("contest.entry_media", entry_id=entry.id, name=name)
    )
    return render_template(
        "contest/entry.html",
        entry=entry,
        body=body,
        history=queries.entry_history(
            db.session, entry, everything=policy.sees_whole_entry_history(current_user)
        ),
        can_edit=policy.can_edit_entry(current_user, entry),
        refusal=_refusal_for(entry),
        confirm=ConfirmForm(),
        neighbours=queries.neighbour_entries(db.session, entry)
        if policy.can_manage_round(current_user, entry.round)
        else (None, None),
    )


def _refusal_for(entry) -> str | None:
    """Why the entry's round takes no submission (nor change to a submitted essay) now."""
    if entry.state not in (EntryState.DRAFT, EntryState.SUBMITTED):
        return None
    return deadlines.round_intake_refusal(
        entry.round, utcnow(), by_organiser=entry.entered_by_id is not None
    )


@bp.route("/entries/<int:entry_id>/media/<path:name>")
@login_required
def entry_media(entry_id: int, name: str):
    entry = visible_entry(entry_id)
    return pictures.picture_response(safe_join(file_store().entry_media(entry.storage_key), name))


@bp.route("/entries/<int:entry_id>/original")
@login_required
@records_reads
def entry_original(entry_id: int):
    """The file the author sent, as they sent it, for whoever may see the entry; every
    download is in the audit log (recorded and committed before the file is sent)."""
    entry = visible_entry(entry_id)
    with user_action() as action:
        action.value = entries.open_original(action.session, file_store(), current_user, entry)
    if not action.ok or action.value is None:
        abort(404)
    path, name = action.value
    response = send_file(
        path, mimetype="application/octet-stream", as_attachment=True, download_name=name
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/entries/<int:entry_id>/edit", methods=["GET", "POST"])
@login_required
@throttle_uploads
def edit_entry(entry_id: int):
    entry = visible_entry(entry_id)
    policy.require(policy.can_edit_entry(current_user, entry))
    form = EntryForm(entry.contest, obj=entry)
    form.subject_profile_id.choices = profile_choices(entry.contest)
    if request.method == "GET":
        form.subject_profile_id.data = entry.subject_profile_id or 0
        if entry.original_filename is None:  # typed: the editor opens with the saved text
            form.body.data = entry.body_text
    if form.validate_on_submit() and (essay_input := convert_essay(form, required=False)):
        essay, original = essay_input
        with user_action(None, INPUT_ERRORS) as action:
            entries.update_entry(
                action.session,
                entry,
                files=file_store(),
                actor=current_user,
                title=form.title.data,
                subject=subject_of(form),
                essay=essay,
                original=original,
                now=utcnow(),
                submit=form.submit_now.data,
                declarations_accepted=form.declarations.data,
                seen_version=int(form.version.data) if str(form.version.data).isdigit() else None,
            )
            action.value = essay.notices if essay is not None else []
        if action.ok:
            flash_saved(entry)
            flash_notices(
                action.value,
                held_as_draft=form.submit_now.data and entry.state == EntryState.DRAFT,
            )
            return redirect(url_for("contest.show_entry", entry_id=entry.id))
    return render_template(
        "contest/entry_form.html",
        contest=entry.contest,
        form=form,
        entry=entry,
        refusal=_refusal_for(entry),
    )


@bp.route("/entries/<int:entry_id>/submit", methods=["POST"])
@login_required
def submit_entry(entry_id: int):
    entry = visible_entry(entry_id)
    policy.require(policy.can_edit_entry(current_user, entry))
    form = SubmitEntryForm()
    if form.validate_on_submit():
        with user_action(_("Đã nộp bài dự thi.")) as action:
            entries.submit_entry(
                action.session,
                entry,
                current_user,
                utcnow(),
                declarations_accepted=form.declarations.data,
            )
    return redirect(url_for("contest.show_entry", entry_id=entry.id))


@bp.route("/entries/<int:entry_id>/withdraw", methods=["POST"])
@login_required
def withdraw_entry(entry_id: int):
    entry = visible_entry(entry_id)
    policy.require(policy.can_edit_entry(current_user, entry))
    form = ReasonForm()
    if form.validate_on_submit():
        with user_action(_("Đã rút bài.")) as action:
            entries.withdraw_entry(action.session, entry, current_user, form.reason.data)
    else:
        flash(_("Cần ghi rõ lý do."), "error")
    return redirect(url_for("contest.show_entry", entry_id=entry.id))
