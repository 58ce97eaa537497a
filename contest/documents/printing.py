"""Papers printed to PDF by LibreOffice (the DOCX it is given, sandboxed: see
`office`) — certificates, decisions, letters, a judge's queue — called after the unit of
work so that no transaction stays open while it runs. Its failures become messages naming
the paper."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from contest.documents import office
from contest.platform.errors import PrintError

# LibreOffice's cold start alone takes seconds on a busy machine; a page takes far less.
PDF_TIMEOUT_SECONDS = 120
_FAILURES = {
    office.OfficeFailure.MISSING: _l(
        "Máy chủ chưa cài LibreOffice nên chưa in được %(paper)s ra PDF. "
        "Hãy tải bản DOCX, hoặc báo quản trị hệ thống."
    ),
    office.OfficeFailure.TIMEOUT: _l("In %(paper)s ra PDF quá thời gian cho phép."),
    office.OfficeFailure.UNREADABLE: _l(
        "LibreOffice không in được %(paper)s ra PDF: hãy kiểm tra lại mẫu văn bản."
    ),
}


def to_pdf(docx_data: bytes, paper: LazyString | str, timeout: int = PDF_TIMEOUT_SECONDS) -> bytes:
    """`paper` names what is printed in the message ("giấy chứng nhận", "quyết định")."""
    try:
        return office.to_pdf(docx_data, timeout)
    except office.OfficeConversionError as error:
        raise PrintError(_FAILURES[error.reason] % {"paper": paper}) from error
