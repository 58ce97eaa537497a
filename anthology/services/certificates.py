"""Giấy chứng nhận for the prize winners, from the organiser's template or the plain one, as
DOCX or as PDF (LibreOffice prints the DOCX, sandboxed, see contest/office.py)."""

from __future__ import annotations

import os

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from anthology.errors import CertificatePrintError, SettingsIncomplete
from anthology.models import AnthologySettings
from anthology.render import certificates as certificate_render
from anthology.services.contents import winners
from anthology.services.settings import require_complete, require_finalised, settings_for
from contest import office, storage
from contest.models import Contest

# LibreOffice's cold start alone takes seconds on a busy machine; a page takes far less.
PDF_TIMEOUT_SECONDS = 120
# What the organiser must choose before any certificate is issued.
REQUIRED = {
    "certificate_code": _l("ký hiệu số giấy chứng nhận"),
    "certificate_place": _l("địa danh"),
    "certificate_date": _l("ngày ký"),
    "certificate_signer": _l("thẩm quyền và chức vụ người ký"),
    "certificate_signer_name": _l("họ tên người ký"),
}
_PDF_FAILURES = {
    office.OfficeFailure.MISSING: _l(
        "Máy chủ chưa cài LibreOffice nên chưa in được giấy chứng nhận ra PDF. "
        "Hãy tải bản DOCX, hoặc báo quản trị hệ thống."
    ),
    office.OfficeFailure.TIMEOUT: _l("In giấy chứng nhận ra PDF quá thời gian cho phép."),
    office.OfficeFailure.UNREADABLE: _l(
        "LibreOffice không in được giấy chứng nhận ra PDF: hãy kiểm tra lại mẫu giấy chứng nhận."
    ),
}


def _issuance(settings: AnthologySettings) -> certificate_render.Issuance:
    """The issuing body is the last line of the book's «Cơ quan ban hành» (the lines above it
    are the bodies it belongs to), else the publisher."""
    missing = [label for key, label in REQUIRED.items() if not getattr(settings, key)]
    if missing:
        fields = LazyString(lambda: ", ".join(str(label) for label in missing))
        raise SettingsIncomplete(
            _l(
                "Chưa đủ thông tin giấy chứng nhận: cần điền %(fields)s trong «Thông tin sách».",
                fields=fields,
            )
        )
    bodies = [line.strip() for line in settings.issuing_bodies.splitlines() if line.strip()]
    bodies = bodies or [settings.publisher]
    return certificate_render.Issuance(
        parent_body="\n".join(bodies[:-1]),
        body=bodies[-1],
        code=settings.certificate_code,
        place=settings.certificate_place,
        day=settings.certificate_date,
        signer_authority=settings.certificate_signer,
        signer_name=settings.certificate_signer_name,
    )


def certificates_docx(session: Session, contest: Contest) -> bytes:
    """One certificate per prize winner, all in one file, numbered in the order of the prizes."""
    require_finalised(contest)
    settings = settings_for(session, contest)
    require_complete(settings)
    issuance = _issuance(settings)
    if settings.certificate_template_path:
        with open(os.path.join(storage.root(), settings.certificate_template_path), "rb") as fh:
            template = fh.read()
    else:
        template = certificate_render.default_template()
    return certificate_render.render_certificates(
        template,
        [
            certificate_render.Certificate(
                ho_ten=a.entry.author.full_name,
                giai=certificate_render.prize_phrase(a.prize_level.name),
                ten_bai=a.entry.title,
                don_vi=a.entry.author_unit.name,
                cuoc_thi=contest.title,
            )
            for a in winners(session, contest)
        ],
        issuance,
    )


def to_pdf(docx_data: bytes, timeout: int = PDF_TIMEOUT_SECONDS) -> bytes:
    """The certificates printed to PDF by LibreOffice; called after the unit of work, so that
    no transaction stays open while LibreOffice runs."""
    try:
        return office.to_pdf(docx_data, timeout)
    except office.OfficeConversionError as error:
        raise CertificatePrintError(_PDF_FAILURES[error.reason]) from error
