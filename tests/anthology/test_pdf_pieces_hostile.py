"""The print master in pieces, read as a prepress checker and an author with bad intent would:
an author's label never moves a bookmark, a contents line or a jump of the book; footnotes
number on across pieces; "@name", Typst's and markdown's signs print as written; a heading
in a quotation never stops Typst; every piece's page has the size, boxes and proof mark."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from anthology.render import pdf_pieces
from anthology.services import builds
from contest.platform.db import db, utcnow
from contest.platform.storage import file_store
from tests.anthology.test_pdf_pieces import _links, _outline


@pytest.mark.render_once
def test_an_authors_labels_never_move_the_books_bookmarks(finalised, tmp_path, monkeypatch):
    contest, rich = finalised["contest"], finalised["rich"]
    rich.body_markdown = (
        rich.body_markdown.rstrip()
        + "\n\n## Bẫy một {#phan-2}\n\n[Bẫy hai]{#chi-muc} và [bẫy ba]{#danh-sach}.\n\n"
        + "## Bẫy bốn {#chi-muc}\n\nXem [gsdest](gsdest:phan-2) và [nhảy tới phần hai](#phan-2).\n"
    )
    db.session.commit()
    monkeypatch.setattr(pdf_pieces, "PIECE_CHARACTERS", 1)
    written = builds.build_book(
        db.session,
        contest,
        str(tmp_path),
        ("pdf",),
        None,
        None,
        3,
        now=utcnow(),
        files=file_store(),
    )
    reader = PdfReader(written["pdf"])
    texts = [" ".join(p.extract_text().split()) for p in reader.pages]
    trap = next(i for i, text in enumerate(texts) if "Bẫy một" in text)
    for title, start in (
        ("Phần II", "Phần II."),
        ("Chỉ mục tác giả", "Chỉ mục tác giả"),
        ("Danh sách tác giả đoạt giải", "Danh sách tác giả đoạt giải"),
    ):
        page = next(i for i, text in enumerate(texts) if text.startswith(start) and i > trap)
        marks = [p for _d, t, p in _outline(reader) if t.startswith(title)]
        assert marks == [page], title
        if title == "Phần II":
            jumped = next(i for i, text in enumerate(texts) if "nhảy tới phần hai" in text)
            assert (jumped, page) in _links(reader)


def _texts(contest, folder, monkeypatch, limit: int) -> list[str]:
    monkeypatch.setattr(pdf_pieces, "PIECE_CHARACTERS", limit)
    written = builds.build_book(
        db.session, contest, str(folder), ("pdf",), None, None, 3, now=utcnow(), files=file_store()
    )
    return [" ".join(p.extract_text().split()) for p in PdfReader(written["pdf"]).pages]


@pytest.mark.render_once
def test_footnotes_number_on_across_pieces_after_a_caption_with_one(
    finalised, tmp_path, monkeypatch
):
    contest, rich, entries = finalised["contest"], finalised["rich"], finalised["entries"]
    rich.body_markdown = rich.body_markdown.replace(
        "![Ông Pánh bên cánh rừng]", "![Ông Pánh bên cánh rừng^[Ảnh của tác giả.]]"
    )
    for entry in entries:
        if entry is not rich:
            entry.body_markdown += "\n\nMột câu có chú thích[^x].\n\n[^x]: Chú thích sau.\n"
    db.session.commit()
    whole = _texts(contest, tmp_path / "one", monkeypatch, 10**9)
    cut = _texts(contest, tmp_path / "many", monkeypatch, 1)
    assert cut == whole


@pytest.mark.render_once
def test_markup_looking_words_print_as_written(finalised, tmp_path, monkeypatch):
    """An author's "@name" is words (never a citation that stops Typst for want of a
    bibliography), as are Typst's and markdown's own signs."""
    contest, rich = finalised["contest"], finalised["rich"]
    rich.body_markdown += (
        "\n\nLiên hệ @nguon và [@khac, tr. 3], cả @chi-muc. Chữ #set page(width: 1mm) ] "
        "\\# `#panic()` <chi-muc> $5 và [x](<#chi-muc>).\n"
    )
    db.session.commit()
    texts = _texts(contest, tmp_path / "many", monkeypatch, 1)
    (page,) = [t for t in texts if "Liên hệ" in t]
    assert "Liên hệ @nguon và [@khac, tr. 3], cả @chi-muc." in page
    assert "#set page(width: 1mm) ] # #panic() <chi-muc> $5" in page


@pytest.mark.render_once
def test_many_pieces_with_bleed_a_custom_size_and_a_proof_mark(finalised, tmp_path, monkeypatch):
    """Every piece's pages: the same size, the printer's boxes, the proof mark and the page
    labels running on, in a 145 × 205 mm book with a 5 mm bleed cut into a piece per section."""
    from anthology.services import settings

    contest = finalised["contest"]
    settings.settings_for(db.session, contest).licence = ""
    db.session.commit()
    monkeypatch.setattr(pdf_pieces, "PIECE_CHARACTERS", 1)
    written = builds.build_book(
        db.session,
        contest,
        str(tmp_path),
        ("pdf",),
        None,
        "145x205",
        5,
        now=utcnow(),
        files=file_store(),
    )
    reader = PdfReader(written["pdf"])
    mm = 72 / 25.4
    bleed = 5 * mm
    sizes = {
        (round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2))
        for p in reader.pages
    }
    assert sizes == {(round(155 * mm, 2), round(215 * mm, 2))}
    for sheet in reader.pages:
        assert "BẢN THẢO — chưa đủ thông tin xuất bản" in sheet.extract_text()
        assert sheet.bleedbox == sheet.mediabox
        assert abs(float(sheet.trimbox.left) - bleed) < 0.01
        assert abs(float(sheet.trimbox.width) - 145 * mm) < 0.01
    labels = reader.page_labels
    body = labels.index("1")
    assert labels[:body] == ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii"][:body]
    assert labels[body:] == [str(n) for n in range(1, len(labels) - body + 1)]


@pytest.mark.render_once
def test_a_heading_inside_a_quotation_or_a_list_is_a_subheading(finalised, tmp_path, monkeypatch):
    """An essay's "> # …" or "- ## …" never opens a page inside its quotation or list, which
    stopped Typst and the whole print master."""
    contest, rich = finalised["contest"], finalised["rich"]
    rich.body_markdown += (
        "\n\n> # Tiêu đề trong trích dẫn\n>\n> Lời trích.\n\n- ## Mục trong danh sách\n\nChữ sau.\n"
    )
    db.session.commit()
    texts = _texts(contest, tmp_path / "many", monkeypatch, 1)
    (page,) = [t for t in texts if "Tiêu đề trong trích dẫn" in t]
    assert "Lời trích." in page and "Mục trong danh sách Chữ sau." in page
