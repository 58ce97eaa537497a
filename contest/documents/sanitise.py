"""Converted essay HTML made safe to show: the last guard before anything an author wrote
reaches a page (intake already dropped unsafe links and pictures; this also covers what was
stored before, and anything a converter lets through).

nh3 (the Rust `ammonia` sanitiser) keeps an allow-list of tags and attributes and drops every
script, style, event handler and frame. On top of it: a picture shows only when its source is
one of the essay's own stored pictures (served by an access-checked route); a link keeps its
target only when it is http, https or mailto (or a footnote jump), and for judges no link leads
out of the app at all."""

from __future__ import annotations

import re
from collections.abc import Callable

import nh3
from markupsafe import Markup

from contest.documents.essay_ast import is_safe_target

ESSAY_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "u", "s", "del",
    "ins", "sub", "sup", "span", "div", "blockquote", "pre", "code", "ul", "ol", "li", "dl",
    "dt", "dd", "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th",
    "td", "figure", "figcaption", "img", "a", "section", "aside",
}  # fmt: skip
ESSAY_ATTRIBUTES = {
    "a": {"href", "id", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "li": {"id"},
    "ol": {"start", "type"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "section": {"id"},
}
ESSAY_CLASSES = {
    "a": {"footnote-ref", "footnote-back"},
    "section": {"footnotes", "footnotes-end-of-document"},
}
_FOOTNOTE_ID = re.compile(r"^(fn|fnref)\d+$|^footnotes$")
_MEDIA = "media/"


def essay_markup(
    html: str, picture_url: Callable[[str], str], *, outside_links: bool = True
) -> Markup:
    """Sanitised essay HTML; `picture_url(name)` is the route of the stored picture `name`.

    With `outside_links=False` (judges' copies) only footnote jumps remain links."""

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if tag == "img" and attribute == "src":
            name = value.removeprefix(_MEDIA)
            if not value.startswith(_MEDIA) or ".." in name.split("/") or "\\" in name:
                return None
            return picture_url(name)
        if tag == "a" and attribute == "href":
            if value.startswith("#"):
                return value if _FOOTNOTE_ID.match(value[1:]) else None
            return value if outside_links and is_safe_target(value) else None
        if attribute == "id":
            return value if _FOOTNOTE_ID.match(value) else None
        return value

    cleaned = nh3.clean(
        html,
        tags=ESSAY_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ESSAY_ATTRIBUTES,
        allowed_classes=ESSAY_CLASSES,
        attribute_filter=keep,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return Markup(cleaned)  # noqa: S704 - sanitised just above
