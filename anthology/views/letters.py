"""A unit's forwarding letter (công văn): after its round sent its choice up, its organiser
(or the province) writes who issues and signs it and a line for each item sent; the letter is
kept with the round and downloaded as DOCX or PDF. Judges never reach it: it names authors."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from anthology.forms import LetterForm
from anthology.services import certificates, letters
from anthology.views.book import bp
from anthology.views.publishing import PAPER_TYPES
from contest import policy
from contest.documents import printing
from contest.models import Contest, Round
from contest.platform.db import db, utcnow
from contest.platform.errors import PrintError
from contest.platform.web import attachment, flash_form_errors, read_action, user_action


def _round(slug: str, round_id: int) -> Round:
    contest = Contest.from_slug_or_404(slug)
    round_ = db.session.get(Round, round_id)
    if round_ is None or round_.contest_id != contest.id or round_.is_province:
        abort(404)
    policy.require(policy.can_manage_round(current_user, round_))
    return round_


@bp.route("/<slug>/rounds/<int:round_id>/letter", methods=["GET", "POST"])
@login_required
def forwarding_letter(slug: str, round_id: int):
    round_ = _round(slug, round_id)
    items = letters.sent_items(db.session, round_)
    kept = letters.letter_of(db.session, round_)
    form = LetterForm.with_recommendations(items)()
    if request.method == "GET":
        if kept is not None:
            form.process(
                obj=kept,
                data={f"rec_{k}": v for k, v in (kept.recommendations or {}).items()},
            )
        else:
            form.body.data = certificates.default_issuing_body(round_.unit)
            form.code.data = round_.unit.code
            form.day.data = utcnow().date()
    elif form.validate_on_submit():
        with user_action(_("Đã lưu công văn.")) as action:
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
            letters.save_letter(
                action.session, round_, current_user, issuance, form.recommendations(), utcnow()
            )
        if action.ok:
            return redirect(url_for("anthology.forwarding_letter", slug=slug, round_id=round_id))
    else:
        flash_form_errors(form)
    return render_template(
        "anthology/letter.html",
        contest=round_.contest,
        round=round_,
        items=items,
        form=form,
        kept=kept,
    )


@bp.route("/<slug>/rounds/<int:round_id>/letter.<any(docx, pdf):fmt>")
@login_required
def forwarding_letter_file(slug: str, round_id: int, fmt: str):
    round_ = _round(slug, round_id)
    back = redirect(url_for("anthology.forwarding_letter", slug=slug, round_id=round_id))
    with read_action() as action:
        kept = letters.letter_of(action.session, round_)
        action.value = letters.letter_docx(action.session, kept) if kept else None
    if not action.ok or action.value is None:
        return back
    data = action.value
    if fmt == "pdf":
        try:
            data = printing.to_pdf(data, _("công văn"))
        except PrintError as error:
            flash(str(error), "error")
            return back
    name = f"{slug}-{round_.unit.code.lower()}-cong-van.{fmt}"
    return attachment(data, PAPER_TYPES[fmt], name)
