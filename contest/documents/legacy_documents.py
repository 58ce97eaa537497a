"""Find the runs of a .docx or .odt typed in a legacy Vietnamese font and convert them to
Unicode in place, before the normal conversion reads the document.

A run's font comes from the run itself, else its character style, else its paragraph's style
(following `basedOn` / parent styles), else the document's defaults — the way Word and
LibreOffice decide which font draws it. Converted runs are switched to Times New Roman, so the
document stays readable anywhere. The XML is parsed without entities or network access."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from contest.documents.legacy_fonts import LegacyEncoding, encoding_of_font, to_unicode

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
UNICODE_FONT = "Times New Roman"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
_DOCX_PARTS = ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml")


class UnreadableDocument(Exception):
    """The document's XML cannot be parsed."""


@dataclass
class Conversion:
    """The document with its legacy runs in Unicode, and how many runs were converted."""

    data: bytes
    runs: int = 0
    encodings: set[LegacyEncoding] = field(default_factory=set)


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


def _rewrite_zip(data: bytes, replacements: dict[str, bytes]) -> bytes:
    """The same archive with some members replaced, in the same order and compression."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = replacements.get(info.filename, source.read(info.filename))
            target.writestr(info, content)
    return out.getvalue()


# --- .docx -------------------------------------------------------------------------------


def _run_font(rpr: etree._Element | None) -> str | None:
    if rpr is None:
        return None
    fonts = rpr.find(_w("rFonts"))
    if fonts is None:
        return None
    return fonts.get(_w("ascii")) or fonts.get(_w("hAnsi"))


class _DocxStyles:
    """Fonts of the document's styles and defaults, from word/styles.xml."""

    def __init__(self, styles_xml: bytes | None) -> None:
        self.font: dict[str, str | None] = {}
        self.based_on: dict[str, str] = {}
        self.default_font: str | None = None
        self.default_paragraph_style: str | None = None
        if styles_xml is None:
            return
        root = etree.fromstring(styles_xml, _PARSER)
        defaults = root.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}")
        self.default_font = _run_font(defaults)
        for style in root.iter(_w("style")):
            style_id = style.get(_w("styleId"))
            self.font[style_id] = _run_font(style.find(_w("rPr")))
            parent = style.find(_w("basedOn"))
            if parent is not None:
                self.based_on[style_id] = parent.get(_w("val"))
            if style.get(_w("type")) == "paragraph" and style.get(_w("default")) == "1":
                self.default_paragraph_style = style_id

    def font_of(self, style_id: str | None) -> str | None:
        seen: set[str] = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            if self.font.get(style_id):
                return self.font[style_id]
            style_id = self.based_on.get(style_id)
        return None


def _style_id(properties: etree._Element | None, tag: str) -> str | None:
    if properties is None:
        return None
    element = properties.find(_w(tag))
    return element.get(_w("val")) if element is not None else None


def _set_unicode_font(run: etree._Element) -> None:
    rpr = run.find(_w("rPr"))
    if rpr is None:
        rpr = etree.SubElement(run, _w("rPr"))
        run.remove(rpr)
        run.insert(0, rpr)
    fonts = rpr.find(_w("rFonts"))
    if fonts is None:
        fonts = etree.SubElement(rpr, _w("rFonts"))
        rpr.remove(fonts)
        rpr.insert(0, fonts)
    for attribute in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(_w(attribute), UNICODE_FONT)
    for theme in ("asciiTheme", "hAnsiTheme", "cstheme", "eastAsiaTheme"):
        fonts.attrib.pop(_w(theme), None)


def _convert_docx_part(xml: bytes, styles: _DocxStyles, result: Conversion) -> bytes | None:
    root = etree.fromstring(xml, _PARSER)
    changed = False
    for paragraph in root.iter(_w("p")):
        paragraph_style = _style_id(paragraph.find(_w("pPr")), "pStyle")
        paragraph_font = styles.font_of(paragraph_style or styles.default_paragraph_style)
        for run in paragraph.iter(_w("r")):
            rpr = run.find(_w("rPr"))
            font = (
                _run_font(rpr)
                or styles.font_of(_style_id(rpr, "rStyle"))
                or paragraph_font
                or styles.default_font
            )
            encoding = encoding_of_font(font)
            if encoding is None:
                continue
            for text in run.iter(_w("t")):
                if text.text:
                    text.text = to_unicode(text.text, encoding)
            for hyphen in run.findall(_w("softHyphen")):
                # Byte 0xAD is ư in TCVN3; Word files it as a soft hyphen element.
                letter = etree.Element(_w("t"))
                letter.text = to_unicode("\u00ad", encoding)
                hyphen.addprevious(letter)
                run.remove(hyphen)
            _set_unicode_font(run)
            result.runs += 1
            result.encodings.add(encoding)
            changed = True
    if not changed:
        return None
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def convert_docx(data: bytes) -> Conversion:
    """A .docx with every legacy-font run in Unicode (the same bytes if there is none)."""
    try:
        return _convert_docx(data)
    except (etree.XMLSyntaxError, KeyError, ValueError) as exc:
        raise UnreadableDocument(str(exc)) from exc


def _convert_docx(data: bytes) -> Conversion:
    result = Conversion(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        styles = _DocxStyles(
            archive.read("word/styles.xml") if "word/styles.xml" in names else None
        )
        parts = {name: archive.read(name) for name in _DOCX_PARTS if name in names}
    replacements = {}
    for name, xml in parts.items():
        converted = _convert_docx_part(xml, styles, result)
        if converted is not None:
            replacements[name] = converted
    if replacements:
        result.data = _rewrite_zip(data, replacements)
    return result


# --- .odt --------------------------------------------------------------------------------

ODF = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
}


def _o(prefix: str, name: str) -> str:
    return f"{{{ODF[prefix]}}}{name}"


class _OdtStyles:
    """Fonts of named and automatic styles (content.xml and styles.xml together)."""

    def __init__(self, roots: list[etree._Element]) -> None:
        self.families: dict[str, str] = {}
        self.font: dict[str, str | None] = {}
        self.parent: dict[str, str] = {}
        self.default_font: str | None = None
        for root in roots:
            for face in root.iter(_o("style", "font-face")):
                family = face.get(_o("svg", "font-family")) or face.get(_o("style", "name"))
                self.families[face.get(_o("style", "name"))] = family.strip("'\"")
        for root in roots:
            for style in root.iter(_o("style", "style"), _o("style", "default-style")):
                properties = style.find(_o("style", "text-properties"))
                font = None
                if properties is not None:
                    named = properties.get(_o("style", "font-name"))
                    font = self.families.get(named, named) or properties.get(
                        _o("fo", "font-family")
                    )
                if style.tag == _o("style", "default-style"):
                    if style.get(_o("style", "family")) == "paragraph" and font:
                        self.default_font = font.strip("'\"")
                    continue
                name = style.get(_o("style", "name"))
                self.font[name] = font.strip("'\"") if font else None
                if style.get(_o("style", "parent-style-name")):
                    self.parent[name] = style.get(_o("style", "parent-style-name"))

    def font_of(self, name: str | None) -> str | None:
        seen: set[str] = set()
        while name and name not in seen:
            seen.add(name)
            if self.font.get(name):
                return self.font[name]
            name = self.parent.get(name)
        return None


def _convert_odt_tree(
    element: etree._Element, font: str | None, styles: _OdtStyles, result: Conversion
) -> None:
    """Convert the text an element holds in `font`, then its children in theirs."""
    own = styles.font_of(element.get(_o("text", "style-name")))
    font = own or font
    encoding = encoding_of_font(font)
    if encoding is not None and element.text:
        element.text = to_unicode(element.text, encoding)
        result.runs += 1
        result.encodings.add(encoding)
    for child in element:
        _convert_odt_tree(child, font, styles, result)
        if encoding is not None and child.tail:
            child.tail = to_unicode(child.tail, encoding)


def convert_odt(data: bytes) -> Conversion:
    """An .odt with every legacy-font span in Unicode (the same bytes if there is none).

    Converted text keeps its styles; the fonts are renamed in the font declarations so the
    document does not keep asking for the legacy font."""
    try:
        return _convert_odt(data)
    except (etree.XMLSyntaxError, KeyError, ValueError) as exc:
        raise UnreadableDocument(str(exc)) from exc


def _convert_odt(data: bytes) -> Conversion:
    result = Conversion(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        content = etree.fromstring(archive.read("content.xml"), _PARSER)
        names = set(archive.namelist())
        styles_root = (
            etree.fromstring(archive.read("styles.xml"), _PARSER) if "styles.xml" in names else None
        )
    styles = _OdtStyles([root for root in (styles_root, content) if root is not None])
    body = content.find(_o("office", "body"))
    if body is None:
        return result
    _convert_odt_tree(body, styles.default_font, styles, result)
    if not result.runs:
        return result
    for root in (content, styles_root):
        if root is None:
            continue
        for face in root.iter(_o("style", "font-face")):
            if encoding_of_font(face.get(_o("svg", "font-family"), "").strip("'\"")):
                face.set(_o("svg", "font-family"), f"'{UNICODE_FONT}'")
    replacements = {"content.xml": etree.tostring(content, xml_declaration=True, encoding="UTF-8")}
    if styles_root is not None:
        replacements["styles.xml"] = etree.tostring(
            styles_root, xml_declaration=True, encoding="UTF-8"
        )
    result.data = _rewrite_zip(data, replacements)
    return result
