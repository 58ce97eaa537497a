"""A book builds whatever the winners wrote: plain web and mail links render (live in DOCX and
EPUB, as text with the address in the print master), a link to a bookmark the essay does not
have is dropped with a note to the organiser, and a failing step names the essay."""

from __future__ import annotations

import zipfile

import pytest
from pypdf import PdfReader

from anthology.render.book import Book, BookEssay
from anthology.render.checks import essay_at
from anthology.render.pdf_writer import failing_essay
from anthology.services import builds
from contest.platform.db import db, utcnow
from contest.platform.storage import file_store

LINKED = (
    "Xem [trang của xã](https://chiengson.gov.vn/gioi-thieu), <https://sonla.gov.vn> và "
    "viết [thư cho ban biên tập](mailto:bientap@sonla.gov.vn). "
    "Như đã kể [ở phần trên](#khong-co-muc-nay), ông vẫn giữ rừng.\n"
)


@pytest.mark.render_once
def test_a_winner_s_links_and_a_broken_bookmark_build_in_every_format(finalised, tmp_path):
    rich = finalised["rich"]
    rich.body_markdown = rich.body_markdown.rstrip() + "\n\n" + LINKED
    db.session.commit()
    notes: list[str] = []
    written = builds.build_book(
        db.session,
        finalised["contest"],
        str(tmp_path),
        ("docx", "epub", "pdf"),
        notes,
        now=utcnow(),
        files=file_store(),
    )
    # The organiser is told, once, which essay lost a jump (beside the pictures printed
    # below 300 ppi and the EPUB's page list, which the build reports too).
    assert [n for n in notes if "ppi" not in n and not n.startswith("EPUB:")] == [
        "Bài «Người giữ rừng bản Mòng»: bỏ liên kết tới mục không có trong bài (giữ lại chữ)."
    ]
    with zipfile.ZipFile(written["docx"]) as archive:
        document = archive.read("word/document.xml").decode()
        relations = archive.read("word/_rels/document.xml.rels").decode()
    assert "https://chiengson.gov.vn/gioi-thieu" in relations and "mailto:bientap" in relations
    assert "trang của xã" in document and "khong-co-muc-nay" not in document + relations
    with zipfile.ZipFile(written["epub"]) as archive:
        chapters = "".join(
            archive.read(n).decode() for n in archive.namelist() if n.endswith(".xhtml")
        )
    assert 'href="https://chiengson.gov.vn/gioi-thieu"' in chapters
    assert "khong-co-muc-nay" not in chapters and "ở phần trên" in chapters
    text = "".join(page.extract_text() for page in PdfReader(written["pdf"]).pages)
    flat = text.replace("\n", "")
    assert "trang của xã (https://chiengson.gov.vn/gioi-thieu)" in flat
    assert "(bientap@sonla.gov.vn)" in flat and "(https://sonla.gov.vn)" not in flat


def test_a_typst_failure_names_the_essay_it_stopped_in(tmp_path):
    book = Book(slug="s", title="T", subtitle="", publisher="", year=2020, rights="",
                foreword="", essays=[BookEssay("bai-1", "Bài đầu", "A", "U", "", ""),
                                     BookEssay("bai-2", "Bài hai", "B", "U", "", "")])  # fmt: skip
    body = tmp_path / "body.typ"
    body.write_text("== Bài đầu\n<bai-1>\nchữ\n== Bài hai\n<bai-2>\n#oops\n", encoding="utf-8")
    assert failing_essay(book, str(body), "error: unknown\n  ┌─ body.typ:6:2\n") == "Bài hai"
    assert failing_essay(book, str(body), "error: unknown\n  ┌─ body.typ:3:1\n") == "Bài đầu"
    assert failing_essay(book, str(body), "error without a place") == ""


def test_an_epubcheck_problem_names_the_essay_it_is_in(tmp_path):
    path = tmp_path / "s.epub"
    chapter = "\n".join([
        '<section id="phan-2">', '<h2 id="bai-1">Bài đầu</h2>', "<p>chữ</p>",
        '<section id="bai-2">', "<h2>Bài hai</h2>", '<p><a href="#khong-co">đây</a></p>',
    ])  # fmt: skip
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("EPUB/text/ch002.xhtml", chapter)
    essays = {"bai-1": "Bài đầu", "bai-2": "Bài hai"}
    assert essay_at(str(path), {"path": "EPUB/text/ch002.xhtml", "line": 6}, essays) == "Bài hai"
    assert essay_at(str(path), {"path": "EPUB/text/ch002.xhtml", "line": 3}, essays) == "Bài đầu"
    assert essay_at(str(path), {"path": "EPUB/text/nowhere.xhtml", "line": 3}, essays) == ""
