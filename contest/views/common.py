"""What the core's pages share: the blueprint, loading an object the user may see, reading an
essay and its subject from the form."""

from __future__ import annotations

import os

from flask import Blueprint, current_app, flash
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import Session
from wtforms import SelectChoice

from contest import policy
from contest.documents import office
from contest.documents.intake import ExtractedEssay, IntakeNotice, extract_typed, extract_upload
from contest.forms import EntryForm, choices
from contest.models import Contest, Entry, ExemplarProfile, Round, Unit, User
from contest.platform.db import db, utcnow
from contest.platform.errors import DomainError, IntakeError
from contest.platform.jobs import app_runner
from contest.platform.storage import file_store
from contest.platform.uow import end_reads
from contest.services import entries, queries
from contest.services.entries import Subject

bp = Blueprint("contest", __name__)
# What an entry form may be refused for: a rule of the contest, or a file that cannot be read.
INPUT_ERRORS = (DomainError, IntakeError)


def visible_entry(entry_id: int) -> Entry:
    entry = db.session.get(Entry, entry_id)
    policy.require(entry is not None and policy.can_view_entry(current_user, entry))
    return entry


def managed_round(round_id: int) -> Round:
    round_ = db.session.get(Round, round_id)
    policy.require(round_ is not None and policy.can_manage_round(current_user, round_))
    return round_


def visible_profile(profile_id: int) -> ExemplarProfile:
    profile = db.session.get(ExemplarProfile, profile_id)
    policy.require(profile is not None and policy.can_view_profile(current_user, profile))
    return profile


def profile_choices(contest: Contest) -> list[SelectChoice]:
    """The profiles an essay may be about, or none."""
    return choices(
        [(0, _("— Không chọn —"))]
        + [
            (p.id, f"{p.name} ({p.unit.name})")
            for p in queries.profiles_of_contest(db.session, contest)
        ]
    )


def read_essay(
    form: EntryForm, *, required: bool
) -> tuple[ExtractedEssay | None, tuple[str, bytes] | None]:
    """The essay from the upload if there is one, else from the text box."""
    upload = form.file.data
    if upload and upload.filename:
        data = upload.read()
        essay = extract_upload(
            upload.filename,
            data,
            current_app.config["MAX_UPLOAD_BYTES"],
            current_app.config["INTAKE_SECONDS"],
            office.converter_through(app_runner()),
        )
        return essay, (os.path.basename(upload.filename), data)
    if form.body.data and form.body.data.strip():
        return extract_typed(form.body.data), None
    if required:
        raise IntakeError(_("Bài viết trống: hãy gõ nội dung hoặc tải tệp lên."))
    return None, None


EssayInput = tuple[ExtractedEssay | None, tuple[str, bytes] | None]


def convert_essay(form: EntryForm, *, required: bool) -> EssayInput | None:
    """The essay read from the form before the unit of work opens: a conversion may take
    seconds and must not hold the database's write lock, so the request's reads end here.
    None when it cannot be read, its Vietnamese message flashed."""
    end_reads(db.session)
    try:
        return read_essay(form, required=required)
    except IntakeError as error:
        flash(str(error), "error")
        return None


def create_entry_from_form(
    session: Session,
    form: EntryForm,
    essay_input: EssayInput,
    *,
    contest: Contest,
    author: User,
    author_unit: Unit | None,
    submit: bool,
    entered_by: User | None = None,
) -> tuple[Entry, list[IntakeNotice]]:
    """The one operation behind both entry forms (the entrant's and the paper entry): the
    form's values handed to `entries.create_entry`, which holds the rules (an essay that
    intake had to convert waits as a draft for its author, see `held_for_checking`)."""
    essay, original = essay_input
    entry = entries.create_entry(
        session,
        files=file_store(),
        contest=contest,
        author=author,
        author_unit=author_unit,
        title=form.title.data,
        subject=subject_of(form),
        essay=essay,
        original=original,
        declarations_accepted=form.declarations.data,
        now=utcnow(),
        submit=submit,
        entered_by=entered_by,
    )
    return entry, essay.notices


def flash_notices(notices: list[IntakeNotice], *, held_as_draft: bool) -> None:
    """Say what intake changed; and that the entry waits as a draft for the author to check."""
    for notice in notices:
        flash(notice.message, "warning")
    if held_as_draft:
        flash(_("Bài đang ở dạng nháp: hãy đọc lại nội dung rồi bấm «Nộp bài»."), "warning")


def subject_of(form: EntryForm) -> Subject:
    """A chosen exemplar profile, else the subject described on the form."""
    profile_id = form.subject_profile_id.data
    if profile_id:
        profile = db.session.get(ExemplarProfile, profile_id)
        if profile is not None:
            return Subject.of_profile(profile)
    return Subject(
        form.subject_name.data or "",
        form.subject_address.data or "",
        form.subject_kind.data,
        form.subject_category.data,
    )
