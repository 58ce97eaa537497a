"""The DOCX book carries none of the default templates' leftovers."""

from __future__ import annotations

import re
import zipfile

import docx
import pytest


@pytest.mark.render_once
def test_docx_has_no_template_leftovers(default_book):
    written = default_book
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


@pytest.mark.render_once
def test_docx_title_has_no_blue_rule_and_subtitle_no_letter_spacing(default_book):
    written = default_book
    styles = docx.Document(written["docx"]).styles
    for name in ("Title", "Subtitle"):
        element = styles[name].element
        assert not element.xpath("./w:pPr/w:pBdr") and not element.xpath("./w:rPr/w:spacing")
