"""Essays as Vietnamese offices write them: .doc, .rtf, TCVN3 and VNI fonts, text PDFs."""

from __future__ import annotations

import io
import unicodedata

import pytest
from PIL import Image
from pypdf import PdfWriter

from contest.documents import office
from contest.documents.intake import IntakeNotice, extract_upload
from contest.documents.legacy_documents import convert_odt
from contest.documents.legacy_fonts import TCVN3
from contest.platform.errors import IntakeError
from tests.plugins.documents import LEGACY_UNICODE, libreoffice_convert

# Conversions of office files, which no database changes: the SQLite pass only.
pytestmark = pytest.mark.render_once

MAX = 10 * 1024 * 1024


@pytest.fixture
def samples(office_samples) -> dict[str, bytes]:
    return office_samples


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


@pytest.mark.parametrize("kind", ["docx", "doc", "rtf", "odt"])
def test_legacy_runs_come_out_in_unicode_word_for_word(samples, kind):
    essay = extract_upload(f"bai.{kind}", samples[kind], MAX, seconds=60)
    assert paragraphs(essay.text) == LEGACY_UNICODE
    assert IntakeNotice.LEGACY_FONT in essay.notices
    assert (IntakeNotice.OLD_WORD_FORMAT in essay.notices) == (kind in ("doc", "rtf"))
    assert "ꪼꪕ" in essay.markdown  # Tai Viet kept whole


def test_a_unicode_docx_is_left_as_it_is():
    from tests.plugins.documents import docx_bytes

    essay = extract_upload("bai.docx", docx_bytes(["Người tốt việc tốt"]), MAX)
    assert essay.text.strip() == "Người tốt việc tốt" and essay.notices == []


def test_a_text_pdf_gives_its_paragraphs(samples):
    essay = extract_upload("bai.pdf", samples["pdf"], MAX, seconds=60)
    assert paragraphs(essay.text) == LEGACY_UNICODE[1:3]
    assert essay.notices == [IntakeNotice.PDF_TEXT_ONLY]


def test_a_scanned_pdf_is_refused_with_a_way_out(samples):
    with pytest.raises(IntakeError, match="quét"):
        extract_upload("bai.pdf", samples["scan.pdf"], MAX)


def test_a_vni_docx_comes_out_in_unicode(samples):
    essay = extract_upload("bai.docx", samples["vni.docx"], MAX)
    assert paragraphs(essay.text) == [LEGACY_UNICODE[2]] * 2


def test_a_locked_pdf_is_refused(samples):
    writer = PdfWriter(clone_from=io.BytesIO(samples["pdf"]))
    writer.encrypt("mat-khau")
    locked = io.BytesIO()
    writer.write(locked)
    with pytest.raises(IntakeError, match="mật khẩu"):
        extract_upload("bai.pdf", locked.getvalue(), MAX)


def as_windows_1258(text: str) -> bytes:
    """Windows-1258 writes a toned letter as its letter then a combining tone mark."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = b""
    for character in text:
        parts = unicodedata.normalize("NFD", character)
        tone = "".join(p for p in parts if p in tones)
        letter = unicodedata.normalize("NFC", "".join(p for p in parts if p not in tones))
        out += (letter + tone).encode("cp1258")
    return out


def test_a_txt_in_tcvn3_or_windows_1258_bytes_is_read():
    sentence = LEGACY_UNICODE[1]
    tcvn3 = "".join({v: k for k, v in TCVN3.items()}.get(ch, ch) for ch in sentence)
    windows_1258 = as_windows_1258("Tôi tên là Lò Thị Hoa")
    converted = extract_upload("bai.txt", tcvn3.encode("latin-1"), MAX)
    assert converted.text == sentence and converted.notices == [IntakeNotice.LEGACY_FONT]
    assert extract_upload("bai.txt", windows_1258, MAX).text == "Tôi tên là Lò Thị Hoa"


def test_a_txt_in_viqr_is_read_and_plain_ascii_is_left_alone():
    viqr = "Chi. Lo` Thi. Hoa dda~ va^.n ddo^.ng ba` con tro^`ng xoa`i tre^n dda^'t do^'c."
    essay = extract_upload("bai.txt", viqr.encode(), MAX)
    assert essay.text == LEGACY_UNICODE[2] and essay.notices == [IntakeNotice.LEGACY_FONT]
    plain = "Ho Chi Minh city: the report was written in English, not in VIQR."
    assert extract_upload("bai.txt", plain.encode(), MAX).text == plain


def test_a_txt_in_an_unknown_code_page_says_how_to_fix_it():
    with pytest.raises(IntakeError, match="UTF-8"):
        extract_upload("bai.txt", "Привет мир, это текст".encode("cp1251"), MAX)


def test_without_libreoffice_a_doc_gets_a_clear_message(samples, monkeypatch):
    monkeypatch.setattr(office, "libreoffice", lambda: None)
    with pytest.raises(IntakeError, match="LibreOffice"):
        extract_upload("bai.doc", samples["doc"], MAX)


def test_a_conversion_that_hangs_is_stopped(samples, monkeypatch):
    monkeypatch.setattr(office, "libreoffice", lambda: "/bin/sleep")
    monkeypatch.setattr(office, "_conversion_command", lambda program, *rest: [program, "30"])
    with pytest.raises(IntakeError, match="quá thời gian"):
        extract_upload("bai.doc", samples["doc"], MAX, seconds=1)


def test_an_encrypted_doc_is_refused(samples):
    ole_with_nothing_readable = bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 4096
    with pytest.raises(IntakeError, match="mật khẩu"):
        extract_upload("bai.doc", ole_with_nothing_readable, MAX, seconds=60)


def test_odt_without_legacy_fonts_is_returned_untouched(samples):
    unicode_odt = libreoffice_convert(b"Chi Hoa", ".txt", "odt")
    assert convert_odt(unicode_odt).runs == 0


def test_a_picture_linked_to_a_server_file_or_the_network_is_never_pulled_in(tmp_path):
    """The .rtf points at a private picture of the server and at a web address; LibreOffice
    runs sandboxed, so the essay comes out with the words and without either picture."""
    private = tmp_path / "instance" / "storage" / "profiles" / "photo.png"
    private.parent.mkdir(parents=True)
    Image.new("RGB", (8, 8), "red").save(private)
    fields = "".join(
        rf'{{\field{{\*\fldinst INCLUDEPICTURE "{target}" \\d}}{{\fldrslt }}}}'
        for target in (f"file://{private}", str(private), "http://127.0.0.1:9/x.png")
    )
    rtf = (
        r"{\rtf1\ansi{\fonttbl{\f0 Times New Roman;}}\f0 "
        "Nguoi tot viec tot o ban Muong Chien la tam guong sang cho ca ban. "
        + fields
        + r"{\field{\*\fldinst INCLUDETEXT "
        + f'"{tmp_path / "secret.txt"}"'
        + r"}{\fldrslt }}\par}"
    )
    (tmp_path / "secret.txt").write_text("MAT-KHAU-BI-MAT")
    essay = extract_upload("bai.rtf", rtf.encode(), MAX, seconds=60)
    assert "tam guong sang" in essay.text
    assert essay.media == {} and "MAT-KHAU" not in essay.markdown


def test_without_the_sandbox_a_doc_is_not_opened(samples, monkeypatch):
    monkeypatch.setattr(office, "sandbox", lambda: None)
    with pytest.raises(IntakeError, match="LibreOffice"):
        extract_upload("bai.doc", samples["doc"], MAX)


def test_a_crafted_pdf_is_refused_from_its_child_process():
    """A small page of 400,000 text operations with no font: refused, within the time limit."""
    operations = b"BT /F1 1 Tf " + b"(chu ) Tj " * 400_000 + b"ET"
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    from pypdf.generic import DecodedStreamObject, NameObject

    stream = DecodedStreamObject()
    stream.set_data(operations)
    stream = stream.flate_encode()
    writer.pages[0][NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(IntakeError):
        extract_upload("bai.pdf", out.getvalue(), MAX, seconds=3)
