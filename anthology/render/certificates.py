"""Giấy chứng nhận: one page per prize winner, all in one DOCX, from a template the organiser
can replace. Placeholders: {ho_ten} {giai} {ten_bai} {don_vi} {cuoc_thi} {ngay}."""

from __future__ import annotations

import copy
import io
from dataclasses import dataclass

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph
from flask_babel import lazy_gettext as _l

from contest.errors import InvalidInput


@dataclass
class Certificate:
    ho_ten: str
    giai: str
    ten_bai: str
    don_vi: str
    cuoc_thi: str
    ngay: str


def default_template(publisher: str, place: str = "") -> bytes:
    """A plain A4 landscape certificate issued by `publisher`, dated at `place` when given;
    the organiser may upload their own instead."""
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(297), Mm(210)
    lines = [
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, True),
        ("Độc lập – Tự do – Hạnh phúc", 13, True),
        (publisher.upper(), 13, False),
        ("GIẤY CHỨNG NHẬN", 30, True),
        ("Chứng nhận tác giả: {ho_ten}", 18, True),
        ("Đơn vị: {don_vi}", 14, False),
        ("Đã đạt {giai} với bài viết «{ten_bai}»", 16, False),
        ("tại {cuoc_thi}", 14, False),
        (f"{place}, {{ngay}}" if place else "{ngay}", 13, False),
    ]
    for text, size, bold in lines:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.font.size, run.font.bold, run.font.name = Pt(size), bold, "Times New Roman"
    document.core_properties.author = document.core_properties.last_modified_by = publisher
    document.core_properties.title = "Giấy chứng nhận"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def check_template(data: bytes) -> None:
    """A replacement template must open and name the winner somewhere."""
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several kinds for a bad package
        raise InvalidInput(_l("Mẫu giấy chứng nhận phải là tệp .docx hợp lệ.")) from exc
    if "{ho_ten}" not in "\n".join(p.text for p in document.paragraphs):
        raise InvalidInput(_l("Mẫu giấy chứng nhận cần có chỗ điền {ho_ten}."))


def _fill(paragraph, values: dict[str, str]) -> None:
    """Replace placeholders even when Word split them over several runs."""
    text = paragraph.text
    runs = paragraph.runs
    if "{" not in text or not runs:
        return
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    runs[0].text = text
    for run in runs[1:]:
        run.text = ""


def render_certificates(template: bytes, certificates: list[Certificate], publisher: str) -> bytes:
    """All certificates in one document, one per page, in the template's layout."""
    output = docx.Document(io.BytesIO(template))
    body = output.element.body
    blocks = [el for el in body if el.tag != qn("w:sectPr")]
    for element in blocks:
        body.remove(element)
    section_properties = body[-1]
    for index, certificate in enumerate(certificates):
        values = certificate.__dict__
        for element in blocks:
            filled = copy.deepcopy(element)
            for paragraph in filled.iter(qn("w:p")):
                _fill(Paragraph(paragraph, output.part), values)
            section_properties.addprevious(filled)
        if index < len(certificates) - 1:
            breaker = Paragraph(OxmlElement("w:p"), output.part)
            breaker.add_run().add_break(WD_BREAK.PAGE)
            section_properties.addprevious(breaker._p)
    output.core_properties.author = output.core_properties.last_modified_by = publisher
    output.core_properties.title = "Giấy chứng nhận"
    buffer = io.BytesIO()
    output.save(buffer)
    return buffer.getvalue()
