"""The administrative-document form of Decree 30/2020/NĐ-CP, in python-docx: the issuing
body and the number top left, the national name and motto top right with the place and date,
centred titles, the signer's block and the recipients ("Nơi nhận"). Certificates, the summary
report and the prize decision are all written with these."""

from __future__ import annotations

import io
from datetime import date

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell

from anthology.render.docx_package import set_vietnamese
from anthology.render.docx_writer import set_fonts

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


def prize_phrase(level_name: str) -> str:
    """ "giải Nhất" from "Giải Nhất" or "Nhất": the word giải in lower case, the rung as named."""
    name = level_name.strip()
    if name[:5].lower() == "giải ":
        name = name[5:].strip()
    return f"giải {name}"


def administrative_date(day: date) -> str:
    """Decree 30's date: a day below 10 and the months 1 and 2 take a leading zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def paragraph(
    container,
    text: str,
    size: float,
    *,
    bold=False,
    italic=False,
    underline=False,
    before: float = 0,
    after: float = 0,
    align=WD_ALIGN_PARAGRAPH.CENTER,
):
    """A line (centred unless told); a table cell's own first (empty) paragraph is used
    before adding one. `before` and `after` are the space around it, in points."""
    paragraphs = container.paragraphs if isinstance(container, _Cell) else []
    fresh = len(paragraphs) == 1 and not paragraphs[0].runs
    line = paragraphs[0] if fresh else container.add_paragraph()
    line.alignment = align
    line.paragraph_format.space_before, line.paragraph_format.space_after = Pt(before), Pt(after)
    run = line.add_run(text)
    run.font.size, run.font.bold, run.font.italic = Pt(size), bold, italic
    run.font.underline = underline
    return line


def short_rule(cell, indent_mm: int) -> None:
    """The short line Decree 30 draws under the issuing body: the top border of a tiny
    paragraph indented from both sides."""
    paragraph = cell.add_paragraph()
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = Mm(indent_mm)
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(2), Pt(0), Pt(4)
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for attribute, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1")):
        top.set(qn(attribute), value)
    top.set(qn("w:color"), "000000")
    borders.append(top)
    ppr = paragraph._p.get_or_add_pPr()
    ppr.insert_element_before(
        borders, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:rPr", "w:sectPr"
    )


def two_columns(document, widths_mm: tuple[int, int]):
    """A borderless table of one row: the form's left and right blocks side by side."""
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, cell, width in zip(table.columns, table.rows[0].cells, widths_mm, strict=True):
        column.width = cell.width = Mm(width)  # LibreOffice reads the grid, Word the cells
    return table.rows[0].cells


def new_document(size_pt: float = 14):
    """An A4 portrait paper with Decree 30's margins (top and bottom 20 mm, left 30 mm, right
    15 mm) in Times New Roman, Vietnamese."""
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    styles = document.styles.element
    set_fonts(styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")), size_pt)
    set_fonts(document.styles["Normal"].element.get_or_add_rPr(), size_pt)
    document.styles["Normal"].paragraph_format.space_after = Pt(6)
    return document


def heading(document, issuance, number: str, subject: str = "") -> None:
    """The two blocks at the top: the bodies and "Số: …" left, the nation, the motto and the
    place and date right. `number` is what follows "Số:" (a clerk fills a blank one in); a
    letter's `subject` ("V/v …") goes under it."""
    issuer, nation = two_columns(document, (72, 93))
    if issuance.parent_body:
        for line in issuance.parent_body.splitlines():
            paragraph(issuer, line.upper(), 12)
    for line in issuance.body.splitlines():
        paragraph(issuer, line.upper(), 12, bold=True)
    short_rule(issuer, 22)
    paragraph(issuer, f"Số: {number}", 13, before=4)
    if subject:
        paragraph(issuer, subject, 12, before=2)
    paragraph(nation, NATION, 12, bold=True)
    paragraph(nation, MOTTO, 13, bold=True, underline=True)
    short_rule(nation, 26)
    place_date = f"{issuance.place}, {administrative_date(issuance.day)}"
    paragraph(nation, place_date, 13, italic=True, before=4)


def title(document, lines: list[str]) -> None:
    """The kind of paper in capitals, then what it is about, centred and bold."""
    paragraph(document, lines[0].upper(), 14, bold=True, before=18)
    for line in lines[1:]:
        paragraph(document, line, 14, bold=True)
    short_rule(document, 60)


def body(document, text: str, *, bold=False, italic=False, indent=True):
    """A justified paragraph of the body, its first line indented as Decree 30 asks."""
    line = paragraph(
        document, text, 14, bold=bold, italic=italic, after=6, align=WD_ALIGN_PARAGRAPH.JUSTIFY
    )
    if indent:
        line.paragraph_format.first_line_indent = Mm(10)
    return line


def closing(document, recipients: list[str], authority: str, signer: str) -> None:
    """«Nơi nhận» left, the signer's block right (authority, room for signature and seal,
    full name)."""
    left, right = two_columns(document, (85, 80))
    head = paragraph(left, "Nơi nhận:", 12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    head.paragraph_format.space_before = Pt(12)
    for index, line in enumerate(recipients):
        end = "." if index == len(recipients) - 1 else ";"
        paragraph(left, f"- {line.rstrip(';.')}{end}", 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    for index, line in enumerate(authority.splitlines()):
        paragraph(right, line.upper(), 13, bold=True, before=0 if index else 12)
    paragraph(right, "", 13, after=60)  # signature and seal
    paragraph(right, signer, 13, bold=True)


def table(document, header: list[str], rows: list[list], widths_mm: list[int], size: float = 12):
    """A ruled table with a bold header row that repeats on every page."""
    found = document.add_table(rows=1, cols=len(header))
    found.style = "Table Grid"
    found.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(found.rows[0].cells, header, strict=True):
        paragraph(cell, text, size, bold=True)
    header_properties = found.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    header_properties.append(repeat)
    for row in rows:
        cells = found.add_row().cells
        for index, (cell, value) in enumerate(zip(cells, row, strict=True)):
            numeric = isinstance(value, int | float)
            align = WD_ALIGN_PARAGRAPH.RIGHT if numeric else WD_ALIGN_PARAGRAPH.LEFT
            text = format_number(value) if numeric else str(value)
            paragraph(cell, text, size, align=WD_ALIGN_PARAGRAPH.CENTER if index == 0 else align)
    found.autofit = False
    for column, width in zip(found.columns, widths_mm, strict=True):
        column.width = Mm(width)  # the grid, which LibreOffice reads
    for row in found.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)  # the cells, which Word reads
    return found


def format_number(value: float) -> str:
    """Vietnamese figures: a dot between thousands, a comma before decimals (1.500.000; 0,82)."""
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    return f"{value:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def to_bytes(document) -> bytes:
    set_vietnamese_everywhere(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def set_vietnamese_everywhere(document) -> None:
    for run in document.element.body.iter(qn("w:r")):
        set_vietnamese(run.get_or_add_rPr())
