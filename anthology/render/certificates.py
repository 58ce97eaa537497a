"""Giấy chứng nhận in the administrative form of Decree 30/2020/NĐ-CP: one page per prize
winner, all in one DOCX, from a template the organiser can replace. The issuing body, its
number code, place, date and signer are parameters, so a unit can issue its own.

Placeholders: {co_quan_chu_quan} {co_quan} {so} {dia_danh} {ngay} {ho_ten} {giai} {ten_bai}
{don_vi} {cuoc_thi} {tham_quyen} {nguoi_ky}. A value of several lines keeps its line breaks."""

from __future__ import annotations

import copy
import io
import re
from dataclasses import dataclass
from datetime import date

import docx
from docx.enum.section import WD_ORIENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.text.paragraph import Paragraph
from flask_babel import lazy_gettext as _l

from anthology.render import decree30
from anthology.render.docx_package import set_vietnamese
from anthology.render.docx_writer import set_fonts
from contest.platform.db import utcnow
from contest.platform.errors import InvalidInput

PLACEHOLDERS = (
    "{co_quan_chu_quan}",
    "{co_quan}",
    "{so}",
    "{dia_danh}",
    "{ngay}",
    "{ho_ten}",
    "{giai}",
    "{ten_bai}",
    "{don_vi}",
    "{cuoc_thi}",
    "{tham_quyen}",
    "{nguoi_ky}",
)
TITLE = "Giấy chứng nhận"
# What Word would write for a document it made itself, minus any product name.
_APP_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    b"<Application>G\xc6\xb0\xc6\xa1ng S\xc3\xa1ng</Application></Properties>"
)


@dataclass
class Certificate:
    """One winner's certificate; `giai` is the prize level's name as judging keeps it."""

    ho_ten: str
    giai: str
    ten_bai: str
    don_vi: str
    cuoc_thi: str


@dataclass
class Issuance:
    """What the issuing body prints on every certificate it signs."""

    parent_body: str  # the body it belongs to ("ỦY BAN NHÂN DÂN TỈNH SƠN LA"), may be empty
    body: str  # the issuing body itself ("HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG")
    code: str  # the number's code after "GCN-" ("HĐTĐKT")
    place: str
    day: date
    signer_authority: str  # "TM. HỘI ĐỒNG …\nCHỦ TỊCH"
    signer_name: str


def number(index: int, code: str) -> str:
    """The number after "Số:": at least two digits, then the kind of paper and the body's code."""
    code = code.strip().removeprefix("GCN-")  # an organiser may type the kind of paper too
    return f"{index:02d}/GCN-{code}" if code else f"{index:02d}/GCN"


def default_template() -> bytes:
    """The plain certificate in the Decree 30 form, every field a placeholder; the organiser
    may upload their own instead."""
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(20)
    styles = document.styles.element
    set_fonts(styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")), 14)
    set_fonts(document.styles["Normal"].element.get_or_add_rPr(), 14)

    issuer, nation = decree30.two_columns(document, (100, 147))
    decree30.paragraph(issuer, "{co_quan_chu_quan}", 13)
    decree30.paragraph(issuer, "{co_quan}", 13, bold=True)
    decree30.short_rule(issuer, 32)
    decree30.paragraph(issuer, "Số: {so}", 13, before=6)
    decree30.paragraph(nation, decree30.NATION, 13, bold=True)
    decree30.paragraph(nation, decree30.MOTTO, 14, bold=True, underline=True)
    decree30.paragraph(nation, "{dia_danh}, {ngay}", 14, italic=True, before=6)

    decree30.paragraph(document, "GIẤY CHỨNG NHẬN", 30, bold=True, before=36)
    body = [
        ("Chứng nhận tác giả: {ho_ten}", 18, True),
        ("Đơn vị: {don_vi}", 15, False),
        ("Đã đạt {giai} với bài viết «{ten_bai}»", 16, False),
        ("tại {cuoc_thi}", 15, False),
    ]
    for text, size, bold in body:
        decree30.paragraph(document, text, size, bold=bold, before=12)

    _, signer = decree30.two_columns(document, (130, 117))
    decree30.paragraph(signer, "{tham_quyen}", 14, bold=True, before=18)
    decree30.paragraph(signer, "", 14, after=60)  # signature and seal
    decree30.paragraph(signer, "{nguoi_ky}", 14, bold=True)
    _clean_properties(document, "")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _paragraphs_text(document) -> str:
    return "\n".join(
        Paragraph(p, document.part).text for p in document.element.body.iter(qn("w:p"))
    )


def check_template(data: bytes) -> None:
    """A replacement template must open and name the winner somewhere (tables included)."""
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several kinds for a bad package
        raise InvalidInput(_l("Mẫu giấy chứng nhận phải là tệp .docx hợp lệ.")) from exc
    if "{ho_ten}" not in _paragraphs_text(document):
        raise InvalidInput(_l("Mẫu giấy chứng nhận cần có chỗ điền {ho_ten}."))


def _fill(paragraph: Paragraph, values: dict[str, str]) -> None:
    """Replace placeholders even when Word split them over several runs; a value's line breaks
    become line breaks in the run (python-docx writes "\\n" as <w:br/>)."""
    text = paragraph.text
    runs = paragraph.runs
    if "{" not in text or not runs:
        return
    # One pass: a value that itself holds "{nguoi_ky}" is printed as written, never expanded.
    text = re.sub(r"\{([a-z_]+)\}", lambda m: values.get(m.group(1), m.group(0)), text)
    runs[0].text = text
    for run in runs[1:]:
        run.text = ""


def _vietnamese(document) -> None:
    """vi-VN everywhere a template could have said otherwise: defaults, theme, every run."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None and defaults.find(qn("w:rPrDefault")) is not None:
        rpr_default = defaults.find(qn("w:rPrDefault"))
        if rpr_default.find(qn("w:rPr")) is None:
            rpr_default.append(OxmlElement("w:rPr"))
        set_vietnamese(rpr_default.find(qn("w:rPr")))
    for rpr in document.styles.element.iter(qn("w:rPr")):
        if rpr.find(qn("w:lang")) is not None:
            set_vietnamese(rpr)
    theme_language = document.settings.element.find(qn("w:themeFontLang"))
    if theme_language is not None:
        for attribute in list(theme_language.attrib):
            theme_language.set(attribute, "vi-VN")
    for run in document.element.body.iter(qn("w:r")):
        set_vietnamese(run.get_or_add_rPr())


def _landscape_where_wide(document) -> None:
    """A page wider than high is declared landscape (w:orient), or printers turn it."""
    for section in document.sections:
        if section.page_width and section.page_height and section.page_width > section.page_height:
            section.orientation = WD_ORIENT.LANDSCAPE


def _clean_properties(document, author: str) -> None:
    """Core and app properties of a fresh paper: no template's author, comments, dates or
    thumbnail."""
    props = document.core_properties
    for name in ("subject", "comments", "keywords", "category", "content_status", "identifier"):
        setattr(props, name, "")
    for name in ("version", "description"):
        if hasattr(props, name):
            setattr(props, name, "")
    props.title, props.language = TITLE, "vi-VN"
    props.author = props.last_modified_by = author[:255]  # the property holds no more
    props.revision = 1
    props.created = props.modified = utcnow().replace(microsecond=0)
    printed = props._element.find(qn("cp:lastPrinted"))
    if printed is not None:
        props._element.remove(printed)
    rels = document.part.package.rels
    for rel_id, rel in list(rels.items()):
        if rel.reltype == RT.EXTENDED_PROPERTIES:
            rel.target_part._blob = _APP_XML
        elif rel.reltype == RT.THUMBNAIL:  # the template's picture of some other page
            rels.pop(rel_id)


def _section_end(section_properties) -> Paragraph:
    """A one-point paragraph closing a certificate's section: the next one starts a new page
    without an empty line that could spill onto a page of its own."""
    paragraph = OxmlElement("w:p")
    ppr = paragraph.get_or_add_pPr()
    spacing = OxmlElement("w:spacing")
    for attribute in ("w:before", "w:after", "w:line"):
        spacing.set(qn(attribute), "0" if attribute != "w:line" else "20")
    spacing.set(qn("w:lineRule"), "exact")
    ppr.append(spacing)
    ppr.append(copy.deepcopy(section_properties))
    return paragraph


def render_certificates(
    template: bytes, certificates: list[Certificate], issuance: Issuance, first: int = 1
) -> bytes:
    """All certificates in one document, one section (page) each, in the template's layout,
    numbered in the order given from `first` (one winner's own copy keeps its number in the
    whole set)."""
    output = docx.Document(io.BytesIO(template))
    body = output.element.body
    section_properties = body[-1]
    blocks = [el for el in body if el.tag != qn("w:sectPr")]
    for element in blocks:
        body.remove(element)
    shared = {
        "co_quan_chu_quan": issuance.parent_body.upper(),
        "co_quan": issuance.body.upper(),
        "dia_danh": issuance.place,
        "ngay": decree30.administrative_date(issuance.day),
        "tham_quyen": issuance.signer_authority,
        "nguoi_ky": issuance.signer_name,
    }
    last = first + len(certificates) - 1
    for index, certificate in enumerate(certificates, first):
        values = {
            **shared,
            **certificate.__dict__,
            "giai": decree30.prize_phrase(certificate.giai),
            "so": number(index, issuance.code),
        }
        for element in blocks:
            filled = copy.deepcopy(element)
            for paragraph in filled.iter(qn("w:p")):  # the element itself when a paragraph
                _fill(Paragraph(paragraph, output.part), values)
            section_properties.addprevious(filled)
        if index < last:
            section_properties.addprevious(_section_end(section_properties))
    _landscape_where_wide(output)
    _vietnamese(output)
    _clean_properties(output, issuance.body)
    buffer = io.BytesIO()
    output.save(buffer)
    return buffer.getvalue()
