"""Pandoc's document tree (its JSON form) walked in Python: the one place that decides what an
essay may link to and which pictures it may show, used at intake, for the judges' copy and for
the book.

A link survives only with an http, https or mailto target (or a jump inside the document);
anything else — `javascript:`, `data:`, `vbscript:`, a file path — keeps its words and loses its
target. A picture survives only when the caller's `picture` function gives it a new source,
so a picture pointing at a web address or a server file is dropped, never fetched. Raw HTML,
LaTeX and other raw passages are dropped whole."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

SAFE_SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_EMPTY_ATTR: list[Any] = ["", [], []]
_KEPT_PICTURE_ATTRIBUTES = ("width", "height")
# Nodes that hold only text (or nothing): no link, picture or raw code can be inside them,
# so a walk over a whole book steps over them (they are most of its nodes).
TEXT_LEAVES = frozenset({"Str", "Space", "SoftBreak", "LineBreak"})
# Formatting that the plain text (read by the leak scan) writes with markers or in capitals:
# the judges' copy keeps only the words, so the scan reads exactly what judges see.
_FLATTENED_FOR_JUDGES = ("Subscript", "Superscript", "Strikeout", "SmallCaps")
# Where each node kind keeps its attributes (id, classes, key=value pairs): text the scan never
# reads but the judges' HTML source would carry (`<span title="…">`, a table's or a figure's
# `id="nguyen-van-a"`), so judges get none.
_ATTRIBUTE_AT = {
    "Span": 0,
    "Div": 0,
    "Code": 0,
    "CodeBlock": 0,
    "Header": 1,
    "Table": 0,
    "Figure": 0,
}


class LinkPolicy(StrEnum):
    KEEP_SAFE = "keep_safe"  # safe links stay links; others keep their words only
    # For judges: every link becomes its words followed by its target, as plain text, and
    # formatting the scan cannot read as written (sub/superscript, strikeout, small caps) goes.
    AS_TEXT = "as_text"


@dataclass
class Outcome:
    """What the walk took out, for the notices shown to the author."""

    dropped_pictures: int = 0
    dropped_links: int = 0


def is_safe_target(url: str) -> bool:
    """An http(s) or mailto address, or a jump inside the document. Browsers ignore control
    characters and spaces inside a scheme (`java\\tscript:`), so they are ignored here too."""
    squeezed = "".join(ch for ch in url if ch > " ")
    match = _SCHEME.match(squeezed)
    if match is not None:
        return match.group(1).lower() in SAFE_SCHEMES
    return squeezed.startswith("#") and len(squeezed) > 1


def shown_target(url: str) -> str:
    """How a link's target reads as text: an e-mail address without its `mailto:`."""
    url = url.strip()
    return url[len("mailto:") :] if url.lower().startswith("mailto:") else url


def clean_tree(
    document: dict,
    picture: Callable[[str], str | None],
    links: LinkPolicy = LinkPolicy.KEEP_SAFE,
) -> Outcome:
    """Rewrite `document` (pandoc JSON) in place. `picture(source)` returns the new source of
    a picture to keep, or None to drop it."""
    outcome = Outcome()

    def replacement(node: dict) -> list | None:
        kind = node.get("t")
        if kind == "Image":
            attr, _alt, target = node["c"]
            source = picture(target[0])
            if source is None:
                outcome.dropped_pictures += 1
                return []
            target[0], target[1] = source, ""  # a title shows as a tooltip: dropped
            node["c"][0] = ["", [], [kv for kv in attr[2] if kv[0] in _KEPT_PICTURE_ATTRIBUTES]]
            return None
        if kind == "Link":
            _attr, content, (url, _title) = node["c"]
            node["c"][0] = _EMPTY_ATTR
            node["c"][2][1] = ""
            if links == LinkPolicy.AS_TEXT:
                shown = shown_target(url)
                if not shown or shown.startswith("#"):
                    return content
                return [*content, {"t": "Space"}, {"t": "Str", "c": f"({shown})"}]
            if is_safe_target(url):
                return None
            outcome.dropped_links += 1
            return content
        if kind in ("RawInline", "RawBlock"):
            return []
        if links == LinkPolicy.AS_TEXT and kind in _FLATTENED_FOR_JUDGES:
            return node["c"]
        if links == LinkPolicy.AS_TEXT and kind in _ATTRIBUTE_AT:
            node["c"][_ATTRIBUTE_AT[kind]] = list(_EMPTY_ATTR)
        return None

    def walk(value: Any) -> None:
        """Rewrite in place: a list is rebuilt only where one of its nodes is replaced."""
        if isinstance(value, list):
            replaced_any = False
            result: list = []
            for item in value:
                if isinstance(item, dict) and item.get("t") in TEXT_LEAVES:
                    result.append(item)
                    continue
                replaced = replacement(item) if isinstance(item, dict) and "t" in item else None
                if replaced is None:
                    walk(item)
                    result.append(item)
                else:
                    walk(replaced)
                    result.extend(replaced)
                    replaced_any = True
            if replaced_any:
                value[:] = result
        elif isinstance(value, dict):
            for item in value.values():
                if isinstance(item, list | dict):
                    walk(item)

    walk(document["blocks"])
    return outcome
