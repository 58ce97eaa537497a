"""The print master, read back as a printer would: every contents line points at the page
where its title stands, every font is embedded, the colophon is there, part titles carry no
folio, and Thai script and emoji survive."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from anthology.services import builds, contents, settings
from contest.platform.db import db, utcnow
from contest.platform.storage import file_store
from tests.plugins.books import built_bytes, written_files
from tests.plugins.web import login

THAI_NAME = "ꪼꪕ ꪹꪏꪉ"  # Tai Viet, as a Sơn La author may write a name
EMOJI = "👨‍👩‍👧"  # one picture made of three people joined


@pytest.fixture
def pdf(finalised, world, tmp_path, reuse):
    """The print master with Thai script and an emoji in an essay, laid out once per process
    and read once per process (`reuse`): its reader and each page's text."""
    made = reuse("thai_and_emoji", lambda: _thai_and_emoji_book(finalised, world))
    return PdfReader(written_files({"pdf": made["pdf"]}, tmp_path)["pdf"]), made["texts"]


def _thai_and_emoji_book(finalised, world):
    contest, rich = finalised["contest"], finalised["rich"]
    copy = contents.clean_copy(
        file_store(),
        rich,
        rich.body_markdown + f"\n\nBản nhạc của {THAI_NAME} và gia đình {EMOJI}.\n",
    )
    contents.edit_copy(db.session, contest, rich.id, rich.title, copy, world["users"]["province"])
    db.session.commit()
    pdf = built_bytes(contest, ("pdf",))["pdf"]
    return {"pdf": pdf, "texts": [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]}


def _folio_pages(reader) -> dict[str, int]:
    """Printed folio → index of the physical page that carries it (from the page labels)."""
    return {label: index for index, label in enumerate(reader.page_labels)}


def test_every_contents_line_names_the_page_where_its_title_stands(pdf, finalised):
    reader, texts = pdf
    toc_start = next(i for i, text in enumerate(texts) if text.lstrip().startswith("Mục lục"))
    toc = "\n".join(texts[toc_start : toc_start + 3])
    entries = re.findall(r"^(.+?)\s*(?:\. ?)+\s*([ivxl]+|\d+)\s*$", toc, flags=re.MULTILINE)
    folios = _folio_pages(reader)
    essays = contents.winners(db.session, finalised["contest"])
    assert len(entries) >= 2 + len(essays) + 3  # parts, essays, profile groups and profiles
    for line, folio in entries:
        title = line.split(" – ")[0].split(" — ")[0].strip()
        assert folio in folios, (line, folio)
        page_text = " ".join(texts[folios[folio]].split())
        assert " ".join(title.split()) in page_text, (line, folio)
    authored = [line for line, _ in entries if " — " in line]
    assert len(authored) == len(essays)  # each essay listed with its author


def test_fonts_are_embedded_and_metadata_set(pdf, finalised):
    reader, _texts = pdf
    fonts = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants[0].get_object() if descendants else font
            descriptor = described.get("/FontDescriptor")
            embedded = descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            fonts[str(font.get("/BaseFont"))] = embedded or font.get("/Subtype") == "/Type3"
    assert fonts and all(fonts.values()), fonts
    names = " ".join(fonts)
    assert "NotoSerif" in names and "TaiViet" in names
    assert reader.metadata.title.startswith("Tuyển tập bài viết về gương điển hình")
    assert reader.trailer["/Root"].get("/Lang") == "vi-VN"


def test_colophon_title_page_and_quiet_part_titles(pdf):
    reader, texts = pdf
    flat = [" ".join(text.split()) for text in texts]
    assert flat[0].startswith("ỦY BAN NHÂN DÂN TỈNH SƠN LA HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG")
    assert flat[0].endswith("Sơn La, 2020")
    colophon = flat[1]
    for line in (
        "Chịu trách nhiệm xuất bản: Hà Thị Mai",
        "In 500 bản, khổ 17,6 × 25 cm",
        "Giấy phép xuất bản số 08/GP-STTTT",
        "In xong và nộp lưu chiểu quý II năm 2020.",
    ):
        assert line in colophon, line
    part_pages = [i for i, text in enumerate(flat) if text.startswith("Phần I")]
    assert part_pages and all(i % 2 == 0 for i in part_pages)  # a recto (index 0 is page 1)
    for index in part_pages:
        assert not re.search(r"\b\d+\s*$", texts[index].strip()), texts[index]  # no folio
    assert reader.page_labels[part_pages[0]] == "1"  # arabic folios start at Part I
    assert reader.page_labels[0] == "i"  # roman in the front matter


def test_thai_script_and_emoji_survive(pdf):
    _reader, texts = pdf
    text = "".join(texts)
    assert THAI_NAME in text
    assert "👨" in text and "👧" in text


def test_a_proof_mark_stands_on_every_page_exactly_while_the_colophon_lacks_a_legal_line(
    pdf, finalised, world, tmp_path, runner, client
):
    """Issue 27: the demo's colophon is complete — no page says it is a proof; without its
    licence, every page does, the CLI names what is missing and the book page says so."""
    _reader, texts = pdf
    assert not any("BẢN THẢO" in text for text in texts)
    contest = finalised["contest"]
    settings.settings_for(db.session, contest).licence = ""
    db.session.commit()
    written = builds.build_book(
        db.session, contest, str(tmp_path / "proof"), ("pdf",), now=utcnow(), files=file_store()
    )
    pages = [page.extract_text() for page in PdfReader(written["pdf"]).pages]
    assert all("BẢN THẢO — chưa đủ thông tin xuất bản" in text for text in pages)
    result = runner.invoke(
        args=[
            "anthology",
            "build",
            contest.slug,
            "--out",
            str(tmp_path / "cli"),
            "--format",
            "docx",
        ]
    )
    assert result.exit_code == 0 and "Giấy phép xuất bản" in result.stderr
    login(client, world["users"]["province"])
    page = client.get(f"/anthology/{contest.slug}/").get_data(as_text=True)
    assert 'id="proof-mark"' in page and "Giấy phép xuất bản" in page
