"""Who may do what: one place, used by every view and tested as a matrix."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy.orm import object_session

from contest.models import Entry, ExemplarProfile, Round, User
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
