"""The EPUB finished after pandoc: what a sandboxed pandoc cannot add (the book's stylesheet,
its cover) and what it gets wrong for this book: chapter titles, front/body/back matter,
Vietnamese landmarks, and fonts embedded whole. Fonts are cut down to the characters the book
uses (HarfBuzz's subsetter), Noto Serif in four faces with Noto Sans Tai Viet and Noto Color
Emoji after it, so Thai names and emoji show on any reader."""

from __future__ import annotations

import os
import re
import zipfile
from datetime import datetime
from html import escape

import uharfbuzz as harfbuzz
from lxml import etree
from PIL import Image

from anthology.render.epub_pages import add_page_list
from anthology.render.fonts import font_files

OPF = "EPUB/content.opf"
STYLESHEET = "EPUB/styles/stylesheet1.css"  # pandoc's own, when none is given
COVER_IMAGE, COVER_PAGE = "EPUB/media/cover.jpg", "EPUB/text/cover.xhtml"
_NS = {"opf": "http://www.idpf.org/2007/opf"}
XHTML = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
# The ids of the sections that close the book: everything from them on is back matter.
BACK_MATTER_IDS = ("danh-sach", "chi-muc")
FIRST_PART_ID = "phan-1"
LANDMARK_LABELS = {"toc": "Mục lục", "cover": "Bìa", "bodymatter": "Nội dung chính"}
_COVER_XHTML = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" \
lang="vi-VN" xml:lang="vi-VN">
<head>
  <meta charset="utf-8" />
  <title>Bìa</title>
  <style>html, body {{ margin: 0; padding: 0; }} svg {{ display: block; }}</style>
</head>
<body epub:type="cover">
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" \
version="1.1" width="100%" height="100%" viewBox="0 0 {width} {height}" \
preserveAspectRatio="xMidYMid" role="img" aria-label="{label}">
<title>{label}</title>
<image width="{width}" height="{height}" xlink:href="../media/cover.jpg" />
</svg>
</body>
</html>
"""


TITLE_PAGE_TITLE, COVER_LABEL = "Trang tên sách", "Bìa sách"


def cut_fonts(characters: set[str]) -> dict[str, bytes]:
    """Every font (file name → font) cut down to `characters`, marks stacked on Vietnamese
    vowels, ligatures and names kept: HarfBuzz's subsetter takes milliseconds a face where
    fontTools' took 0.4 s (bench/README.md)."""
    codepoints = [ord(character) for character in characters]
    return {os.path.basename(path): _cut(path, codepoints) for path in font_files()}


def _cut(path: str, codepoints: list[int]) -> bytes:
    wanted = harfbuzz.SubsetInput()
    wanted.unicode_set.update(codepoints)
    for every in (wanted.layout_feature_tag_set, wanted.name_id_set):
        every.clear()  # a default list, which inverted would be all but it
        every.invert()
    wanted.flags = harfbuzz.SubsetFlags.NOTDEF_OUTLINE
    face = harfbuzz.Face(harfbuzz.Blob.from_file_path(path))
    return bytes(harfbuzz.subset(face, wanted).blob.data)


def finish_epub(
    path: str,
    stylesheet: bytes,
    cover: str | None,
    *,
    modified: datetime | None = None,
    title: str = "",
    pages: list[tuple[str, list[str]]] | None = None,
    print_edition: str = "",
) -> int:
    """Rewrite the package at `path`: `stylesheet` in place of pandoc's, the fonts cut to the
    book's characters, chapter titles and matter types, Vietnamese landmarks, the time it was
    made (`modified`: pandoc's sandbox writes 1970) and, when given, the cover (a JPEG) as
    its first page and its cover image, described by the book's `title`; with the print
    master's `pages` (`epub_pages.page_starts`), a page list from `print_edition` (its id).
    Returns how many pages the list holds."""
    with zipfile.ZipFile(path) as source:
        members = {info.filename: source.read(info.filename) for info in source.infolist()}
    members[STYLESHEET] = stylesheet
    _mark_chapters(members)
    if modified is not None:
        _set_modified(members, modified)
    if cover:
        _add_cover(members, cover, title)
    _landmarks(members, has_cover=bool(cover))
    _embed_fonts(members)
    placed = add_page_list(members, _chapters(members), pages, print_edition) if pages else 0
    with zipfile.ZipFile(path, "w") as target:
        # The mimetype first and uncompressed, as the EPUB container requires.
        target.writestr("mimetype", members.pop("mimetype"), zipfile.ZIP_STORED)
        for name, data in members.items():
            target.writestr(name, data, zipfile.ZIP_DEFLATED)
    return placed


def _chapters(members: dict[str, bytes]) -> list[str]:
    names = [name for name in members if re.fullmatch(r"EPUB/text/ch\d+\.xhtml", name)]
    return sorted(names, key=lambda name: int(re.sub(r"\D", "", name)))  # ch1000 after ch999


def _mark_chapters(members: dict[str, bytes]) -> None:
    """Each chapter titled by its first heading (readers show it, not "ch004.xhtml"); files
    before Part I are front matter, the list of winners and the index back matter."""
    matter = "frontmatter"
    for name in _chapters(members):
        page = etree.fromstring(members[name])
        ids = {section.get("id") for section in page.iter(f"{{{XHTML}}}section")}
        if FIRST_PART_ID in ids:
            matter = "bodymatter"
        if ids & set(BACK_MATTER_IDS):
            matter = "backmatter"
        body = page.find(f"{{{XHTML}}}body")
        body.set(f"{{{EPUB_NS}}}type", matter)
        heading = next(page.iter(*(f"{{{XHTML}}}h{level}" for level in range(1, 7))), None)
        title = page.find(f"{{{XHTML}}}head/{{{XHTML}}}title")
        words = " ".join("".join(heading.itertext()).split()) if heading is not None else ""
        title.text = words or TITLE_PAGE_TITLE
        members[name] = etree.tostring(page, xml_declaration=True, encoding="UTF-8")


def _embed_fonts(members: dict[str, bytes]) -> None:
    """Every font cut down to the characters of the book's finished pages, and listed in the
    manifest."""
    characters: set[str] = set()  # each distinct character once: the book's text is megabytes
    for name, data in members.items():
        if name.endswith(".xhtml"):
            characters.update(*etree.fromstring(data).itertext())
    fonts = cut_fonts(characters)
    package = etree.fromstring(members[OPF])
    manifest = package.find("opf:manifest", _NS)
    for number, (name, data) in enumerate(fonts.items()):
        members[f"EPUB/fonts/{name}"] = data
        etree.SubElement(
            manifest,
            f"{{{_NS['opf']}}}item",
            {"id": f"font-{number + 1}", "href": f"fonts/{name}", "media-type": "font/ttf"},
        )
    members[OPF] = etree.tostring(package, xml_declaration=True, encoding="UTF-8")


def _landmarks(members: dict[str, bytes], *, has_cover: bool) -> None:
    """The reader's landmarks in Vietnamese: contents, the cover, the start of Part I."""
    nav = etree.fromstring(members["EPUB/nav.xhtml"])
    landmarks = next(
        element
        for element in nav.iter(f"{{{XHTML}}}nav")
        if element.get(f"{{{EPUB_NS}}}type") == "landmarks"
    )
    listing = landmarks.find(f"{{{XHTML}}}ol")
    for item in list(listing):
        listing.remove(item)
    targets = [("toc", "#toc")]
    if has_cover:
        targets.append(("cover", "text/cover.xhtml"))
    first_part = next(
        (name for name in _chapters(members) if f'id="{FIRST_PART_ID}"'.encode() in members[name]),
        None,
    )
    if first_part:
        targets.append(("bodymatter", first_part.removeprefix("EPUB/") + f"#{FIRST_PART_ID}"))
    for kind, href in targets:
        item = etree.SubElement(listing, f"{{{XHTML}}}li")
        link = etree.SubElement(item, f"{{{XHTML}}}a", {"href": href})
        link.set(f"{{{EPUB_NS}}}type", kind)
        link.text = LANDMARK_LABELS[kind]
    members["EPUB/nav.xhtml"] = etree.tostring(nav, xml_declaration=True, encoding="UTF-8")


def _set_modified(members: dict[str, bytes], modified: datetime) -> None:
    package = etree.fromstring(members[OPF])
    for meta in package.iterfind("opf:metadata/opf:meta[@property='dcterms:modified']", _NS):
        meta.text = modified.strftime("%Y-%m-%dT%H:%M:%SZ")
    members[OPF] = etree.tostring(package, xml_declaration=True, encoding="UTF-8")


def _add_cover(members: dict[str, bytes], cover: str, title: str) -> None:
    with open(cover, "rb") as fh:
        members[COVER_IMAGE] = fh.read()
    with Image.open(cover) as picture:
        width, height = picture.size
    label = escape(f"{COVER_LABEL}: {title}" if title else COVER_LABEL, quote=True)
    members[COVER_PAGE] = _COVER_XHTML.format(width=width, height=height, label=label).encode()
    package = etree.fromstring(members[OPF])
    manifest = package.find("opf:manifest", _NS)
    for attributes in (
        {
            "id": "cover_xhtml",
            "href": "text/cover.xhtml",
            "media-type": "application/xhtml+xml",
            "properties": "svg",
        },
        {
            "id": "cover_image",
            "href": "media/cover.jpg",
            "media-type": "image/jpeg",
            "properties": "cover-image",
        },
    ):
        etree.SubElement(manifest, f"{{{_NS['opf']}}}item", attributes)
    spine = package.find("opf:spine", _NS)
    first = etree.Element(f"{{{_NS['opf']}}}itemref", {"idref": "cover_xhtml"})
    spine.insert(0, first)
    metadata = package.find("opf:metadata", _NS)
    # EPUB 2 readers find the cover by this.
    etree.SubElement(metadata, f"{{{_NS['opf']}}}meta", {"name": "cover", "content": "cover_image"})
    members[OPF] = etree.tostring(package, xml_declaration=True, encoding="UTF-8")
