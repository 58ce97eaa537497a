"""What every judging page shares: the blueprint, and loading the organiser's contest."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from contest import policy
from contest.models import Contest
from contest.platform.db import db
from judging.models import Stage
from judging.services.stages import current_stage

bp = Blueprint("judging", __name__, url_prefix="/judging")


def organiser_contest(slug: str) -> Contest:
    """The contest, for a province organiser only."""
    contest = Contest.from_slug_or_404(slug)
    policy.require(policy.is_province(current_user))
    return contest


def stage_or_404(contest: Contest) -> Stage:
    stage = current_stage(db.session, contest)
    if stage is None:
        abort(404)
    return stage
