"""Who may do what in a unit round's judging (issue 14): one place, used by views and the CLI
alike, tested as a matrix. The core's rules stay in `contest.policy`, which knows nothing of
judging; these build on them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from contest import policy
from contest.models import Contest, Round, User
from contest.services.queries import find_unit_round
from judging.models import LeakFlag, Stage
from judging.services.panel import juror_round_id
from judging.services.stages import is_finalised


def can_manage_unit_judging(user: User, round_: Round) -> bool:
    """The unit's own organiser (or the province, for a unit) runs that unit's judging:
    switch it on, its jury, rubric, stages, ladder, finalisation."""
    return not round_.is_province and policy.can_manage_round(user, round_)


def managed_unit_round(session: Session, user: User, contest: Contest, code: str) -> Round | None:
    """The round of unit `code` (any case) in `contest`, if `user` runs its judging."""
    round_ = find_unit_round(session, contest, code)
    if round_ is None or not can_manage_unit_judging(user, round_):
        return None
    return round_


def can_settle_flag(user: User, flag: LeakFlag) -> bool:
    """A leak flag is settled by whoever runs its judging: the province, or the unit."""
    if flag.round is None:
        return policy.is_province(user)
    return can_manage_unit_judging(user, flag.round)


def can_view_unit_key(session: Session, user: User, round_: Round) -> bool:
    """The unit's key (code → author) opens to those who manage it, once the unit finalised."""
    return can_manage_unit_judging(user, round_) and is_finalised(
        session, round_.contest, round_.id
    )


def judge_may_reach(session: Session, user: User, stage: Stage) -> bool:
    """A judge works only in their own judging: a unit juror in their unit round's stages,
    a province judge in the province's. Nothing else is reachable to them."""
    return (
        user.is_authenticated and user.is_judge and juror_round_id(session, user) == stage.round_id
    )


def sees_unit_results(user: User) -> bool:
    """Forwarded entries' unit results and prizes are for the province's organisers; judges
    never see them (their copy stays blind and carries no unit score)."""
    return policy.is_province(user)


def can_view_unit_winners(session: Session, user: User, round_: Round) -> bool:
    """A unit's winners are named, once it finalised, to those who run its judging; to
    everyone only once the board has published the province's results — before that a province
    judge could match a winner's title to the code on their copy."""
    if round_.is_province or not is_finalised(session, round_.contest, round_.id):
        return False
    return can_manage_unit_judging(user, round_) or round_.contest.are_results_public
