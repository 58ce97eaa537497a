"""An author's own papers: the certificate of their province prize, once the board published
the results, and of a unit's own prize, once the unit published its results and issued its
certificates (issue 24). On the `anthology` blueprint; the entry's page links to it through the
core's `entry_links` signal (anthology/hooks.py)."""

from __future__ import annotations

from flask import abort, redirect, url_for
from flask_login import current_user, login_required

from anthology.services import certificates
from anthology.views.book import bp, paper_response
from contest import policy
from contest.models import Contest, Entry
from contest.platform.db import db
from contest.platform.storage import file_store
from contest.platform.web import read_action


@bp.route("/<slug>/entries/<int:entry_id>/certificate.<any('docx','pdf'):fmt>")
@login_required
def author_certificate(slug: str, entry_id: int, fmt: str):
    """One winning entry's certificate, numbered as in the province's whole set."""
    contest = Contest.from_slug_or_404(slug)
    entry = db.session.get(Entry, entry_id)
    if entry is None or entry.contest_id != contest.id:
        abort(404)
    if not policy.can_download_certificate(current_user, entry):
        abort(404)
    with read_action() as action:
        action.value = certificates.author_certificate_docx(action.session, file_store(), entry)
    back = redirect(url_for("contest.show_entry", entry_id=entry.id))
    if not action.ok:
        return back
    return paper_response(action.value, fmt, f"{slug}-giay-chung-nhan-{entry.id}") or back


@bp.route("/<slug>/entries/<int:entry_id>/certificates/<code>.<any('docx','pdf'):fmt>")
@login_required
def author_unit_certificate(slug: str, entry_id: int, code: str, fmt: str):
    """The author's certificate of a unit's own prize, on the paper the unit issued."""
    contest = Contest.from_slug_or_404(slug)
    entry = db.session.get(Entry, entry_id)
    if entry is None or entry.contest_id != contest.id or entry.author_id != current_user.id:
        abort(404)
    issued = certificates.unit_certificate_rounds(db.session, entry)
    round_ = next((r for r in issued if r.unit.code.casefold() == code.casefold()), None)
    if round_ is None:
        abort(404)
    with read_action() as action:
        action.value = certificates.author_unit_certificate_docx(action.session, entry, round_)
    back = redirect(url_for("contest.show_entry", entry_id=entry.id))
    if not action.ok:
        return back
    name = f"{slug}-{round_.unit.code}-giay-chung-nhan-{entry.id}"
    return paper_response(action.value, fmt, name) or back
