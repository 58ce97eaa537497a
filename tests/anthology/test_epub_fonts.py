"""The EPUB's fonts are cut while pandoc writes the package (issue 27's EPUB time): from the
characters of what pandoc reads, plus what the package gains after it. They are used only
if they cover every character of the finished pages; otherwise they are cut again, so a
character never goes missing for the sake of speed."""

from __future__ import annotations

import io
import os
import shutil
import zipfile

from fontTools.ttLib import TTFont

from anthology.render import epub_package, epub_writer
from anthology.render.pandoc import run_pandoc
from anthology.services import builds
from contest.platform.db import db, utcnow
from contest.platform.storage import file_store

TEXT = "Chị Lò Thị Hoa ở bản Mòng ꪀꪱ"  # Vietnamese marks and Tai Viet


def _cmap(epub: str, name: str) -> set[str]:
    with zipfile.ZipFile(epub) as archive:
        return _font_characters(archive.read(f"EPUB/fonts/{name}"))


def _small_epub(folder) -> str:
    source = os.path.join(folder, "a.md")
    with open(source, "w", encoding="utf-8") as fh:
        fh.write(f"# Bài\n\n{TEXT}\n")
    run_pandoc(["-f", "markdown", "-t", "epub3", "-o", "a.epub", "a.md"], cwd=str(folder))
    return os.path.join(folder, "a.epub")


def test_fonts_cut_from_too_few_characters_are_cut_again(tmp_path):
    epub = _small_epub(tmp_path)
    epub_package.finish_epub(epub, b"", None, fonts=epub_package.cut_fonts("abc"))
    assert {"ò", "ị", "M"} <= _cmap(epub, "NotoSerif-Regular.ttf")
    assert {"ꪀ", "ꪱ"} <= _cmap(epub, "NotoSansTaiViet-Regular.ttf")


def test_fonts_cut_beforehand_are_kept_when_they_cover_the_pages(tmp_path, monkeypatch):
    epub = _small_epub(tmp_path)
    with zipfile.ZipFile(epub) as archive:
        pages = "".join(
            archive.read(n).decode() for n in archive.namelist() if n.endswith(".xhtml")
        )
    ready = epub_package.cut_fonts(pages + epub_package.ADDED_TEXT + "Ω")

    def no_second_cut(text):
        raise AssertionError("cut again")

    monkeypatch.setattr(epub_package, "cut_fonts", no_second_cut)
    epub_package.finish_epub(epub, b"", None, fonts=ready)
    assert "Ω" in _cmap(epub, "NotoSerif-Regular.ttf")  # the fonts given, not new ones


def test_a_book_s_fonts_are_cut_once_while_pandoc_runs(finalised, tmp_path, monkeypatch):
    cuts = []
    real = epub_package.cut_fonts

    def counted(text):
        cuts.append(text)
        return real(text)

    monkeypatch.setattr(epub_package, "cut_fonts", counted)
    monkeypatch.setattr(epub_writer, "cut_fonts", counted)
    written = builds.build_book(
        db.session, finalised["contest"], str(tmp_path), ("epub",), now=utcnow(), files=file_store()
    )
    assert len(cuts) == 1  # what pandoc and the finishing add was foreseen
    assert {"ư", "ơ", "Đ"} <= _cmap(written["epub"], "NotoSerif-Regular.ttf")


def test_a_set_of_characters_is_cut_once_until_the_fonts_change(tmp_path, monkeypatch):
    fonts = []  # the two faces looked into below: cutting the others would show no more
    for path in epub_package.font_files():
        if os.path.basename(path) in ("NotoSerif-Regular.ttf", "NotoSansTaiViet-Regular.ttf"):
            fonts.append(str(tmp_path / os.path.basename(path)))
            shutil.copy(path, fonts[-1])
    monkeypatch.setattr(epub_package, "font_files", lambda: tuple(fonts))
    opened = []
    real = epub_package.TTFont
    monkeypatch.setattr(epub_package, "TTFont", lambda path: opened.append(path) or real(path))

    first = epub_package.cut_fonts(TEXT)
    first.fonts.clear()  # what a caller does with its fonts leaves the next one's whole
    again = epub_package.cut_fonts("".join(reversed(TEXT)))
    assert len(opened) == len(fonts) and len(again.fonts) == len(fonts)
    assert {"ò", "ꪀ"} <= _font_characters(again.fonts["NotoSerif-Regular.ttf"]) | (
        _font_characters(again.fonts["NotoSansTaiViet-Regular.ttf"])
    )

    epub_package.cut_fonts(TEXT + "Ω")  # a new character
    assert len(opened) == 2 * len(fonts)
    os.utime(fonts[0], ns=(0, 0))  # a font upgraded on the machine
    epub_package.cut_fonts(TEXT)
    assert len(opened) == 3 * len(fonts)


def _font_characters(data: bytes) -> set[str]:
    return {chr(code) for code in TTFont(io.BytesIO(data)).getBestCmap()}
