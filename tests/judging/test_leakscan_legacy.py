"""The leak scan sees through old fonts: an author's name typed in TCVN3 is still found."""

from __future__ import annotations

from contest.documents.intake import extract_upload
from judging.rules.leakscan import scan
from tests.plugins.documents import legacy_docx


def test_an_authors_name_typed_in_tcvn3_is_flagged():
    essay = extract_upload("bai.docx", legacy_docx(), 10 * 1024 * 1024)
    kinds = {flag.kind for flag in scan(essay.text, author_name="Lò Thị Hoa", subject_name="")}
    assert {"name", "self_reference"} <= kinds


def test_tai_viet_text_keeps_its_words_through_intake():
    essay = extract_upload("bai.docx", legacy_docx(), 10 * 1024 * 1024)
    assert "ꪼꪕ ꪁꪮꪉ ꪀꪱ" in essay.text
    assert essay.word_count == sum(len(p.split()) for p in essay.text.split("\n") if p.strip())
