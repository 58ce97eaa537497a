"""Issue 27: the interior and the cover are laid out one way (`render.tools.compile_typst`):
the data beside the template, Typst in a process of its own with only the book's fonts, the
declared standard (PDF/A-2b), the printer's boxes, and every failure the build's own error."""

from __future__ import annotations

import os

import pytest
from pypdf import PdfReader

from anthology.errors import BookBuildError
from anthology.render import cover, pdf_writer, tools
from anthology.render.fonts import FAMILIES
from anthology.services import builds
from contest.platform.db import db, utcnow
from contest.platform.storage import file_store

MM = 72 / 25.4
PAGE = """#let d = json("mau.json")
#set text(font: d.fonts, lang: "vi")
#set page(width: 100mm, height: 150mm)
"""


def _compile(tmp_path, body: str, *, timeout: int = 60, bleed_mm: float = 3) -> str:
    template = tmp_path / "mau.typ"
    template.write_text(PAGE + body, encoding="utf-8")
    folder = tmp_path / "work"
    folder.mkdir(exist_ok=True)
    return tools.compile_typst(
        str(template),
        "mau.json",
        {"title": "Gương sáng Mộc Châu", "fonts": FAMILIES},
        str(folder),
        str(tmp_path / "ra.pdf"),
        bleed_mm=bleed_mm,
        timeout=timeout,
        overrun_message="Quá giờ",
        failure=lambda done: f"Hỏng: {tools.error_tail(done)}",
    )


def test_typst_writes_the_standard_the_fonts_and_the_boxes(app, tmp_path):
    out = _compile(tmp_path, "#d.title")
    reader = PdfReader(out)
    sheet = reader.pages[0]
    assert "Gương sáng Mộc Châu" in sheet.extract_text()
    assert abs(float(sheet.trimbox.left) - float(sheet.mediabox.left) - 3 * MM) < 0.01
    assert sheet.bleedbox == sheet.mediabox
    metadata = reader.xmp_metadata.stream.get_data().decode("utf-8")
    assert "<pdfaid:part>2</pdfaid:part>" in metadata
    assert "<pdfaid:conformance>B</pdfaid:conformance>" in metadata
    assert reader.trailer["/Root"]["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    fonts = {
        font["/BaseFont"].split("+")[-1]
        for font in (f.get_object() for f in sheet["/Resources"]["/Font"].values())
    }
    assert fonts == {"NotoSerif-Regular"}, fonts


def test_a_typst_error_is_the_callers_message_and_no_file(app, tmp_path):
    with pytest.raises(BookBuildError) as raised:
        _compile(tmp_path, "#d.khong-co")
    assert str(raised.value).startswith("Hỏng: ") and "khong-co" in str(raised.value)
    assert not (tmp_path / "ra.pdf").exists()


def test_a_layout_past_its_time_is_the_overrun_message(app, tmp_path):
    with pytest.raises(BookBuildError, match="Quá giờ"):
        _compile(tmp_path, "#d.title", timeout=0)


def test_the_cover_says_its_own_typst_error(app, tmp_path, monkeypatch):
    broken = tmp_path / "bia.typ"
    broken.write_text('#let c = json("cover.json")\n#c.khong-co\n', encoding="utf-8")
    monkeypatch.setattr(cover, "TEMPLATE", str(broken))
    sheet = cover.Cover("Sách", "", [], "Sơn La, 2020", "NXB", [], "B5", 120)
    folder = tmp_path / "work"
    folder.mkdir()
    with pytest.raises(BookBuildError, match="Typst báo lỗi khi dàn trang bìa"):
        cover.write_cover(sheet, str(folder), str(tmp_path / "bia.pdf"))
    assert not (tmp_path / "bia.pdf").exists()


def test_the_interior_says_its_own_typst_error(finalised, tmp_path, monkeypatch):
    broken = tmp_path / "sach.typ"
    broken.write_text('#let front = json("front.json")\n#front.khong-co\n', encoding="utf-8")
    monkeypatch.setattr(pdf_writer, "TEMPLATE", str(broken))
    with pytest.raises(BookBuildError) as raised:
        builds.build_book(
            db.session,
            finalised["contest"],
            str(tmp_path / "ra"),
            ("pdf",),
            now=utcnow(),
            files=file_store(),
        )
    message = str(raised.value)
    assert message.startswith("Bản PDF chưa dựng được. Typst báo lỗi khi dàn trang PDF: ")
    assert "khong-co" in message and not os.listdir(tmp_path / "ra")
