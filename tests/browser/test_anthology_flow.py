"""The organiser builds the demo book in Chromium, watches the progress, downloads both files."""

from __future__ import annotations

import zipfile

import docx
from pypdf import PdfReader
from sqlalchemy import select

from anthology import demo as anthology_demo
from contest.models import Contest
from contest.platform.db import db
from contest.platform.storage import file_store
from judging import demo as judging_demo
from tests.browser.steps import log_in


def test_organiser_builds_and_downloads_the_book(live_app, new_page, tmp_path):
    base = live_app.config["LIVE_URL"]
    with live_app.app_context():
        contest = db.session.scalar(select(Contest))
        for step in (
            anthology_demo.demo_stage,  # the book's settings: a new contest's book has none
            judging_demo.setup_jury,
            judging_demo.open_judging,
            judging_demo.score_all,
            judging_demo.award,
        ):
            step(contest, 3, file_store())
            db.session.commit()
        db.session.remove()

    page = new_page()
    log_in(page, base, "btc@sonla.gov.vn")
    page.click("text=Tuyển tập (DOCX, EPUB, PDF) và giấy chứng nhận")
    page.wait_for_load_state()
    assert "Phần I. Những bài viết đoạt giải" in page.content()
    page.click("button:has-text('Dựng sách (DOCX, EPUB và PDF)')")
    page.wait_for_selector("#build-1 >> text=xong", timeout=120_000)
    files = {}
    for fmt in ("DOCX", "EPUB", "PDF"):
        with page.expect_download() as info:
            page.click(f"#build-1 a:text-is('{fmt}')")  # not the build's notes
        path = tmp_path / info.value.suggested_filename
        info.value.save_as(path)
        files[fmt] = path
    assert files["DOCX"].name == "son-la-2019.docx" and files["EPUB"].name == "son-la-2019.epub"
    assert files["PDF"].name == "son-la-2019.pdf"
    assert PdfReader(files["PDF"]).metadata.title.startswith("Tuyển tập bài viết")
    book = docx.Document(files["DOCX"])
    titles = [p.text for p in book.paragraphs if p.style.name == "Title"]
    assert titles[0].startswith("Tuyển tập bài viết về gương điển hình tiên tiến")
    with zipfile.ZipFile(files["EPUB"]) as epub:
        assert epub.read("mimetype") == b"application/epub+zip"
