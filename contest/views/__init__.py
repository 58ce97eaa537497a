"""Pages of the contest core, by audience: entrants, unit rounds, the province.

Views stay thin: load, check the policy, validate the form, call one operation inside
`contest.platform.web.user_action` (one unit of work, committed once), redirect or render."""

from __future__ import annotations

from flask import Flask

from contest.categories import SUBJECT_KINDS
from contest.models import ContestPhase, EntryState, ProfileState
from contest.platform.audit import sentence
from contest.platform.listing import list_url
from contest.views import entrants, errors, province, rounds, staff, units
from contest.views.common import bp

__all__ = ["bp", "entrants", "init_app", "province", "rounds", "staff", "units"]


def init_app(app: Flask) -> None:
    """The blueprint, the error pages, and the globals that templates (and the macros they
    import) use."""
    errors.init_app(app)
    app.jinja_env.globals.update(
        SUBJECT_KINDS=SUBJECT_KINDS,
        EntryState=EntryState,
        ProfileState=ProfileState,
        ContestPhase=ContestPhase,
        audit_sentence=sentence,
        list_url=list_url,
    )
    app.register_blueprint(bp)
