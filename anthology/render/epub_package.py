"""What pandoc cannot add to an EPUB while it runs sandboxed (it may then read no file but its
inputs): the book's stylesheet and its cover, put into the finished package afterwards."""

from __future__ import annotations

import zipfile

from lxml import etree
from PIL import Image

OPF = "EPUB/content.opf"
STYLESHEET = "EPUB/styles/stylesheet1.css"  # pandoc's own, when none is given
COVER_IMAGE, COVER_PAGE = "EPUB/media/cover.jpg", "EPUB/text/cover.xhtml"
_NS = {"opf": "http://www.idpf.org/2007/opf"}
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
preserveAspectRatio="xMidYMid">
<image width="{width}" height="{height}" xlink:href="../media/cover.jpg" />
</svg>
</body>
</html>
"""


def finish_epub(path: str, stylesheet: bytes, cover: str | None) -> None:
    """Rewrite the package at `path` with `stylesheet` in place of pandoc's and, when given,
    the cover (a JPEG) as its first page and its cover image."""
    with zipfile.ZipFile(path) as source:
        members = {info.filename: source.read(info.filename) for info in source.infolist()}
    members[STYLESHEET] = stylesheet
    if cover:
        _add_cover(members, cover)
    with zipfile.ZipFile(path, "w") as target:
        # The mimetype first and uncompressed, as the EPUB container requires.
        target.writestr("mimetype", members.pop("mimetype"), zipfile.ZIP_STORED)
        for name, data in members.items():
            target.writestr(name, data, zipfile.ZIP_DEFLATED)


def _add_cover(members: dict[str, bytes], cover: str) -> None:
    with open(cover, "rb") as fh:
        members[COVER_IMAGE] = fh.read()
    with Image.open(cover) as picture:
        width, height = picture.size
    members[COVER_PAGE] = _COVER_XHTML.format(width=width, height=height).encode()
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
