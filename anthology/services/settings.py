"""The book's settings: front matter and page set-up, the cover, the certificate template.

A contest's book starts empty: the organiser names the book and its publisher before anything
is built (the demo's Sơn La front matter lives in anthology/demo.py)."""

from __future__ import annotations

import os
import uuid

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from anthology import colophon, trim
from anthology.audit import AnthologyAction
from anthology.errors import NotFinalised, SettingsIncomplete
from anthology.models import AnthologySettings
from anthology.render import certificates as certificate_render
from contest.documents import pictures
from contest.models import Contest, User
from contest.platform.audit import record_event
from contest.platform.errors import InvalidInput
from contest.platform.storage import FileStore
from contest.platform.text import nfc

EDITABLE = (
    "title",
    "subtitle",
    "publisher",
    "year",
    "rights",
    "foreword",
    "page_size",
    "margin_mm",
    "issuing_bodies",
    "place",
    "foreword_signer",
    "publishing_director",
    "content_director",
    "editors",
    "designer",
    "proofreader",
    "editorial_board",
    "licence",
    "registration_number",
    "decision_number",
    "isbn",
    "print_run",
    "printer",
    "legal_deposit",
    "certificate_code",
    "certificate_place",
    "certificate_date",
    "certificate_signer",
    "certificate_signer_name",
)
# Left empty, these stay NULL rather than "".
NULLABLE = ("print_run", "certificate_date")
# A cover is printed at most A4 at 300 dpi.
COVER_MAX_SIDE = 3600
REQUIRED = {"title": _l("tên sách"), "publisher": _l("đơn vị xuất bản")}


def require_finalised(contest: Contest) -> None:
    if not contest.is_finalised:
        raise NotFinalised(
            _l("Chưa chốt kết quả: chỉ làm tuyển tập sau khi chấm xong và ghép phách.")
        )


def contest_year(contest: Contest) -> int:
    """The contest's year: from its slug (`…-2019`), else the year it was finalised (or, before
    that, the year it takes entries until)."""
    years = [part for part in contest.slug.split("-") if part.isdigit() and len(part) == 4]
    return int(years[-1]) if years else (contest.finalised_at or contest.closes_at).year


def settings_for(session: Session, contest: Contest) -> AnthologySettings:
    """The saved settings, or neutral empty ones (not saved: nothing is written on a GET)."""
    saved = session.scalar(
        select(AnthologySettings).where(AnthologySettings.contest_id == contest.id)
    )
    if saved is not None:
        return saved
    return AnthologySettings(
        contest_id=contest.id,
        title="",
        subtitle="",
        publisher="",
        year=contest_year(contest),
        rights="",
        foreword="",
        page_size="B5",
        margin_mm=20,
    )


def _missing_labels(settings: AnthologySettings) -> list:
    return [label for key, label in REQUIRED.items() if not (getattr(settings, key) or "")]


def colophon_gaps(settings: AnthologySettings) -> list[str]:
    """The colophon's lines the law asks for that are still empty (a warning: a proof copy
    may be built before the licence is granted)."""
    return colophon.missing_lines({key: getattr(settings, key) for key in EDITABLE})


def missing_fields(settings: AnthologySettings) -> list[str]:
    """The required settings still empty, named in the reader's language."""
    return [str(label) for label in _missing_labels(settings)]


def require_complete(settings: AnthologySettings) -> None:
    """Refuse a book or certificates whose settings lack the book's name or its publisher."""
    missing = _missing_labels(settings)
    if missing:
        # The names of the fields too are rendered in the language of whoever reads it.
        fields = LazyString(lambda: ", ".join(str(label) for label in missing))
        raise SettingsIncomplete(
            _l("Chưa đủ thông tin sách: cần điền %(fields)s trong «Thông tin sách».", fields=fields)
        )


def checked_trim(text: str) -> str:
    """A trim size as `trim` keeps it, or the reason it is refused."""
    try:
        return trim.parse_trim(text)
    except ValueError as error:
        raise InvalidInput(
            _l(
                "Khổ sách «%(size)s» không dùng được: chọn một khổ có sẵn hoặc ghi rộng x cao "
                "theo mm (rộng 100–300, cao 140–420, sách đứng), ví dụ 150x230.",
                size=str(text)[:20],
            )
        ) from error


def save_settings(
    session: Session, contest: Contest, actor: User | None, **values
) -> AnthologySettings:
    """Save the front matter and page set-up (title and publisher are required)."""
    unknown = set(values) - set(EDITABLE)
    assert not unknown, unknown
    for key in REQUIRED:
        if not (values.get(key) or "").strip():
            raise InvalidInput(_l("Cần có tên sách và đơn vị xuất bản."))
    isbn = (values.get("isbn") or "").strip()
    if isbn and not colophon.is_valid_isbn(isbn):
        raise InvalidInput(
            _l("Mã ISBN «%(isbn)s» không đúng (sai số kiểm tra hoặc độ dài).", isbn=isbn)
        )
    if values.get("print_run") is not None and values["print_run"] < 1:
        raise InvalidInput(_l("Số lượng in phải là một số dương."))
    if "page_size" in values:
        values["page_size"] = checked_trim(values["page_size"])
    settings = settings_for(session, contest)
    for key, value in values.items():
        if value is None and key not in NULLABLE:
            value = ""  # a field left out of the form: empty, as the column's default
        setattr(settings, key, nfc(value.strip()) if isinstance(value, str) else value)
    settings.book_uuid = settings.book_uuid or str(uuid.uuid4())
    session.add(settings)
    session.flush()
    record_event(session, actor, settings, AnthologyAction.SETTINGS_SAVED, contest_id=contest.id)
    return settings


def _keep_file(
    session: Session,
    files: FileStore,
    contest: Contest,
    actor: User | None,
    action: AnthologyAction,
    attribute: str,
    name: str,
    data: bytes,
) -> str:
    """Write one version of a book file under a new name (a rollback removes it and leaves the
    version before it in place), point the settings' `attribute` at it, record `action`."""
    stem, extension = os.path.splitext(name)
    relative = os.path.join("anthology", contest.slug, f"{stem}-{uuid.uuid4().hex[:12]}{extension}")
    files.write_file(session, relative, data)
    settings = settings_for(session, contest)
    setattr(settings, attribute, relative)
    session.add(settings)
    session.flush()
    record_event(session, actor, settings, action, contest_id=contest.id, contest=contest.title)
    return relative


def save_cover(
    session: Session, files: FileStore, contest: Contest, actor: User | None, data: bytes
) -> str:
    """The cover, re-encoded as JPEG (which also drops any metadata). Returns its path."""
    try:
        cover = pictures.clean(data, photo=True, max_side=COVER_MAX_SIDE)
    except pictures.NotAPicture as exc:
        raise InvalidInput(_l("Ảnh bìa phải là ảnh JPEG hoặc PNG.")) from exc
    return _keep_file(
        session,
        files,
        contest,
        actor,
        AnthologyAction.COVER_SAVED,
        "cover_path",
        "cover.jpg",
        cover.data,
    )


def save_certificate_template(
    session: Session, files: FileStore, contest: Contest, actor: User | None, data: bytes
) -> str:
    """Replace the certificate template with the organiser's own .docx. Returns its path."""
    certificate_render.check_template(data)
    return _keep_file(
        session,
        files,
        contest,
        actor,
        AnthologyAction.CERTIFICATE_TEMPLATE_SAVED,
        "certificate_template_path",
        "certificate-template.docx",
        data,
    )
