"""Exemplar profiles nominated by units, with their photos.

Services take the session and plain values or model objects, may flush, never commit."""

from __future__ import annotations

import os
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from contest.audit import ContestAction
from contest.documents import pictures
from contest.models import Contest, ExemplarProfile, ProfileState, Round, User
from contest.platform.audit import record_event
from contest.platform.errors import InvalidInput
from contest.platform.storage import FileStore
from contest.platform.text import nfc
from contest.services.entries import Subject, validate_subject


def create_profile(
    session: Session,
    *,
    files: FileStore,
    contest: Contest,
    round_: Round,
    actor: User,
    name: str,
    kind: str,
    category: str,
    address: str = "",
    position: str = "",
    achievements: str = "",
    commendations: str = "",
    photo: tuple[str, bytes] | None = None,
) -> ExemplarProfile:
    """A unit organiser records an exemplar; it waits in the unit's round to be nominated."""
    profile = ExemplarProfile(state=ProfileState.NOMINATED, created_by_id=actor.id)
    # Checked before it joins the contest and the round: a refused profile is in no session.
    _fill(profile, contest, name, kind, category, address, position, achievements, commendations)
    profile.contest, profile.unit, profile.round = contest, round_.unit, round_
    session.add(profile)
    session.flush()
    if photo is not None:
        profile.photo_path = save_profile_photo(session, files, profile.id, photo)
    record_event(
        session,
        actor,
        profile,
        ContestAction.PROFILE_NOMINATED,
        change=("", ProfileState.NOMINATED),
    )
    return profile


def update_profile(
    session: Session,
    profile: ExemplarProfile,
    actor: User,
    *,
    files: FileStore,
    name: str,
    kind: str,
    category: str,
    address: str = "",
    position: str = "",
    achievements: str = "",
    commendations: str = "",
    photo: tuple[str, bytes] | None = None,
) -> None:
    """Correct a profile as the book will print it: the same rules as a new one; a new photo
    replaces the old one (which stays on disk, as history)."""
    _fill(
        profile,
        profile.contest,
        name,
        kind,
        category,
        address,
        position,
        achievements,
        commendations,
    )
    if photo is not None:
        profile.photo_path = save_profile_photo(session, files, profile.id, photo)
    record_event(session, actor, profile, ContestAction.PROFILE_EDITED)
    session.flush()


def _fill(
    profile: ExemplarProfile,
    contest: Contest,
    name: str,
    kind: str,
    category: str,
    address: str,
    position: str,
    achievements: str,
    commendations: str,
) -> None:
    """A profile's fields as typed, checked as an essay's subject is (its kind the category's
    when none was chosen), in NFC."""
    kind = validate_subject(contest, Subject(name, address, kind, category)).kind
    profile.name, profile.kind, profile.category = nfc(name.strip()), kind, category
    profile.address, profile.position = nfc(address.strip()), nfc(position.strip())
    profile.achievements = nfc(achievements.strip())
    profile.commendations = nfc(commendations.strip())


def save_profile_photo(
    session: Session, files: FileStore, profile_id: int, photo: tuple[str, bytes]
) -> str:
    """Keep a profile photo re-encoded as JPEG, which also drops its EXIF block; the file goes
    away if the transaction does not commit."""
    try:
        picture = pictures.clean(photo[1], photo=True)
    except pictures.NotAPicture as exc:
        raise InvalidInput(_l("Ảnh không hợp lệ: chỉ nhận ảnh JPEG hoặc PNG.")) from exc
    relative = os.path.join("profiles", f"{profile_id}-{secrets.token_hex(8)}.jpg")
    files.write_file(session, relative, picture.data)
    return relative
