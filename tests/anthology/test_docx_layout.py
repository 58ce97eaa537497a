"""Issue 27: the DOCX as a book — mirrored margins with a gutter, each part on a recto,
running heads (the book's title on versos, the essay's by STYLEREF on rectos), the author
index an author a paragraph, flush left, with each essay's page, and the list of winners in
columns sized for what they hold. Read from the file and from LibreOffice's layout of it."""

from __future__ import annotations

import io
import re

import docx
import pytest
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from pypdf import PdfReader

from anthology.services import settings
from contest.documents import office
from contest.platform.db import db


@pytest.fixture
def built(default_book):
    with open(default_book["docx"], "rb") as fh:
        data = fh.read()
    return {"document": docx.Document(io.BytesIO(data)), "data": data}


def test_margins_mirror_and_parts_open_on_a_recto(built, finalised):
    document = built["document"]
    assert document.settings.element.find(qn("w:mirrorMargins")) is not None
    assert document.settings.odd_and_even_pages_header_footer
    assert all(section.gutter > 0 for section in document.sections)
    assert all(s.start_type == WD_SECTION.ODD_PAGE for s in document.sections[1:])
    pages = [
        " ".join(page.extract_text().split())
        for page in PdfReader(io.BytesIO(office.to_pdf(built["data"], 180))).pages
    ]
    for opening in ("Phần I.", "Phần II.", "Danh sách tác giả đoạt giải", "Chỉ mục tác giả"):
        index = next(i for i, text in enumerate(pages) if text.startswith(opening))
        assert index % 2 == 0, (opening, index)  # a recto: index 0 is page 1
    title = settings.settings_for(db.session, finalised["contest"]).title
    versos = [text for i, text in enumerate(pages) if i % 2 == 1 and text]
    assert sum(text.startswith(title) for text in versos) >= 3  # the running head


def test_running_heads_name_the_book_and_the_essay(built, finalised):
    document = built["document"]
    title = settings.settings_for(db.session, finalised["contest"]).title
    part = document.sections[1]
    assert part.different_first_page_header_footer
    assert part.even_page_header.paragraphs[0].text == title
    assert 'STYLEREF "Heading 2"' in part.header.paragraphs[0]._p.xml
    last = document.sections[-1]  # the author index: its own title on the recto
    assert last.header.paragraphs[0].text == "Chỉ mục tác giả"
    for section in document.sections[:2]:  # versos keep their folio, roman and arabic
        assert " PAGE " in section.even_page_footer.paragraphs[0]._p.xml


def test_the_author_index_is_flush_left_with_each_essays_page(built, finalised):
    document = built["document"]
    entries = [p for p in document.paragraphs if p.style.name == "Index Entry"]
    assert len(entries) == 4  # the four prize-winning authors, a paragraph each
    bookmarks = {b.get(qn("w:name")) for b in document.element.body.iter(qn("w:bookmarkStart"))}
    for entry in entries:
        assert document.styles["Index Entry"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.LEFT
        assert entry._p.find(f".//{qn('w:br')}") is None  # no line stretched to the margin
        targets = re.findall(r"PAGEREF (\S+) \\h", entry._p.xml)
        assert targets and set(targets) <= bookmarks, (targets, entry.text)
        assert re.search(r", \d+", entry.text), entry.text  # the page LibreOffice laid out


def test_the_winners_table_gives_the_title_its_room(built):
    table = built["document"].tables[0]
    layout = table._tbl.tblPr.find(qn("w:tblLayout"))
    assert layout is not None and layout.get(qn("w:type")) == "fixed"
    widths = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert widths.index(max(widths)) == 2 and widths[2] > 2 * widths[1] > 4 * widths[0] / 2
    section = built["document"].sections[-1]
    block = section.page_width - section.left_margin - section.right_margin - section.gutter
    assert abs(sum(widths) * 635 - block) < 635 * 5  # the text block, gutter left out
