"""The DOCX laid out as a printed book, after pandoc: mirrored margins with a gutter, each
part opening on a recto, running heads (the book's title on the verso, the essay's on the
recto), the author index with each essay's page, and the list of winners in columns sized
for what they hold."""

from __future__ import annotations

from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from anthology.render.book import PAGE_REF_MARK, Book

# Settings that come before w:mirrorMargins in the schema's order.
_BEFORE_MIRROR = {
    qn(f"w:{tag}")
    for tag in (
        "writeProtection",
        "view",
        "zoom",
        "removePersonalInformation",
        "removeDateAndTime",
        "doNotDisplayPageBoundaries",
        "displayBackgroundShape",
        "printPostScriptOverText",
        "printFractionalCharacterWidth",
        "printFormsData",
        "embedTrueTypeFonts",
        "embedSystemFonts",
        "saveSubsetFonts",
        "saveFormsData",
    )
}
# The list of winners' columns, in shares of the text width: number, prize, title, author,
# unit.
WINNERS_COLUMNS = (0.07, 0.15, 0.38, 0.2, 0.2)
WINNERS_HEADER = ("STT", "Giải", "Tên bài", "Tác giả", "Đơn vị")


def field_run(paragraph, kind: str, text: str = ""):
    """One piece of a field: its "begin" (marked dirty, so Word updates it on opening), its
    "instr"uction, "separate" or "end"."""
    run = paragraph.add_run()
    if kind == "instr":
        element = OxmlElement("w:instrText")
        element.set(qn("xml:space"), "preserve")
        element.text = text
    else:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        if kind == "begin":
            element.set(qn("w:dirty"), "true")
    run._r.append(element)
    return run


def field(paragraph, instruction: str, shown: str = "", before=None) -> None:
    """A whole field (PAGE, STYLEREF, PAGEREF …) showing `shown` until it is updated; at the
    paragraph's end, or just before the run element `before`."""
    start = len(paragraph._p)
    field_run(paragraph, "begin")
    field_run(paragraph, "instr", instruction)
    field_run(paragraph, "separate")
    paragraph.add_run(shown)
    field_run(paragraph, "end")
    if before is not None:
        for element in list(paragraph._p)[start:]:
            before.addprevious(element)


def page_number(paragraph) -> None:
    """A folio: the PAGE field, centred."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field(paragraph, " PAGE ", "1")


def text_width(section) -> int:
    """The text block's width: the page less both margins and the binding's gutter."""
    return section.page_width - section.left_margin - section.right_margin - section.gutter


def mirror_margins(document) -> None:
    """Inside and outside margins, swapped on versos, as a bound book has them."""
    settings = document.settings.element
    if settings.find(qn("w:mirrorMargins")) is not None:
        return
    mirror = OxmlElement("w:mirrorMargins")
    later = [child for child in settings if child.tag not in _BEFORE_MIRROR]
    if later:
        later[0].addprevious(mirror)
    else:
        settings.append(mirror)


def recto_parts(document) -> None:
    """Every section after the front matter (the parts, the list of winners, the index)
    opens on a recto."""
    for section in document.sections[1:]:
        section.start_type = WD_SECTION.ODD_PAGE


def running_heads(document, book: Book, section_titles: list[str]) -> None:
    """The book's title on every verso; on the recto the essay's or profile group's title in
    the parts (the last Heading 2 on the page), the list's own title after them. None on a
    section's opening page."""
    document.settings.odd_and_even_pages_header_footer = True
    for section in document.sections:  # versos keep their folio (each its own, for LibreOffice)
        footer = section.even_page_footer
        footer.is_linked_to_previous = False
        page_number(footer.paragraphs[0])
    for section, title in zip(document.sections[1:], section_titles, strict=False):
        section.different_first_page_header_footer = True
        for header, text, align in (
            (section.even_page_header, book.title, WD_ALIGN_PARAGRAPH.LEFT),
            (section.header, title, WD_ALIGN_PARAGRAPH.RIGHT),
        ):
            header.is_linked_to_previous = False
            paragraph = header.paragraphs[0]
            paragraph.text = ""
            paragraph.alignment = align
            if text is None:
                field(paragraph, ' STYLEREF "Heading 2" ')
            else:
                paragraph.add_run(text)
            for run in paragraph.runs:
                run.italic, run.font.size = True, Pt(10)
        section.first_page_header.is_linked_to_previous = False


def index_pages(document, pages: dict[str, str]) -> None:
    """Each essay's marker in the author index becomes a PAGEREF to its heading's bookmark
    (pandoc names bookmarks after heading ids), showing the laid-out page when known."""
    for paragraph in document.paragraphs:
        for run in list(paragraph.runs):
            if run.text.startswith(PAGE_REF_MARK):
                key = run.text.removeprefix(PAGE_REF_MARK)
                field(paragraph, f" PAGEREF {key} \\h ", pages.get(key, ""), before=run._r)
                run._r.getparent().remove(run._r)


def size_winners_table(document) -> None:
    """Columns in proportion to what they hold, in a fixed layout: the title and names no
    longer wrap a word to a line."""
    width = text_width(document.sections[-1])
    twips = [int(width * share / 635) for share in WINNERS_COLUMNS]  # EMU → twips
    for table in document.tables:
        if [cell.text for cell in table.rows[0].cells] != list(WINNERS_HEADER):
            continue
        properties = table._tbl.tblPr
        layout = properties.find(qn("w:tblLayout"))
        if layout is None:
            layout = OxmlElement("w:tblLayout")
            later = [properties.find(qn(t)) for t in ("w:tblCellMar", "w:tblLook")]
            later = [e for e in later if e is not None]
            (later[0].addprevious if later else properties.append)(layout)
        layout.set(qn("w:type"), "fixed")
        for column, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), twips, strict=False):
            column.set(qn("w:w"), str(width))
        for row in table.rows:
            for cell, width in zip(row.cells, twips, strict=False):
                cell_width = cell._tc.get_or_add_tcPr().get_or_add_tcW()
                cell_width.set(qn("w:w"), str(width))
                cell_width.set(qn("w:type"), "dxa")
                for paragraph in cell.paragraphs:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
                    paragraph.paragraph_format.first_line_indent = 0
                    for run in paragraph.runs:
                        run.font.size = Pt(11)
