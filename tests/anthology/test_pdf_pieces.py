"""Issue 27 (memory): the print master is laid out in pieces, each by a Typst process of its
own, and joined. A book cut into a piece for every essay and profile group reads exactly as
the same book laid out in one body piece: the same pages and words, page labels, bookmarks,
links landing on the same pages, one tagged structure, the declared standard and the boxes."""

from __future__ import annotations

from collections import Counter

import pytest
from pypdf import PdfReader

from anthology.render import pdf_pieces, pdf_writer
from anthology.services import builds
from contest.platform.db import db, utcnow
from contest.platform.storage import file_store


def _build(contest, folder, monkeypatch, limit: int) -> tuple[PdfReader, int]:
    monkeypatch.setattr(pdf_pieces, "PIECE_CHARACTERS", limit)
    runs = []
    real = pdf_writer.run_typst
    monkeypatch.setattr(pdf_writer, "run_typst", lambda *a, **k: runs.append(1) or real(*a, **k))
    written = builds.build_book(
        db.session, contest, str(folder), ("pdf",), None, None, 3, now=utcnow(), files=file_store()
    )
    return PdfReader(written["pdf"]), len(runs)


def _outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    found = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, str(item.title), reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return found


def _links(reader: PdfReader) -> list[tuple[int, int]]:
    """(page of the link, page it lands on) for every link inside the book."""
    found = []
    for index, sheet in enumerate(reader.pages):
        for annotation in sheet.get("/Annots") or []:
            annotation = annotation.get_object()
            action = annotation.get("/A")
            if action is not None and action.get_object().get("/S") == "/URI":
                assert not str(action.get_object()["/URI"]).startswith(pdf_pieces.CROSSING)
                continue
            dest = annotation.get("/Dest")
            if isinstance(dest, str):
                target = reader.get_destination_page_number(reader.named_destinations[dest])
            else:
                target = reader.get_page_number(dest[0])
            found.append((index, target))
    return found


def _tags(reader: PdfReader) -> Counter:
    """The structure elements by kind, each tied to a page of the book."""
    pages = {sheet.indirect_reference.idnum for sheet in reader.pages}
    kinds: Counter = Counter()
    stack = [reader.trailer["/Root"]["/StructTreeRoot"]["/K"]]
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            stack.extend(node)
        elif hasattr(node, "get") and "/S" in node:
            kinds[node["/S"]] += 1
            if "/Pg" in node:
                assert node.raw_get("/Pg").idnum in pages
            if "/K" in node:
                stack.append(node["/K"])
    return kinds


@pytest.mark.render_once
def test_a_book_laid_out_in_many_pieces_reads_as_one(finalised, tmp_path, monkeypatch):
    contest, rich = finalised["contest"], finalised["rich"]
    # A jump from an essay to Part II, which a piece of its own lays out.
    rich.body_markdown = rich.body_markdown.rstrip() + "\n\nXem thêm [phần hai](#phan-2).\n"
    db.session.commit()
    whole, whole_runs = _build(contest, tmp_path / "one", monkeypatch, 10**9)
    cut, cut_runs = _build(contest, tmp_path / "many", monkeypatch, 1)
    assert whole_runs == 2 and cut_runs > 4  # the front matter and the body's pieces
    assert [p.extract_text() for p in cut.pages] == [p.extract_text() for p in whole.pages]
    assert cut.page_labels == whole.page_labels
    assert _outline(cut) == _outline(whole) and len(_outline(cut)) > 6
    links = _links(cut)
    assert links == _links(whole)
    contents = next(i for i, p in enumerate(cut.pages) if p.extract_text().startswith("Mục lục"))
    assert len([link for link in links if link[0] == contents]) > 6
    texts = [" ".join(p.extract_text().split()) for p in cut.pages]
    part_two = next(i for i, text in enumerate(texts) if text.startswith("Phần II."))
    jumped = next(i for i, text in enumerate(texts) if "Xem thêm phần hai" in text)
    assert (jumped, part_two) in links
    assert _tags(cut) == _tags(whole) and _tags(cut)["/H2"] > 4
    assert set(cut.named_destinations) == set(whole.named_destinations)
    metadata = cut.xmp_metadata.stream.get_data().decode("utf-8")
    assert "<pdfaid:part>2</pdfaid:part>" in metadata
    assert f"<xmpTPg:NPages>{len(cut.pages)}</xmpTPg:NPages>" in metadata
    for sheet in cut.pages:
        assert sheet.bleedbox == sheet.mediabox
        assert abs(float(sheet.trimbox.left) - 3 * 72 / 25.4) < 0.01
