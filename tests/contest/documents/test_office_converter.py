"""Intake takes its office converter from its caller (issue 22 §4): the web and the CLI hand
it their job runner's, a test hands it a stand-in, and the document engine reads no app."""

from __future__ import annotations

import pytest

from contest.documents import office
from contest.documents.intake import IntakeNotice, extract_upload
from contest.platform.errors import IntakeError
from tests.plugins.documents import docx_bytes

OLD_WORD = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504  # an OLE header: a .doc's start


def test_an_old_word_file_goes_through_the_converter_it_is_given():
    seen = []

    def convert(data: bytes, extension: str, seconds: int) -> bytes:
        seen.append((data[:8], extension, seconds > 0))
        return docx_bytes(["Chị Lò Thị Hoa giữ rừng đầu nguồn bản Mòng."])

    essay = extract_upload("bai-du-thi.doc", OLD_WORD, 10_000_000, 30, convert)
    assert seen == [(OLD_WORD[:8], ".doc", True)]
    assert "Lò Thị Hoa giữ rừng" in essay.text
    assert IntakeNotice.OLD_WORD_FORMAT in essay.notices


def test_a_converter_with_no_worker_free_gives_the_busy_message():
    def busy(data: bytes, extension: str, seconds: int) -> bytes:
        raise office.OfficeConversionError(office.OfficeFailure.BUSY)

    with pytest.raises(IntakeError, match="Máy chủ đang bận chuyển đổi tệp"):
        extract_upload("bai-du-thi.rtf", b"{\\rtf1 x}", 10_000_000, 30, busy)
