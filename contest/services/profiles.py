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
from contest.platform import storage
from contest.platform.audit import record_event
from contest.platform.errors import InvalidInput
from contest.platform.text import nfc
from contest.services.entries import Subject, validate_subject


def create_profile(
    session: Session,
    *,
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
    kind = validate_subject(contest, Subject(name, address, kind, category)).kind
    profile = ExemplarProfile(
        contest=contest,
        unit=round_.unit,
        round=round_,
        name=nfc(name.strip()),
        kind=kind,
        category=category,
        address=nfc(address.strip()),
        position=nfc(position.strip()),
        achievements=nfc(achievements.strip()),
        commendations=nfc(commendations.strip()),
        state=ProfileState.NOMINATED,
        created_by_id=actor.id,
    )
    session.add(profile)
    session.flush()
    if photo is not None:
        profile.photo_path = save_profile_photo(session, profile.id, photo)
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
    kind = validate_subject(profile.contest, Subject(name, address, kind, category)).kind
    profile.name, profile.kind, profile.category = nfc(name.strip()), kind, category
    profile.address, profile.position = nfc(address.strip()), nfc(position.strip())
    profile.achievements = nfc(achievements.strip())
    profile.commendations = nfc(commendations.strip())
    if photo is not None:
        profile.photo_path = save_profile_photo(session, profile.id, photo)
    record_event(session, actor, profile, ContestAction.PROFILE_EDITED)
    session.flush()


def save_profile_photo(session: Session, profile_id: int, photo: tuple[str, bytes]) -> str:
    """Keep a profile photo re-encoded as JPEG, which also drops its EXIF block; the file goes
    away if the transaction does not commit."""
    try:
        picture = pictures.clean(photo[1], photo=True)
    except pictures.NotAPicture as exc:
        raise InvalidInput(_l("Ảnh không hợp lệ: chỉ nhận ảnh JPEG hoặc PNG.")) from exc
    relative = os.path.join("profiles", f"{profile_id}-{secrets.token_hex(8)}.jpg")
    storage.write_file(session, relative, picture.data)
    return relative
