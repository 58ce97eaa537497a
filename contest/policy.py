"""Who may do what: one place, used by every view and tested as a matrix."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy.orm import object_session

from contest.models import Entry, ExemplarProfile, Role, Round, User
from contest.services.queries import entry_passed_through


def can_view_entry(user: User, entry: Entry) -> bool:
    """The author; the organiser of a unit the entry is in or passed through; the province."""
    if not user.is_authenticated:
        return False
    if user.is_province_organiser:
        return True
    if user.is_unit_organiser and user.unit is not None:
        return entry_passed_through(object_session(entry), entry, user.unit)
    return entry.author_id == user.id


def can_edit_entry(user: User, entry: Entry) -> bool:
    """Only the author edits, submits or withdraws their own entry."""
    return user.is_authenticated and entry.author_id == user.id


def can_download_certificate(user: User, entry: Entry) -> bool:
    """An entry's own certificate: its author once the board published the results; the
    province's organisers once the contest is finalised (they print the whole set anyway)."""
    if not user.is_authenticated:
        return False
    if user.is_province_organiser:
        return entry.contest.is_finalised
    return entry.author_id == user.id and entry.contest.are_results_public


def sees_whole_entry_history(user: User) -> bool:
    """Judging events on an entry (who judged, recused, decided) are for the province only:
    authors and unit organisers never learn who judges an entry."""
    return user.is_authenticated and user.is_province_organiser


def can_manage_round(user: User, round_: Round) -> bool:
    """A unit organiser runs their own unit's round; the province runs the provincial one."""
    if not user.is_authenticated:
        return False
    if user.is_province_organiser:
        return True
    return user.is_unit_organiser and user.unit_id == round_.unit_id


def can_view_profile(user: User, profile: ExemplarProfile) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_province_organiser:
        return True
    return user.is_unit_organiser and user.unit is not None and profile.unit.is_within(user.unit)


def can_edit_profile(user: User, profile: ExemplarProfile) -> bool:
    """The organiser of the round the profile sits in corrects it (the unit while it waits
    there, the next level once sent up); the province always, as the book prints it."""
    return profile.round is not None and can_manage_round(user, profile.round)


def is_province(user: User) -> bool:
    return user.is_authenticated and user.is_province_organiser


def require(allowed: bool) -> None:
    """404 rather than 403, so a guessed URL does not even confirm that the object exists."""
    if not allowed:
        abort(404)


def require_entrant() -> None:
    """Entrants' own pages; the jury and the board may not enter, so they get a 403."""
    if not current_user.may_enter:
        abort(403)


def may_issue_password(actor: User, user: User) -> bool:
    """Who gives whom a temporary password: never oneself, never an account at or above
    one's own level. The province: anyone but the province's organisers (the operator's
    `flask users set-password` is theirs). A unit organiser: entrants of their unit and the
    units below it, and the organisers of those units below. Judges only the province: a
    unit organiser must not take over an account that reads the province's blind copies."""
    if not actor.is_authenticated or actor.id == user.id:
        return False
    if actor.is_province_organiser:
        return not user.is_province_organiser
    if not actor.is_unit_organiser or actor.unit is None or user.unit is None:
        return False
    if user.role == Role.ENTRANT:
        return user.unit.is_within(actor.unit)
    if user.is_unit_organiser:
        return user.unit_id != actor.unit_id and user.unit.is_within(actor.unit)
    return False
