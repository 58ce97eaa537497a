"""The EPUB's fonts are cut (HarfBuzz's subsetter) to the characters of the finished pages,
text the package gains after pandoc included, keeping every layout feature and name of the
whole faces, and the ligatures that draw an emoji made of several."""

from __future__ import annotations

import io
import os
import zipfile

from fontTools.ttLib import TTFont
from lxml import etree

from anthology.render import epub_package
from anthology.render.fonts import font_files
from anthology.render.pandoc import run_pandoc
from anthology.services import builds
from contest.platform.db import db, utcnow
from contest.platform.storage import file_store

TEXT = "Chị Lò Thị Hoa ở bản Mòng ꪀꪱ, gia đình 👨‍👩‍👧"  # Vietnamese marks, Tai Viet, emoji


def _fonts(epub: str) -> dict[str, TTFont]:
    with zipfile.ZipFile(epub) as archive:
        return {
            os.path.basename(name): TTFont(io.BytesIO(archive.read(name)))
            for name in archive.namelist()
            if name.startswith("EPUB/fonts/")
        }


def _pages_text(epub: str) -> str:
    with zipfile.ZipFile(epub) as archive:
        return "".join(
            archive.read(name).decode() for name in archive.namelist() if name.endswith(".xhtml")
        )


def _pages_characters(epub: str) -> set[str]:
    """The characters of the pages' text (what a reader draws), markup aside."""
    with zipfile.ZipFile(epub) as archive:
        return {
            character
            for name in archive.namelist()
            if name.endswith(".xhtml")
            for text in etree.fromstring(archive.read(name)).itertext()
            for character in text
        }


def _features(font: TTFont) -> set[str]:
    return {
        record.FeatureTag
        for tag in ("GSUB", "GPOS")
        if tag in font
        for record in font[tag].table.FeatureList.FeatureRecord
    }


def test_the_fonts_cover_every_character_of_the_finished_pages(tmp_path):
    source = tmp_path / "a.md"
    source.write_text(f"# Bài\n\n{TEXT}\n", encoding="utf-8")
    run_pandoc(["-f", "markdown", "-t", "epub3", "-o", "a.epub", "a.md"], cwd=str(tmp_path))
    epub = str(tmp_path / "a.epub")
    epub_package.finish_epub(epub, b"", None, title="Gương sáng")
    fonts = _fonts(epub)
    assert sorted(fonts) == sorted(os.path.basename(path) for path in font_files())
    pages = {ord(c) for c in _pages_characters(epub)}
    assert "Mục lục" in _pages_text(epub)  # a landmark's words, added after pandoc
    for path in font_files():  # each face holds every character of the pages it has
        with TTFont(path, lazy=True) as whole:
            wanted = pages & set(whole.getBestCmap())
        assert wanted <= set(fonts[os.path.basename(path)].getBestCmap()), path
    serif = {chr(c) for c in fonts["NotoSerif-Bold.ttf"].getBestCmap()}
    assert {"ò", "ị", "ụ"} <= serif and "Ω" not in serif
    assert "ꪀ" in {chr(c) for c in fonts["NotoSansTaiViet-Regular.ttf"].getBestCmap()}


def test_a_cut_keeps_the_features_the_names_and_the_emoji_ligatures():
    cut = epub_package.cut_fonts(set(TEXT + " office AV Tây"))
    serif = TTFont(io.BytesIO(cut["NotoSerif-Regular.ttf"]))
    # Every feature: HarfBuzz's default ones (kerning, ligatures) and the others (small caps).
    assert {"kern", "liga", "smcp", "sups"} <= _features(serif)
    for path in font_files():
        part = TTFont(io.BytesIO(cut[os.path.basename(path)]))
        with TTFont(path, lazy=True) as whole:
            assert {n.nameID for n in part["name"].names} == {n.nameID for n in whole["name"].names}
    emoji = TTFont(io.BytesIO(cut["NotoColorEmoji.ttf"]))
    # The family drawn as one picture: a glyph no character maps to, reached by a ligature.
    assert len(emoji.getGlyphOrder()) > len(set(emoji.getBestCmap().values())) + 1


def test_a_built_book_embeds_its_fonts_cut(finalised, tmp_path):
    written = builds.build_book(
        db.session, finalised["contest"], str(tmp_path), ("epub",), now=utcnow(), files=file_store()
    )
    fonts = _fonts(written["epub"])
    serif = {chr(c) for c in fonts["NotoSerif-Regular.ttf"].getBestCmap()}
    assert {"ư", "ơ", "Đ"} <= serif
    # Cut to the pages, not the whole face (some 3,000 characters).
    assert len(serif) <= len(_pages_characters(written["epub"]))
