"""DOCX page layout details: pictures sized for the page and kept with their captions."""

from __future__ import annotations

import io

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm
from PIL import Image

from anthology.render.docx_writer import _finish_pictures
from anthology.services import builds, contents
from contest.platform.db import db, utcnow
from contest.platform.storage import file_store


def _picture(width: int, height: int) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (20, 120, 60)).save(buffer, "PNG")
    buffer.seek(0)
    return buffer


def test_portrait_capped_at_a_third_of_the_text_block_landscape_at_its_width():
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(176), Mm(250)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(20))
    document.add_picture(_picture(600, 1800), width=Mm(136))
    document.add_picture(_picture(1800, 600), width=Mm(300))
    _finish_pictures(document)
    portrait, landscape = document.inline_shapes
    assert portrait.height <= Mm(210) // 3 + 1 and portrait.height > Mm(60)
    assert abs(portrait.width * 3 - portrait.height) < 10  # proportions kept
    assert landscape.width <= Mm(136) and abs(landscape.width - landscape.height * 3) < 10


@pytest.mark.render_once
def test_picture_kept_with_its_caption(default_book):
    written = default_book
    document = docx.Document(written["docx"])
    paragraphs = document.paragraphs
    figures = [i for i, p in enumerate(paragraphs) if p.style.name == "Captioned Figure"]
    assert figures
    for index in figures:
        assert paragraphs[index]._p.xpath(".//pic:pic")
        assert paragraphs[index + 1].style.name == "Image Caption"
    assert document.styles["Captioned Figure"].paragraph_format.keep_with_next


def test_deeper_headings_and_quotations_have_the_book_s_own_look(finalised, tmp_path):
    """Issue 27: Heading 5 came out blue sans-serif from the template, and quotations looked
    like body text."""
    contest, rich = finalised["contest"], finalised["rich"]
    deeper = "\n\n### Phần ba\n\nChữ.\n\n#### Phần bốn\n\n> Lời ông Pánh.\n"
    copy = contents.clean_copy(file_store(), rich, rich.body_markdown + deeper)
    contents.edit_copy(db.session, contest, rich.id, rich.title, copy, None)
    db.session.commit()
    written = builds.build_book(
        db.session, contest, str(tmp_path), ("docx",), now=utcnow(), files=file_store()
    )
    document = docx.Document(written["docx"])
    used = {p.style.name for p in document.paragraphs}
    assert {"Heading 5", "Heading 6", "Block Text"} <= used
    styles = document.styles
    for name in ("Heading 5", "Heading 6"):
        style = styles[name]
        assert style.font.name == "Times New Roman" and style.font.color.rgb is None
        fonts = style.element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:asciiTheme")) is None
    quote = styles["Block Text"]
    assert quote.font.italic and quote.paragraph_format.left_indent > 0
