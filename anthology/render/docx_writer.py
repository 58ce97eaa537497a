"""The printed book as DOCX: pandoc writes the content (headings, emphasis, footnotes,
pictures, tables) against a reference document made with python-docx; python-docx then adds
what a printer expects — page set-up, fonts for every script, vi-VN, a pre-filled table of
contents field, page numbers restarting after the front matter, core properties."""

from __future__ import annotations

import copy
import io
import re

import docx
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from anthology import trim
from anthology.render.book import BODY_MARK, TOC_MARK, Book, PageSetup
from anthology.render.docx_package import (
    clean_template_leftovers,
    core_properties,
    drop_unused_styles,
    set_vietnamese,
)
from anthology.render.docx_pages import (
    field_run,
    index_pages,
    mirror_margins,
    page_number,
    recto_parts,
    running_heads,
    size_winners_table,
    text_width,
)
from anthology.render.pandoc import DEFAULT_TIMEOUT_SECONDS, run_pandoc, write_sources
from anthology.trim import GUTTER_MM
from contest.documents import office

FONT = "Times New Roman"  # the Vietnamese administrative standard; covers every script run


def set_fonts(rpr, size_pt: float | None = None) -> None:
    """Times New Roman in every script slot, Vietnamese, and the size when given."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    # Theme fonts would win over the names above (the template's headings use them).
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    set_vietnamese(rpr)
    if size_pt is not None:
        for tag in ("w:sz", "w:szCs"):
            element = rpr.find(qn(tag))
            if element is None:
                element = OxmlElement(tag)
                rpr.append(element)
            element.set(qn("w:val"), str(int(size_pt * 2)))


def _style(
    document,
    name: str,
    size: float,
    *,
    bold=False,
    italic=False,
    center=False,
    page_break=False,
    space_before=0,
    space_after=6,
    indent_first=False,
):
    styles = document.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, 1)
    style.font.name = FONT
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = italic
    style.font.color.rgb = None
    set_fonts(style.element.get_or_add_rPr(), size)
    # The default template's Title has a blue rule under it and Subtitle is letter-spaced.
    for element in style.element.xpath("./w:pPr/w:pBdr | ./w:rPr/w:spacing"):
        element.getparent().remove(element)
    fmt = style.paragraph_format
    fmt.space_before, fmt.space_after = Pt(space_before), Pt(space_after)
    fmt.page_break_before = page_break
    if center:
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if indent_first:
        fmt.first_line_indent = Mm(8)
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    return style


def reference_docx(path: str, page: PageSetup) -> None:
    """The styles and page set-up pandoc writes into."""
    document = docx.Document()
    section = document.sections[0]
    width, height = trim.size_mm(page.size)
    section.page_width, section.page_height = Mm(width), Mm(height)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(page.margin_mm))
    section.gutter = Mm(GUTTER_MM)  # inside, as margins are mirrored (`mirror_margins`)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    set_fonts(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")))
    _style(document, "Normal", 13)
    for name in ("Body Text", "First Paragraph"):
        _style(document, name, 13, indent_first=True, space_after=4)
    _style(document, "Compact", 13, space_after=2)
    _style(document, "Issuing Bodies", 13, bold=True, center=True, space_after=0)
    _style(document, "Title", 24, bold=True, center=True, space_before=120, space_after=18)
    _style(document, "Subtitle", 15, italic=True, center=True, space_after=24)
    _style(document, "Title Page Place", 13, center=True, space_before=200)
    _style(document, "Colophon", 11, space_after=6)
    _style(document, "Signature", 13, center=True, space_before=12)
    _style(document, "Author", 13, center=True)
    _style(document, "Date", 13, center=True)
    _style(document, "Heading 1", 18, bold=True, center=True, page_break=True, space_after=18)
    _style(document, "Heading 2", 15, bold=True, page_break=True, space_before=12)
    _style(document, "Heading 3", 13.5, bold=True, space_before=10)
    _style(document, "Heading 4", 13, bold=True, italic=True)
    # An essay's deeper headings: the template's own are blue sans-serif.
    _style(document, "Heading 5", 13, italic=True)
    _style(document, "Heading 6", 13, italic=True)
    for level in range(1, 7):
        document.styles[f"Heading {level}"].paragraph_format.keep_with_next = True
    # A quotation stands apart from the text around it: indented both sides, in italics.
    quote = _style(document, "Block Text", 12.5, italic=True, space_before=6)
    quote.paragraph_format.left_indent = quote.paragraph_format.right_indent = Mm(10)
    _style(document, "Byline", 12, italic=True, space_after=12)
    # Profile facts ("Loại: …") flush left, never justified; each fact and the "Thành tích:"
    # label stay on the page of what follows them.
    for name in ("Profile Fact", "Profile Label"):
        label = _style(document, name, 13, space_after=2)
        label.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        label.paragraph_format.keep_with_next = True
    # The author index: an author a paragraph, flush left, its later lines hanging.
    entry = _style(document, "Index Entry", 12, space_after=2)
    entry.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    entry.paragraph_format.left_indent, entry.paragraph_format.first_line_indent = Mm(8), Mm(-8)
    _style(document, "Image Caption", 11, italic=True, center=True)
    # Pandoc refers to these without defining them: a picture stays with its caption, and
    # note references are superscript.
    _style(document, "Captioned Figure", 13, center=True).paragraph_format.keep_with_next = True
    reference = document.styles.add_style("Footnote Reference", WD_STYLE_TYPE.CHARACTER)
    reference.font.superscript = True
    _style(document, "Table Caption", 11, italic=True, center=True)
    _style(document, "Footnote Text", 10, space_after=0)
    _style(document, "TOC Heading", 18, bold=True, center=True, page_break=True)
    block = text_width(section)
    for name, size, bold, after in (("TOC 1", 13, True, 2), ("TOC 2", 12, False, 1)):
        toc = _style(document, name, size, bold=bold, space_before=6 if bold else 0)
        toc.paragraph_format.space_after = Pt(after)
        # Page numbers flush right after dot leaders.
        toc.paragraph_format.tab_stops.add_tab_stop(
            block, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
        )
    document.save(path)


def _planned_toc(book: Book) -> list[tuple[str, str, str]]:
    """The parts and essays, without page numbers: the TOC's cached result when no
    LibreOffice can lay the book out (Word refreshes it on opening either way)."""
    entries = [("TOC 1", "Phần I. Những bài viết đoạt giải")]
    entries += [("TOC 2", essay.title) for essay in book.essays]
    entries.append(("TOC 1", "Phần II. Gương điển hình tiên tiến"))
    entries += [("TOC 2", book.category_label(code)) for code, _profiles in book.profile_groups()]
    entries += [("TOC 1", "Danh sách tác giả đoạt giải"), ("TOC 1", "Chỉ mục tác giả")]
    return [(style, text, "") for style, text in entries]


def _laid_out_toc(path: str, timeout: int) -> list[tuple[str, str, str]] | None:
    """The TOC with true page numbers: LibreOffice (sandboxed) refreshes the index of the
    finished file and we read its entries back. Its re-saved file is not kept — it loses
    the sections and brings back custom properties — only the numbers are. None when
    LibreOffice is not installed."""
    if office.libreoffice() is None or office.sandbox() is None:
        return None
    with open(path, "rb") as fh:
        refreshed = docx.Document(io.BytesIO(office.refresh_indexes(fh.read(), timeout)))
    entries = []
    # LibreOffice writes the index inside a content control, out of `document.paragraphs`.
    for element in refreshed.element.body.iter(qn("w:p")):
        paragraph = docx.text.paragraph.Paragraph(element, refreshed.part)
        style = paragraph.style.name if paragraph.style is not None else ""
        level = re.fullmatch(r"(?:Contents|TOC) ?(\d)", style)
        if level and "\t" in paragraph.text:
            text, _tab, number = paragraph.text.rpartition("\t")
            entries.append((f"TOC {level.group(1)}", text.strip(), number.strip()))
    return entries or None


def _fill_toc(document, placeholder, entries: list[tuple[str, str, str]]) -> None:
    """A TOC field whose cached result already lists the entries (with their page numbers
    after a tab when known), marked dirty so Word refreshes it on opening."""
    first = placeholder
    first.text = ""
    first.style = document.styles[entries[0][0]]
    field_run(first, "begin")
    field_run(first, "instr", r' TOC \o "1-2" \h \z \u ')
    field_run(first, "separate")
    _entry_runs(first, entries[0])
    previous = first
    for entry in entries[1:]:
        paragraph = copy.deepcopy(first._p)
        for child in list(paragraph):
            if child.tag != qn("w:pPr"):
                paragraph.remove(child)
        previous._p.addnext(paragraph)
        wrapped = docx.text.paragraph.Paragraph(paragraph, first._parent)
        wrapped.style = document.styles[entry[0]]
        _entry_runs(wrapped, entry)
        previous = wrapped
    field_run(previous, "end")


def _entry_runs(paragraph, entry: tuple[str, str, str]) -> None:
    _style, text, page = entry
    paragraph.add_run(text)
    if page:
        paragraph.add_run().add_tab()
        paragraph.add_run(page)


def _split_front_matter(document, marker) -> None:
    """End the front matter (roman page numbers) at the marker; the body restarts at 1."""
    body_sectpr = document.sections[-1]._sectPr
    front_sectpr = copy.deepcopy(body_sectpr)
    for child in list(front_sectpr):
        if child.tag in (qn("w:headerReference"), qn("w:footerReference")):
            front_sectpr.remove(child)
    marker.text = ""
    marker._p.get_or_add_pPr().append(front_sectpr)
    front, body = document.sections[0], document.sections[-1]
    body.start_type = WD_SECTION.NEW_PAGE
    for section, fmt, start in ((front, "lowerRoman", 1), (body, "decimal", 1)):
        numbering = section._sectPr.find(qn("w:pgNumType"))
        if numbering is None:
            numbering = OxmlElement("w:pgNumType")
            section._sectPr.append(numbering)
        numbering.set(qn("w:fmt"), fmt)
        numbering.set(qn("w:start"), str(start))
    body.footer.is_linked_to_previous = False
    for section in (front, body):
        footer = section.footer
        page_number(footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph())


def _part_sections(document) -> None:
    """No folio on the title page nor on the opening page of each part: every part (and the
    lists after them) is a section of its own whose first page has an empty footer."""
    body_sectpr = document.sections[-1]._sectPr
    headings = [p for p in document.paragraphs if p.style.name == "Heading 1"]
    first_part = next(i for i, p in enumerate(headings) if p.text.startswith("Phần I."))
    for heading in headings[first_part + 1 :]:
        previous = heading._p.getprevious()
        if (
            previous is None
            or previous.tag != qn("w:p")
            or previous.pPr is not None
            and (previous.pPr.find(qn("w:sectPr")) is not None)
        ):
            previous = OxmlElement("w:p")
            heading._p.addprevious(previous)
        previous.get_or_add_pPr().append(copy.deepcopy(body_sectpr))
    # Part I's section (ended by the first copy) restarts at 1; the later ones run on.
    for section in document.sections[2:]:
        numbering = section._sectPr.find(qn("w:pgNumType"))
        if numbering is not None:
            numbering.attrib.pop(qn("w:start"), None)
    for section in document.sections:
        section.different_first_page_header_footer = True
        section.first_page_footer.is_linked_to_previous = False


def _finish_pictures(document) -> None:
    """Pictures fit the page, and each carries its text alternative once: pandoc writes a
    picture's source into its second description — here the whole data: address, a second
    copy of the image that a screen reader could start spelling out."""
    section = document.sections[-1]
    width = text_width(section)
    # A portrait photo at full width would fill a page and push its caption to the next.
    portrait_height = (section.page_height - section.top_margin - section.bottom_margin) // 3
    for shape in document.inline_shapes:
        described = shape._inline.docPr.get("descr", "")
        for inner in shape._inline.xpath(".//pic:cNvPr"):
            inner.set("descr", described)
        ratio = min(1, width / shape.width)
        if shape.height > shape.width:
            ratio = min(ratio, portrait_height / shape.height)
        if ratio < 1:
            shape.width, shape.height = int(shape.width * ratio), int(shape.height * ratio)


def _format_tables(document) -> None:
    """The list of winners as a printed table: full width, single borders, the header row
    repeated on every page and no row split across two pages."""
    for table in document.tables:
        properties = table._tbl.tblPr
        for tag in ("w:tblW", "w:tblBorders"):
            for old in properties.findall(qn(tag)):
                properties.remove(old)
        width = OxmlElement("w:tblW")
        width.set(qn("w:w"), "5000")
        width.set(qn("w:type"), "pct")
        borders = OxmlElement("w:tblBorders")
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            border = OxmlElement(f"w:{side}")
            for attribute, value in (("val", "single"), ("sz", "4"), ("space", "0")):
                border.set(qn(f"w:{attribute}"), value)
            border.set(qn("w:color"), "000000")
            borders.append(border)
        # Schema order: tblStyle, …, tblW, jc, …, tblBorders, shd, tblLayout, tblCellMar, tblLook.
        style = properties.find(qn("w:tblStyle"))
        properties.insert(0 if style is None else properties.index(style) + 1, width)
        later = [properties.find(qn(t)) for t in ("w:shd", "w:tblLayout", "w:tblCellMar")]
        later = [e for e in [*later, properties.find(qn("w:tblLook"))] if e is not None]
        if later:
            later[0].addprevious(borders)
        else:
            properties.append(borders)
        for number, row in enumerate(table.rows):
            row_properties = row._tr.get_or_add_trPr()
            for tag in ("w:cantSplit", "w:tblHeader"):
                for old in row_properties.findall(qn(tag)):
                    row_properties.remove(old)
            row_properties.insert(0, OxmlElement("w:cantSplit"))  # first of what pandoc writes
            if number == 0:
                row_properties.append(OxmlElement("w:tblHeader"))


def _mark_fields_for_update(document) -> None:
    settings = document.settings.element
    update = settings.find(qn("w:updateFields"))
    if update is None:
        update = OxmlElement("w:updateFields")
        settings.append(update)
    update.set(qn("w:val"), "true")


def _insert_cover(document, book: Book) -> None:
    """The cover alone in a first section without header or footer, so that the front
    matter's first page (no folio) is still the title page."""
    if not book.cover:
        return
    first = document.paragraphs[0]
    cover = first.insert_paragraph_before()
    section = document.sections[0]
    cover.add_run().add_picture(
        book.cover, width=section.page_width - section.left_margin - section.right_margin
    )
    cover_sectpr = copy.deepcopy(section._sectPr)
    for child in list(cover_sectpr):
        if child.tag in (qn("w:headerReference"), qn("w:footerReference"), qn("w:pgNumType")):
            cover_sectpr.remove(child)
    cover._p.get_or_add_pPr().append(cover_sectpr)


def _section_titles(document) -> list[str | None]:
    """Each body section's recto head: None in the parts (the essay's title, by STYLEREF),
    else the section's own title."""
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    first_part = next(i for i, text in enumerate(headings) if text.startswith("Phần I."))
    return [None if text.startswith("Phần ") else text for text in headings[first_part:]]


def _essay_pages(book: Book, toc: list[tuple[str, str, str]]) -> dict[str, str]:
    """Each essay's laid-out page, read from the TOC's Part I entries (in the book's order)."""
    start = next((i for i, entry in enumerate(toc) if entry[1].startswith("Phần I.")), 0) + 1
    essays = toc[start : start + len(book.essays)]
    return {
        essay.key: page
        for essay, (_style, text, page) in zip(book.essays, essays, strict=False)
        if text == essay.title
    }


def _finish(book: Book, content: str, out: str, toc: list[tuple[str, str, str]]) -> None:
    """What python-docx adds to pandoc's `content`, written to `out`."""
    document = docx.Document(content)
    paragraphs = {
        p.text.strip(): p for p in document.paragraphs if p.text.strip() in (TOC_MARK, BODY_MARK)
    }
    _fill_toc(document, paragraphs[TOC_MARK], toc)
    _split_front_matter(document, paragraphs[BODY_MARK])
    _part_sections(document)
    recto_parts(document)
    running_heads(document, book, _section_titles(document))
    mirror_margins(document)
    index_pages(document, _essay_pages(book, toc))
    _finish_pictures(document)
    _format_tables(document)
    size_winners_table(document)
    _mark_fields_for_update(document)
    _insert_cover(document, book)
    core_properties(document, book)
    clean_template_leftovers(document)
    drop_unused_styles(document)
    document.save(out)


def write_docx(
    book: Book,
    folder: str,
    out: str,
    page: PageSetup,
    timeout: int = DEFAULT_TIMEOUT_SECONDS,
) -> str:
    """Pandoc writes the content against the reference document, python-docx finishes it."""
    source, meta = write_sources(book, folder, for_docx=True)
    reference, content = f"{folder}/reference.docx", f"{folder}/content.docx"
    reference_docx(reference, page)
    run_pandoc(
        [
            "-f",
            "json",
            "-t",
            "docx",
            "--metadata-file",
            meta,
            f"--reference-doc={reference}",
            "-o",
            content,
            source,
        ],
        cwd=folder,
        timeout=timeout,
    )
    _finish(book, content, out, _planned_toc(book))
    laid_out = _laid_out_toc(out, timeout)
    if laid_out:
        _finish(book, content, out, laid_out)
    return out
