"""The DOCX book and certificates carry none of the default templates' leftovers."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

import docx
from docx.enum.section import WD_ORIENT
from pypdf import PdfReader

from anthology.services import builds, certificates
from contest.db import db


def test_docx_has_no_template_leftovers(finalised, tmp_path):
    written = builds.build_book(db.session, finalised["contest"], str(tmp_path), ("docx",))
    with zipfile.ZipFile(written["docx"]) as archive:
        names = set(archive.namelist())
        settings = archive.read("word/settings.xml").decode()
        types = archive.read("[Content_Types].xml").decode()
        package_rels = archive.read("_rels/.rels").decode()
    assert "docProps/app.xml" not in names and "docProps/custom.xml" not in names
    assert "app.xml" not in types + package_rels and "custom.xml" not in package_rels
    assert "word/comments.xml" not in names
    assert re.search(r'w:name="compatibilityMode"[^>]*w:val="15"', settings)
    assert "ja-JP" not in settings and 'w:themeFontLang w:val="vi-VN"' in settings
    # Only the styles in use (and those they build on) are left of the template's 200-odd.
    with zipfile.ZipFile(written["docx"]) as archive:
        styles = archive.read("word/styles.xml").decode()
        document = archive.read("word/document.xml").decode()
    defined = set(re.findall(r'w:styleId="([^"]+)"', styles))
    used = set(re.findall(r'<w:[pr]Style w:val="([^"]+)"', document))
    assert used <= defined and len(defined) < 60, (used - defined, len(defined))
    assert "TOC1" in defined and "Heading2" in defined


def test_certificates_landscape_lower_case_prize_and_clean_properties(finalised):
    data = certificates.certificates_docx(db.session, finalised["contest"])
    document = docx.Document(io.BytesIO(data))
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE and section.page_width > section.page_height
    prizes = [p.text for p in document.paragraphs if p.text.startswith("Đã đạt")]
    assert prizes and all(text.startswith("Đã đạt giải ") for text in prizes)
    props = document.core_properties
    assert "python-docx" not in (props.comments or "") and props.language == "vi-VN"
    assert props.created.year == datetime.now().year


def test_cli_certificates_docx_and_refusals_leave_no_file(runner, finalised, tmp_path):
    tmp_path = tmp_path / "ra"  # the fixture keeps its own files in tmp_path
    tmp_path.mkdir()
    out = tmp_path / "giay.docx"
    result = runner.invoke(args=["anthology", "certificates", "son-la-2019", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(out)
    assert sum(p.text.startswith("Chứng nhận") for p in docx.Document(out).paragraphs) == 6
    for bad in ("giay.txt", "khong-co/giay.docx"):
        refused = runner.invoke(
            args=["anthology", "certificates", "son-la-2019", "--out", str(tmp_path / bad)]
        )
        assert refused.exit_code == 1 and "Traceback" not in refused.output
        assert not (tmp_path / bad).exists()
    missing = runner.invoke(
        args=["anthology", "certificates", "khong-co", "--out", str(tmp_path / "x.docx")]
    )
    assert missing.exit_code == 1 and not (tmp_path / "x.docx").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["giay.docx"]


def test_cli_certificates_pdf_through_libreoffice(runner, finalised, tmp_path):
    """LibreOffice is installed with the app (make run / make test): never skipped."""
    out = tmp_path / "giay.pdf"
    result = runner.invoke(args=["anthology", "certificates", "son-la-2019", "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(out).pages)
    assert "giải Nhất" in text


def test_docx_title_has_no_blue_rule_and_subtitle_no_letter_spacing(finalised, tmp_path):
    written = builds.build_book(db.session, finalised["contest"], str(tmp_path), ("docx",))
    styles = docx.Document(written["docx"]).styles
    for name in ("Title", "Subtitle"):
        element = styles[name].element
        assert not element.xpath("./w:pPr/w:pBdr") and not element.xpath("./w:rPr/w:spacing")
