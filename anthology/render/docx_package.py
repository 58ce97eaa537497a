"""The DOCX package made clean after the book is laid out: its properties, and what the default
templates of python-docx and pandoc leave behind (old compatibility mode, extended and custom
properties, an empty comments part, a ja-JP theme language, some two hundred unused styles)."""

from __future__ import annotations

from datetime import datetime

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from anthology.render.book import Book


def set_vietnamese(rpr) -> None:
    """Mark a run's (or a style's) properties as Vietnamese, whatever script it is in."""
    language = rpr.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        rpr.append(language)
    for attribute in ("w:val", "w:eastAsia", "w:bidi"):
        language.set(qn(attribute), "vi-VN")


def core_properties(document, book: Book) -> None:
    props = document.core_properties
    props.title, props.subject = book.title, book.subtitle
    props.author = props.last_modified_by = book.publisher
    props.comments, props.category = book.rights, "Tuyển tập"
    props.keywords = "gương điển hình tiên tiến; người tốt việc tốt"
    props.language, props.identifier = "vi-VN", book.identifier()
    props.revision = 1
    props.created = props.modified = datetime(book.year, 1, 1)
    props.content_status, props.version = "", ""


def _drop_part(document, reltype_suffix: str) -> None:
    """Remove a package part the template brought along (python-docx keeps unknown parts)."""
    for part in (document.part.package, document.part):
        for rel_id, rel in list(part.rels.items()):
            if rel.reltype.endswith(reltype_suffix):
                del part.rels[rel_id]


def clean_template_leftovers(document) -> None:
    """What python-docx's and pandoc's default templates leave behind: Word 2010 compatibility
    mode, the extended properties naming "Microsoft Macintosh Word" and Normal.dotm, pandoc's
    custom-property dump of the metadata, an empty comments part and a ja-JP theme language."""
    settings = document.settings.element
    for setting in settings.iter(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "15")
    for language in settings.iter(qn("w:themeFontLang")):
        for attribute in list(language.attrib):
            language.attrib.pop(attribute)
        language.set(qn("w:val"), "vi-VN")
    _drop_part(document, "/extended-properties")
    _drop_part(document, "/custom-properties")
    for rel_id, rel in list(document.part.rels.items()):
        if rel.is_external or not rel.reltype.endswith("/comments"):
            continue
        if b"<w:comment " not in rel.target_part.blob:
            del document.part.rels[rel_id]


def drop_unused_styles(document) -> None:
    """Keep the styles the book uses (with those they are based on, linked to or followed
    by) and the defaults; python-docx's template brings some two hundred others."""
    styles = document.styles.element
    parts = [
        document.part,
        *(rel.target_part for rel in document.part.rels.values() if not rel.is_external),
    ]
    used = set()
    for part in parts:
        element = getattr(part, "element", None)
        if element is None:
            continue
        for tag in ("w:pStyle", "w:rStyle", "w:tblStyle"):
            used.update(e.get(qn("w:val")) for e in element.iter(qn(tag)))
    by_id = {style.get(qn("w:styleId")): style for style in styles.iter(qn("w:style"))}
    defaults = {i for i, style in by_id.items() if style.get(qn("w:default")) == "1"}
    # Word's refresh of the contents writes TOC 1 and TOC 2.
    pending = [i for i in used | defaults | {"TOC1", "TOC2", "TOCHeading"} if i in by_id]
    keep: set[str] = set()
    while pending:
        style_id = pending.pop()
        if style_id in keep:
            continue
        keep.add(style_id)
        for tag in ("w:basedOn", "w:link", "w:next"):
            pending += [
                ref.get(qn("w:val"))
                for ref in by_id[style_id].findall(qn(tag))
                if ref.get(qn("w:val")) in by_id
            ]
    for style_id, style in by_id.items():
        if style_id not in keep:
            styles.remove(style)
