"""The EPUB's page list: where each page of the print master begins, marked in the text
(`doc-pagebreak`) and listed in the navigation (`page-list`), as publishers pair an ebook with
its printed edition. A page is found by its first words — the print master's text inside the
text block, running head and folio left out — looked up in the EPUB's text, in order."""

from __future__ import annotations

import io
import re
import unicodedata

from flask_babel import lazy_gettext as _l
from lxml import etree
from pypdf import PdfReader

from anthology.errors import BookBuildError
from anthology.render.book import PageSetup
from anthology.render.tools import error_tail, run_tool

XHTML = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
OPF_NS = "http://www.idpf.org/2007/opf"
DC_NS = "http://purl.org/dc/elements/1.1/"
MM = 72 / 25.4
# Enough words to find a page's start once: a title may recur, its next words rarely do.
NEEDLE_WORDS = 8
LEADER_DOTS = 5  # a page with this many lone dots is a contents page
PDFTOTEXT = "pdftotext"  # poppler-utils
PDFTOTEXT_TIMEOUT = 300
# The text block's top and bottom are the margin plus this much room for the running head
# and the folio, as anthology/assets/book.typ sets its page.
HEAD_ROOM_MM, FOOT_ROOM_MM = 4, 2
# A page moves on by a few chapters at most (a part title, then an essay); looking further
# would take a title met again in the list of winners for the page that opens the essay.
LOOKAHEAD = 3


def page_starts(pdf: str, page: PageSetup) -> list[tuple[str, list[str]]]:
    """(printed folio, first words) of each page of `pdf` that has words in its text block."""
    labels = PdfReader(pdf).page_labels
    layout = _word_boxes(pdf)
    starts = []
    # Page by page, each dropped once read: a 1,200-page book's boxes held whole take
    # hundreds of megabytes.
    sheets = etree.iterparse(
        io.BytesIO(layout), tag=f"{{{XHTML}}}page", recover=True, huge_tree=True
    )
    for label, (_event, sheet) in zip(labels, sheets, strict=False):
        top, bottom = text_block_pt(page, float(sheet.get("height")))
        # A word's box reaches above its line (the font's full height): its middle says
        # whether it stands inside the text block.
        words = [
            unicodedata.normalize("NFC", word.text or "")
            for word in sheet.iter(f"{{{XHTML}}}word")
            if top <= (float(word.get("yMin")) + float(word.get("yMax"))) / 2 <= bottom
        ]
        sheet.clear()
        words = [w for w in words if w.strip()]
        # The contents' pages (dot leaders) have no place in the EPUB's text.
        if len(words) >= 2 and words.count(".") < LEADER_DOTS:
            starts.append((label, words[:NEEDLE_WORDS]))
    return starts


def text_block_pt(page: PageSetup, height: float) -> tuple[float, float]:
    """Where the text block starts and ends on a sheet `height` points tall, in points from
    its top edge: the running head stands above it, the folio below."""
    top = (page.margin_mm + HEAD_ROOM_MM + page.bleed_mm) * MM
    return top, height - (page.margin_mm + FOOT_ROOM_MM + page.bleed_mm) * MM


def _word_boxes(pdf: str) -> bytes:
    """Every word of `pdf` with its box, page by page (pdftotext's XHTML)."""
    done = run_tool(
        [PDFTOTEXT, "-bbox-layout", "-enc", "UTF-8", pdf, "-"],
        _l("Đọc bản PDF để lập danh sách trang cho bản EPUB (pdftotext) quá %(seconds)s "
           "giây.", seconds=PDFTOTEXT_TIMEOUT),
        PDFTOTEXT_TIMEOUT,
    )  # fmt: skip
    if done.returncode != 0:
        raise BookBuildError(
            _l("pdftotext không đọc được bản PDF để lập danh sách trang cho bản EPUB "
               "(mã lỗi %(code)s): %(message)s", code=done.returncode, message=error_tail(done))
        )  # fmt: skip
    return done.stdout


def add_page_list(members: dict[str, bytes], chapters: list[str], starts, source: str) -> int:
    """Mark each page start found in the chapters (in reading order) and list them in the
    navigation; the print edition (`source`, its identifier) named in the package. Returns
    how many pages were placed."""
    texts = {name: _Chapter(members[name]) for name in chapters}
    placed: list[tuple[str, str]] = []  # (label, chapter)
    at_chapter, at_offset = 0, 0
    for label, words in starts:
        pattern = re.compile(r"\s*".join(re.escape(w) for w in words))
        for index in range(at_chapter, min(at_chapter + LOOKAHEAD, len(chapters))):
            chapter = texts[chapters[index]]
            found = pattern.search(chapter.flat, at_offset if index == at_chapter else 0)
            if found:
                chapter.marks.append((found.start(), label))
                placed.append((label, chapters[index]))
                at_chapter, at_offset = index, found.end()
                break
    for name, chapter in texts.items():
        if chapter.marks:
            members[name] = chapter.marked()
    if placed:
        _list_pages(members, placed)
        _name_source(members, source)
    return len(placed)


class _Chapter:
    """One XHTML file's text as one string, each character traced back to its text node."""

    def __init__(self, data: bytes) -> None:
        self.tree = etree.fromstring(data)
        self.segments: list[tuple[int, etree._Element, str]] = []  # (offset, element, slot)
        parts = []
        offset = 0
        body = self.tree.find(f"{{{XHTML}}}body")
        for element in body.iter():
            for slot in ("text", "tail") if element is not body else ("text",):
                value = getattr(element, slot)
                if isinstance(element.tag, str) and value:
                    self.segments.append((offset, element, slot))
                    parts.append(value)
                    offset += len(value)
        self.flat = "".join(parts)  # the book's text is NFC already, as the print master's
        self.marks: list[tuple[int, str]] = []

    def marked(self) -> bytes:
        """The chapter with a page-break marker before each mark, last first so that the
        offsets before it still hold."""
        for offset, label in sorted(self.marks, reverse=True):
            start, element, slot = max(s for s in self.segments if s[0] <= offset)
            value = getattr(element, slot)
            cut = offset - start
            marker = etree.Element(f"{{{XHTML}}}span", {"id": f"trang-{label}"})
            marker.set(f"{{{EPUB_NS}}}type", "pagebreak")
            marker.set("role", "doc-pagebreak")
            marker.set("aria-label", f"Trang {label}")
            setattr(element, slot, value[:cut])
            marker.tail = value[cut:]
            if slot == "text":
                element.insert(0, marker)
            else:
                element.addnext(marker)
        return etree.tostring(self.tree, xml_declaration=True, encoding="UTF-8")


def _list_pages(members: dict[str, bytes], placed: list[tuple[str, str]]) -> None:
    nav = etree.fromstring(members["EPUB/nav.xhtml"])
    body = nav.find(f"{{{XHTML}}}body")
    page_list = etree.SubElement(body, f"{{{XHTML}}}nav", {"id": "page-list", "hidden": "hidden"})
    page_list.set(f"{{{EPUB_NS}}}type", "page-list")
    etree.SubElement(page_list, f"{{{XHTML}}}h2").text = "Danh sách trang"
    listing = etree.SubElement(page_list, f"{{{XHTML}}}ol")
    for label, chapter in placed:
        item = etree.SubElement(listing, f"{{{XHTML}}}li")
        href = f"{chapter.removeprefix('EPUB/')}#trang-{label}"
        etree.SubElement(item, f"{{{XHTML}}}a", {"href": href}).text = label
    members["EPUB/nav.xhtml"] = etree.tostring(nav, xml_declaration=True, encoding="UTF-8")


def _name_source(members: dict[str, bytes], source: str) -> None:
    """The print edition the page numbers come from, and the page navigation it gives."""
    package = etree.fromstring(members["EPUB/content.opf"])
    metadata = package.find(f"{{{OPF_NS}}}metadata")
    etree.SubElement(metadata, f"{{{DC_NS}}}source").text = source
    for feature in ("pageBreakMarkers", "pageNavigation"):
        meta = etree.SubElement(
            metadata, f"{{{OPF_NS}}}meta", {"property": "schema:accessibilityFeature"}
        )
        meta.text = feature
    members["EPUB/content.opf"] = etree.tostring(package, xml_declaration=True, encoding="UTF-8")
