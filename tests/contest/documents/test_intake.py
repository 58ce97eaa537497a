"""Intake: every bad input gets a clear Vietnamese message; a real .docx extracts whole."""

from __future__ import annotations

import io
import os
import subprocess
import zipfile

import pypandoc
import pytest
from PIL import Image

from contest.documents import converter
from contest.documents.intake import extract_typed, extract_upload
from contest.platform.errors import IntakeError
from contest.platform.text import count_words, nfc
from tests.plugins.documents import docx_bytes, rich_docx

MAX = 10 * 1024 * 1024


def test_a_real_docx_keeps_heading_footnote_picture_and_accepted_changes(tmp_path):
    essay = extract_upload("bài viết.docx", rich_docx(tmp_path), MAX)
    assert "# Người giữ rừng ở bản Mòng" in essay.markdown
    assert "*gắn bó*" in essay.markdown
    assert "[^1]" in essay.markdown and "Theo lời kể của bà con trong bản." in essay.markdown
    assert "được chèn thêm" in essay.text and "chữ đã xóa" not in essay.text
    assert len(essay.media) == 1
    ((name, data),) = essay.media.items()
    assert name.startswith("media/") and f"]({name})" in essay.markdown
    assert Image.open(io.BytesIO(data)).size == (40, 30)
    assert essay.text == nfc(essay.text) and "Ông Lò Văn Pánh" in essay.text
    assert essay.word_count == count_words(essay.text) > 20


def test_odt_is_read(tmp_path):
    (tmp_path / "bai.md").write_text(
        "Chị Cầm Thị Hoa là tấm gương sáng của bản.\n", encoding="utf-8"
    )
    subprocess.run(
        [pypandoc.get_pandoc_path(), "bai.md", "-o", "bai.odt"], cwd=tmp_path, check=True
    )
    essay = extract_upload("bai.odt", (tmp_path / "bai.odt").read_bytes(), MAX)
    assert essay.text.strip() == "Chị Cầm Thị Hoa là tấm gương sáng của bản."
    assert essay.word_count == 10


def test_txt_utf8_with_bom_and_nfd_is_normalised():
    data = "\ufeff" + "Ngu\u031bo\u031b\u0300i to\u0302\u0301t vi\u00ea\u0323c to\u0302\u0301t"
    essay = extract_upload("bai.txt", data.encode("utf-8"), MAX)
    assert essay.text == "Người tốt việc tốt" and essay.word_count == 4


def zip_with(members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


BAD_INPUTS = {
    "not a document renamed .docx": ("bai.docx", b"%PDF-1.4 this is not a zip", "không phải"),
    "macro-enabled .docm": ("bai.docm", b"PK..", "macro"),
    "docx with a VBA project": (
        "bai.docx",
        zip_with(
            {
                "[Content_Types].xml": b"<Types/>",
                "word/document.xml": b"<w:document/>",
                "word/vbaProject.bin": b"\0" * 10,
            }
        ),
        "macro",
    ),
    "encrypted (OLE container)": (
        "bai.docx",
        bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 512,
        "mật khẩu",
    ),
    "corrupt zip": ("bai.docx", b"PK\x03\x04" + b"\x00" * 40, "hỏng"),
    "zip bomb": (
        "bai.docx",
        zip_with({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\0" * 60_000_000}),
        "giải nén",
    ),
    "too many members": (
        "bai.docx",
        zip_with({f"x/{i}.xml": b"" for i in range(2100)}),
        "quá nhiều",
    ),
    "odt without its mimetype": ("bai.odt", zip_with({"content.xml": b"<x/>"}), ".odt"),
    "encrypted odt": (
        "bai.odt",
        zip_with(
            {
                "mimetype": b"application/vnd.oasis.opendocument.text",
                "META-INF/manifest.xml": b"<manifest:encryption-data/>",
            },
            zipfile.ZIP_STORED,
        ),
        "mật khẩu",
    ),
    "txt that is not UTF-8": (
        "bai.txt",
        "Người tốt việc tốt".encode("cp1258", "replace") + b"\xff\xfe\x81",
        "UTF-8",
    ),
    "empty txt": ("bai.txt", b"   \n\n ", "trống"),
    "empty file": ("bai.docx", b"", "trống"),
    "another extension": ("bai.pages", b"%PDF", ".docx"),
    "a .doc that is not one": ("bai.doc", b"Plain words renamed .doc", "hỏng"),
    "a .rtf that is not one": ("bai.rtf", b"PK\x03\x04 not rtf", "hỏng"),
    "a broken pdf": ("bai.pdf", b"%PDF-1.4 broken", "PDF"),
    "too large": ("bai.txt", b"a " * (MAX // 2 + 1), "10 MB"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_gets_a_clear_vietnamese_message(name):
    filename, data, fragment = BAD_INPUTS[name]
    with pytest.raises(IntakeError) as caught:
        extract_upload(filename, data, MAX)
    assert fragment in str(caught.value)


def test_an_empty_docx_is_refused():
    with pytest.raises(IntakeError, match="trống"):
        extract_upload("bai.docx", docx_bytes([""]), MAX)


@pytest.mark.parametrize(
    "text, words",
    [
        ("Người tốt việc tốt", 4),
        ("  Chị  Hoa,\tbản Mòng — xã Chiềng Sơn.\n", 7),
        ("- – … ; 2019", 1),
        ("", 0),
    ],
)
def test_word_count_counts_syllables_not_punctuation(text, words):
    assert count_words(text) == words


def test_typed_text_reads_back_as_typed():
    essay = extract_typed("Dòng *một* # không phải tiêu đề\n\n1. Không phải danh sách")
    assert "*một*" in essay.text and essay.word_count == 11
    from contest.documents.converter import markdown_to_html

    html = markdown_to_html(essay.markdown)
    assert "<em>" not in html and "<h1" not in html and "<ol" not in html


def test_no_temporary_folder_is_left_behind(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    with pytest.raises(IntakeError):
        extract_upload(
            "bai.docx",
            zip_with({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"garbage"}),
            MAX,
        )
    extract_upload("bai.docx", docx_bytes(["Người tốt việc tốt"]), MAX)
    # Only the lock files that count conversions stay (empty, reused).
    assert [name for name in os.listdir(tmp_path) if name != converter.SLOTS_FOLDER] == []


def test_essays_converted_together_read_as_each_converted_alone():
    """The large demo's batch conversion gives each essay exactly its own HTML, also when an
    essay would swallow the marker between them (an unclosed code fence: each is then
    converted alone)."""
    from contest.documents.converter import markdown_to_html, markdowns_to_html

    typed = [
        extract_typed(text).markdown
        for text in ("Một *đoạn* [x](y).\n\nHai.", "Ba\nbốn", "gs-split-0 <p>x</p>", "# Không")
    ]
    assert markdowns_to_html(typed) == [markdown_to_html(m) for m in typed]
    raw = ["```\nmã chưa đóng", "Đoạn sau."]
    assert markdowns_to_html(raw) == [markdown_to_html(m) for m in raw]
    assert markdowns_to_html([]) == []
