"""Issue 27: the EPUB's page list maps to the print master's pages, as publishers do: each
page found in the text carries a `doc-pagebreak` marker where the printed page begins, the
navigation lists them, and the package names the print edition."""

from __future__ import annotations

import os
import stat
import subprocess

import pytest
from lxml import etree
from pypdf import PdfReader, PdfWriter

from anthology import trim
from anthology.errors import BookBuildError
from anthology.render import epub_pages, pdf_writer
from anthology.render.book import PageSetup
from anthology.render.checks import epubcheck_messages
from anthology.services import builds
from anthology.services.settings import settings_for
from contest.platform.db import db, utcnow
from contest.platform.storage import file_store
from tests.anthology.test_book import epub_files

XHTML = "{http://www.w3.org/1999/xhtml}"


def _opening(pdf: str, number: int, setup: PageSetup) -> str:
    """The first three words of the text of page `number` (1-based), below its head: the
    running head's line ends above the text block, where the template sets it."""
    boxes = subprocess.run(
        ["pdftotext", "-bbox-layout", "-f", str(number), "-l", str(number), pdf, "-"],
        capture_output=True,
        check=True,
    ).stdout
    sheet = next(etree.fromstring(boxes, etree.XMLParser(recover=True)).iter(f"{XHTML}page"))
    top, _bottom = epub_pages.text_block_pt(setup, float(sheet.get("height")))
    words = [
        word.text
        for line in sheet.iter(f"{XHTML}line")
        if float(line.get("yMax")) > top
        for word in line.iter(f"{XHTML}word")
    ]
    return " ".join(words[:3])


def test_the_epub_lists_the_print_masters_pages_where_they_begin(finalised, default_book):
    contest = finalised["contest"]
    written = default_book
    book = settings_for(db.session, contest)
    setup = PageSetup(book.page_size, trim.scaled_margin(book.page_size, book.margin_mm))
    status, messages = epubcheck_messages(written["epub"])
    assert status == 0 and not [m for m in messages if m["severity"] != "INFO"], messages
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
        assert after == _opening(written["pdf"], labels.index(label) + 1, setup), (label, after)
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
    written = builds.build_book(
        db.session, finalised["contest"], str(tmp_path), ("epub",), now=utcnow(), files=file_store()
    )
    assert 'epub:type="page-list"' not in epub_files(written["epub"])["EPUB/nav.xhtml"]


def test_the_text_block_is_where_the_template_sets_it():
    """B5 with a 20 mm margin: the block starts 24 mm below the top edge, ends 22 mm above
    the foot; a bleed adds its width to both, the sheet being that much larger."""
    with open(pdf_writer.TEMPLATE, encoding="utf-8") as fh:
        template = fh.read()
    for side, room in (("top", epub_pages.HEAD_ROOM_MM), ("bottom", epub_pages.FOOT_ROOM_MM)):
        assert f"{side}: (front.page.margin + {room} + front.page.bleed) * 1mm" in template
    mm = 72 / 25.4
    top, bottom = epub_pages.text_block_pt(PageSetup("B5", 20), 250 * mm)
    assert abs(top - 24 * mm) < 0.01 and abs(bottom - 228 * mm) < 0.01
    top, bottom = epub_pages.text_block_pt(PageSetup("B5", 20, 3), 256 * mm)
    assert abs(top - 27 * mm) < 0.01 and abs(bottom - 231 * mm) < 0.01


def _slow_program(folder) -> str:
    path = os.path.join(folder, "cham.sh")
    with open(path, "w") as fh:
        fh.write("#!/bin/sh\nsleep 5\n")
    os.chmod(path, stat.S_IRWXU)
    return path


@pytest.mark.parametrize("failure", ["missing", "exit", "timeout"])
def test_a_failing_pdftotext_is_said_in_vietnamese(app, failure, monkeypatch, tmp_path):
    """pdftotext absent, refusing the file or too slow: the build's own error, in words the
    organiser reads, never a Python exception's name."""
    pdf = tmp_path / "sach.pdf"
    writer = PdfWriter()
    writer.add_blank_page(499, 709)
    writer.write(pdf)
    program = {
        "missing": str(tmp_path / "khong-co" / "pdftotext"),
        "exit": "false",
        "timeout": _slow_program(tmp_path),
    }[failure]
    monkeypatch.setattr(epub_pages, "PDFTOTEXT", program)
    monkeypatch.setattr(epub_pages, "PDFTOTEXT_TIMEOUT", 1)
    with pytest.raises(BookBuildError) as raised:
        epub_pages.page_starts(str(pdf), PageSetup())
    message = str(raised.value)
    assert "pdftotext" in message and "Error" not in message and "Expired" not in message
    said = {
        "missing": "Máy chủ không chạy được chương trình pdftotext",
        "exit": "pdftotext không đọc được bản PDF để lập danh sách trang cho bản EPUB (mã lỗi 1)",
        "timeout": "Đọc bản PDF để lập danh sách trang cho bản EPUB (pdftotext) quá 1 giây",
    }[failure]
    assert message.startswith(said), message


def test_a_build_says_the_epub_could_not_list_its_pages(finalised, monkeypatch, tmp_path):
    """The print master is sound: the message names the EPUB, which needs the page list."""
    monkeypatch.setattr(epub_pages, "PDFTOTEXT", str(tmp_path / "khong-co" / "pdftotext"))
    with pytest.raises(BookBuildError) as raised:
        builds.build_book(
            db.session,
            finalised["contest"],
            str(tmp_path),
            ("epub", "pdf"),
            now=utcnow(),
            files=file_store(),
        )
    message = str(raised.value)
    assert message.startswith("Bản EPUB chưa dựng được.") and "pdftotext" in message, message
    assert not [name for name in os.listdir(tmp_path) if name.endswith((".pdf", ".epub"))]
