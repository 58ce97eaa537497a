"""The printed cover's download from the book page: back, spine and front on one sheet, its
spine measured on the last good print master and the paper the organiser states."""

from __future__ import annotations

from flask import redirect, request, url_for
from flask_login import login_required

from anthology.errors import BookBuildError
from anthology.forms import CoverForm
from anthology.services import covers
from anthology.views.book import bp, province_contest
from contest.platform.errors import DomainError
from contest.platform.storage import file_store
from contest.platform.web import attachment, flash_form_errors, read_action


@bp.route("/<slug>/print-cover")
@login_required
def print_cover(slug: str):
    contest = province_contest(slug)
    form = CoverForm(request.args, meta={"csrf": False})
    if not form.validate():
        flash_form_errors(form)
    else:
        with read_action(errors=(DomainError, BookBuildError)) as action:
            data, _cover = covers.cover_pdf(
                action.session, file_store(), contest, form.paper_um.data, form.bleed_mm.data
            )
        if action.ok:
            return attachment(data, "application/pdf", f"{contest.slug}-bia.pdf")
    return redirect(url_for("anthology.overview", slug=slug) + "#cover")
