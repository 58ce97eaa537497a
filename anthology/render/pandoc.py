"""The one place that runs pandoc for the book: its inputs (the cleaned document tree and the
metadata written into the build folder) and the run itself, with a time limit."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Callable, Mapping
from urllib.parse import unquote

from flask_babel import lazy_gettext as _l

from anthology.errors import BookBuildError
from anthology.render.book import (
    ESSAY_SUBHEADING_LEVEL,
    PARTS,
    PROFILE_KEY_PREFIX,
    Book,
    category_key,
    metadata,
    render,
)
from contest.documents import converter, essay_ast
from contest.documents.converter import MARKDOWN_IN
from contest.documents.essay_ast import TEXT_LEAVES
from contest.documents.pictures import MIMETYPES

DEFAULT_TIMEOUT_SECONDS = 600


def run_pandoc(args: list[str], cwd: str, timeout: int = DEFAULT_TIMEOUT_SECONDS) -> None:
    """The book's pandoc, through the one runner (`contest.documents.converter.run_pandoc`):
    sandboxed in the build folder, it reads only the files named on its command line (inputs,
    reference document, metadata, fonts), never one named inside the book; its heap is not
    capped (a book is large) and it takes no essay's conversion slot. A failure or an overrun
    is a BookBuildError."""
    try:
        converter.run_pandoc(args, timeout=timeout, cwd=cwd)
    except converter.PandocError as error:
        if error.failure == converter.PandocFailure.TIMEOUT:
            raise BookBuildError(
                _l("Pandoc chạy quá %(seconds)s giây; sách chưa dựng xong.", seconds=timeout)
            ) from error
        raise BookBuildError(_l("Pandoc báo lỗi: %(message)s", message=error.detail)) from error


def write_sources(book: Book, folder: str, *, for_docx: bool) -> tuple[str, str]:
    """The document tree (pandoc JSON) and metadata files pandoc reads, written into the build
    folder (see `clean_tree_file`)."""
    name = "book-docx" if for_docx else "book-epub"
    counts: list[int] = []
    tree_path = clean_tree_file(
        render(book, for_docx=for_docx),
        name,
        folder,
        book,
        inline=True,
        then=lambda tree: counts.extend(describe_pictures(tree)),
    )
    pictures, described = counts
    meta = os.path.join(folder, f"{name}.yaml")
    values = metadata(book, pictures, described)
    if for_docx:  # the title page is the book's own (book.render); properties come later
        for key in ("title", "subtitle", "date"):
            values.pop(key)
    with open(meta, "w", encoding="utf-8") as fh:
        json.dump(values, fh, ensure_ascii=False)  # JSON is YAML
    return tree_path, meta


def describe_pictures(tree: dict) -> tuple[int, int]:
    """Give each picture without a text alternative its caption as one (a picture from Word
    usually arrives with none), and count the pictures and those described."""
    counts = [0, 0]

    def caption_words(caption) -> list:
        blocks = caption[1] if caption and len(caption) > 1 else []
        return [inline for block in blocks for inline in block.get("c", [])]

    def walk(value, caption) -> None:
        if isinstance(value, list):
            for item in value:
                if not (isinstance(item, dict) and item.get("t") in TEXT_LEAVES):
                    walk(item, caption)
        elif isinstance(value, dict):
            if value.get("t") == "Figure":
                caption = caption_words(value["c"][1])
            if value.get("t") == "Image":
                counts[0] += 1
                if not value["c"][1] and caption:
                    value["c"][1] = caption
                counts[1] += bool(value["c"][1])
            for item in value.values():
                walk(item, caption)

    walk(tree, [])
    return counts[0], counts[1]


def clean_tree_file(
    markdown: str,
    name: str,
    folder: str,
    book: Book,
    *,
    inline: bool = False,
    then: Callable[[dict], None] = lambda tree: None,
) -> str:
    """`markdown` as a cleaned document tree in `folder`/NAME.json. The tree is cleaned first
    (`contest.documents.essay_ast`): only http, https and mailto links, and only pictures that
    are files inside the build folder, so building the book never fetches a web address nor copies a
    server file named by an essay; a jump to a bookmark the book does not have keeps its words
    only, noted in `book.notes`. With `inline`, each picture travels inside the tree as a
    data: address, for a pandoc that may read no file. The organiser's picture descriptions
    become the pictures' text alternatives. An essay's own subheadings stay out of the
    contents, which list parts, essays, profile groups and profiles. `then` finishes the tree
    for its format before it is written (a book's tree is read and written once)."""
    tree_path = tree_file(markdown, name, folder)
    with open(tree_path, encoding="utf-8") as fh:
        tree = json.load(fh)
    clean(tree, folder, book, inline=inline)
    drop_broken_jumps(tree, book)
    then(tree)
    write_tree(tree, tree_path)
    return tree_path


def tree_file(markdown: str, name: str, folder: str) -> str:
    """`markdown` as pandoc's document tree in `folder`/NAME.json, not yet cleaned."""
    source = os.path.join(folder, f"{name}.md")
    tree_path = os.path.join(folder, f"{name}.json")
    with open(source, "w", encoding="utf-8") as fh:
        fh.write(markdown)
    run_pandoc(["-f", MARKDOWN_IN, "-t", "json", "-o", tree_path, source], folder)
    return tree_path


def write_tree(tree: dict, path: str) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(tree, ensure_ascii=False))  # dumps uses the C encoder, dump does not


def clean(tree: dict, folder: str, book: Book, *, inline: bool = False) -> None:
    """The cleaning `clean_tree_file` describes, but for the jumps to missing bookmarks
    (`drop_broken_jumps`, which needs every bookmark of the book)."""
    descriptions = book.picture_descriptions()
    if descriptions:
        _describe(tree, descriptions)
    keep = _inline if inline else _inside
    essay_ast.clean_tree(tree, lambda target: keep(folder, target))
    _fit_essays(tree["blocks"], book)


def _fit_essays(blocks: list, book: Book) -> None:
    """An essay never holds one of the book's own labels (a part's, an essay's, a profile's,
    "chi-muc"…): its author's `{#phan-2}` would take the bookmark, the contents line and the
    jumps meant for that heading. Nor a part's or an essay's level of heading: one inside a
    quotation or a list ("> # …", which `book._essay_markdown` does not see) would open a
    page inside it, and Typst stops. Inside an essay (after its level-2 heading, until the
    next heading of level 1 or 2) such an identifier is dropped, the words staying, and such
    a heading becomes a subheading."""
    essays = {essay.key for essay in book.essays}
    labels = essays | {key for key, _number, _title in PARTS} | {p.key for p in book.profiles}
    labels |= {category_key(code) for code, _ in book.profile_groups()}
    labels |= {"loi-gioi-thieu", "danh-sach", "chi-muc"}
    inside = False

    def walk(value) -> None:
        if isinstance(value, dict):
            if value.get("t") == "Header" and value["c"][0] < ESSAY_SUBHEADING_LEVEL:
                value["c"][0] = ESSAY_SUBHEADING_LEVEL
            for item in value.values():
                if isinstance(item, list | dict):
                    walk(item)
        elif isinstance(value, list):
            if len(value) == 3 and isinstance(value[0], str) and value[0] in labels:
                if isinstance(value[1], list) and isinstance(value[2], list):
                    value[0] = ""
            for item in value:
                if isinstance(item, list) or (
                    isinstance(item, dict) and item.get("t") not in TEXT_LEAVES
                ):
                    walk(item)

    for block in blocks:
        if block["t"] == "Header" and block["c"][0] <= 2:
            inside = block["c"][1][0] in essays
        elif inside:
            walk(block)


def identifiers(blocks: list) -> set[str]:
    """Every identifier the blocks define."""
    return _identifiers(blocks, set())


def _identifiers(value, found: set[str]) -> set[str]:
    """Every identifier the tree defines: any node's attributes ([id, classes, pairs])."""
    if isinstance(value, dict):
        for item in value.values():
            _identifiers(item, found)
    elif isinstance(value, list):
        is_attr = (
            len(value) == 3
            and isinstance(value[0], str)
            and isinstance(value[1], list)
            and isinstance(value[2], list)
            and all(isinstance(c, str) for c in value[1])
        )
        if is_attr and value[0]:
            found.add(value[0])
        for item in value:
            if not (isinstance(item, dict) and item.get("t") in TEXT_LEAVES):
                _identifiers(item, found)
    return found


def drop_broken_jumps(tree: dict, book: Book, known: set[str] | None = None) -> None:
    """A link to a bookmark the book does not have (an essay's "[above](#nowhere)", a Word
    table of contents' "#_Toc…") keeps its words only: EPUBCheck refuses it and Typst stops
    on it. The essay it was in goes into `book.notes`. `known`: the book's bookmarks, when
    the tree is only a part of it. An essay's own subheadings stay out of the contents."""
    if known is None:
        known = _identifiers(tree["blocks"], set())
    titles = {essay.key: essay.title for essay in book.essays}
    current = ""

    def unlinked(value) -> bool:
        dropped = False
        if isinstance(value, list):
            rebuilt, unwrapped = [], False
            for item in value:
                if isinstance(item, dict) and item.get("t") in TEXT_LEAVES:
                    rebuilt.append(item)
                    continue
                if isinstance(item, dict) and item.get("t") == "Link":
                    target = unquote(item["c"][2][0])
                    if target.startswith("#") and target[1:] not in known:
                        dropped = unwrapped = True
                        unlinked(item["c"][1])
                        rebuilt.extend(item["c"][1])
                        continue
                dropped |= unlinked(item)
                rebuilt.append(item)
            if unwrapped:
                value[:] = rebuilt
        elif isinstance(value, dict):
            for item in value.values():
                dropped |= unlinked(item)
        return dropped

    for block in tree["blocks"]:
        if block["t"] == "Header" and block["c"][1][0] in titles:
            current = titles[block["c"][1][0]]
        if unlinked(block):
            note = str(
                _l("Bài «%(title)s»: bỏ liên kết tới mục không có trong bài (giữ lại chữ).",
                   title=current or "?")
            )  # fmt: skip
            if note not in book.notes:
                book.notes.append(note)
    for block in tree["blocks"]:
        if block["t"] == "Header" and block["c"][0] >= 3:
            identifier, classes, _pairs = block["c"][1]
            if not identifier.startswith(PROFILE_KEY_PREFIX) and "unlisted" not in classes:
                classes.append("unlisted")


def _describe(value, descriptions: Mapping[str, str]) -> None:
    """Set the text alternative of each picture the organiser described (before the sources
    are rewritten); a visible caption stays as it is."""
    if isinstance(value, list):
        for item in value:
            _describe(item, descriptions)
    elif isinstance(value, dict):
        if value.get("t") == "Image" and value["c"][2][0] in descriptions:
            words = descriptions[value["c"][2][0]].split()
            value["c"][1] = [
                node for word in words for node in ({"t": "Space"}, {"t": "Str", "c": word})
            ][1:]
        for item in value.values():
            _describe(item, descriptions)


def _inline(folder: str, source: str) -> str | None:
    """The picture at `source` inside the build folder as a data: address, or None."""
    inside = _inside(folder, source)
    if inside is None:
        return None
    mimetype = MIMETYPES.get(os.path.splitext(inside)[1].lower())
    if mimetype is None:
        return None
    with open(os.path.join(folder, inside), "rb") as fh:
        return f"data:{mimetype};base64,{base64.b64encode(fh.read()).decode()}"


def _inside(folder: str, source: str) -> str | None:
    """`source` if it names a file inside the build folder by a relative path, else None."""
    if "://" in source or source.startswith("/") or ".." in source.split("/"):
        return None
    path = os.path.realpath(os.path.join(folder, source))
    inside = path.startswith(os.path.realpath(folder) + os.sep) and os.path.isfile(path)
    return source if inside else None
