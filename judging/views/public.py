"""What everyone may see: the winners, once the results are published."""

from __future__ import annotations

from flask import abort, render_template

from contest.models import Contest
from contest.platform.db import db
from judging.services import reports
from judging.views.common import bp


@bp.route("/<slug>/winners")
def winners(slug: str):
    contest = Contest.from_slug_or_404(slug)
    if not contest.is_finalised:
        abort(404)
    return render_template(
        "judging/winners.html",
        contest=contest,
        finalised_at=contest.finalised_at,
        awards=[a for a in reports.awards(db.session, contest) if a.prize_level is not None],
    )
