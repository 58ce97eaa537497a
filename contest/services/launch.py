"""A contest's launch documents: uploaded by the province, checked to be what they claim
(a PDF, a Word or OpenDocument file), kept whole or not at all, offered to everyone once the
contest is published. A removed one stays on disk and in the log, no longer offered.

Services take the session and plain values, may flush, never commit."""

from __future__ import annotations

import os
import uuid
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from contest.audit import ContestAction
from contest.launch import ContestDocument
from contest.models import Contest, User
from contest.platform.audit import record_event
from contest.platform.config import setting
from contest.platform.errors import InvalidInput
from contest.platform.storage import FileStore
from contest.platform.text import nfc, without_control_characters

# What each kind of file starts with: a file named .pdf that is not one is refused.
SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
}
MIMETYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".doc": "application/msword",
}
MAX_TITLE = 200


def documents(session: Session, contest: Contest) -> list[ContestDocument]:
    return documents_of(session, [contest]).get(contest.id, [])


def documents_of(session: Session, contests: list[Contest]) -> dict[int, list[ContestDocument]]:
    """contest id → its documents on offer, for a whole list of contests in one query."""
    found: dict[int, list[ContestDocument]] = {}
    for document in session.scalars(
        select(ContestDocument)
        .where(
            ContestDocument.contest_id.in_([c.id for c in contests]),
            ContestDocument.removed_at.is_(None),
        )
        .order_by(ContestDocument.id)
    ):
        found.setdefault(document.contest_id, []).append(document)
    return found


def add_document(
    session: Session,
    files: FileStore,
    contest: Contest,
    actor: User | None,
    title: str,
    filename: str,
    data: bytes,
) -> ContestDocument:
    title = nfc(without_control_characters(title).strip())
    if not 0 < len(title) <= MAX_TITLE:
        raise InvalidInput(_l("Cần tên tài liệu, không quá %(n)s ký tự.", n=MAX_TITLE))
    extension = os.path.splitext(filename)[1].lower()
    if extension not in SIGNATURES:
        raise InvalidInput(_l("Chỉ nhận tệp PDF, DOCX, DOC hoặc ODT."))
    if not data.startswith(SIGNATURES[extension]):
        raise InvalidInput(_l("Tệp không đúng là %(kind)s.", kind=extension[1:].upper()))
    if len(data) > setting("MAX_UPLOAD_BYTES"):
        raise InvalidInput(_l("Tệp quá lớn (tối đa 10 MB)."))
    stem = nfc(without_control_characters(os.path.basename(filename)))[:150] or "tai-lieu"
    relative = os.path.join("launch", contest.slug, f"{uuid.uuid4().hex}{extension}")
    files.write_file(session, relative, data)
    document = ContestDocument(contest=contest, title=title, filename=stem, path=relative)
    session.add(document)
    session.flush()
    record_event(session, actor, document, ContestAction.DOCUMENT_ADDED, contest_id=contest.id)
    return document


def remove_document(
    session: Session, document: ContestDocument, actor: User | None, now: datetime
) -> None:
    document.removed_at = now
    record_event(
        session, actor, document, ContestAction.DOCUMENT_REMOVED, contest_id=document.contest_id
    )
    session.flush()


def document_file(files: FileStore, document: ContestDocument) -> tuple[bytes, str] | None:
    """The file's bytes and its type, to send as an attachment; None when the store holds no
    such file (gone from the disk, or a name leading outside the store)."""
    path = files.path(document.path)
    if path is None or not os.path.isfile(path):
        return None
    with open(path, "rb") as file:
        data = file.read()
    return data, MIMETYPES[os.path.splitext(document.path)[1]]
