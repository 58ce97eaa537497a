"""The print master: pandoc writes the body (parts, essays, profiles, the list of winners) as
Typst from the cleaned document tree, and Typst lays it out with our template
(anthology/assets/book.typ) in pieces, each in a process of its own (`pdf_pieces`), then the
title page, colophon, foreword and contents once every page is known: running heads, folios,
the author index with pages. Fonts are embedded from fixed files, never the machine's own, so
every build looks the same."""

from __future__ import annotations

import json
import os
import re

from flask_babel import lazy_gettext as _l
from PIL import Image

from anthology import trim
from anthology.render.book import PARTS, Book, PageSetup, body_sections, category_key
from anthology.render.fonts import FAMILIES
from anthology.render.pandoc import (
    DEFAULT_TIMEOUT_SECONDS,
    clean,
    drop_broken_jumps,
    run_pandoc,
    tree_file,
    write_tree,
)
from anthology.render.pdf_pieces import Laid, cross, cut, homes_of, join, piece_data, read_laid
from anthology.render.tools import error_tail, prepare_typst, run_typst, write_data
from anthology.trim import GUTTER_MM
from contest.documents.essay_ast import shown_target

TEMPLATE = os.path.join(os.path.dirname(os.path.dirname(__file__)), "assets", "book.typ")
# A picture prints sharp at 300 ppi; it is never stretched beyond 200 ppi.
GOOD_PPI, MIN_PPI = 300, 200


def addresses_in_print(value) -> None:
    """On paper a link is its words and its address: "trang của xã (https://…)"; a link that
    shows its own address stays as it is. The link stays live for reading on screen."""
    if isinstance(value, dict):
        for item in value.values():
            addresses_in_print(item)
        return
    if not isinstance(value, list):
        return
    rebuilt = []
    for item in value:
        addresses_in_print(item)
        rebuilt.append(item)
        if isinstance(item, dict) and item.get("t") == "Link":
            url = item["c"][2][0]
            shown = shown_target(url)
            words = "".join(n.get("c", " ") for n in item["c"][1] if n.get("t") in ("Str", "Space"))
            if not url.startswith("#") and words.strip() not in (url, shown):
                rebuilt += [{"t": "Space"}, {"t": "Str", "c": f"({shown})"}]
    value[:] = rebuilt


# A profile's facts ("Loại:", "Đơn vị:" …) and its "Thành tích:" label: kept whole, and with
# what follows, so a name never ends a page with only its facts below it.
KEPT_WITH_NEXT = ("Profile Fact", "Profile Label")


def keep_with_next(value) -> None:
    """Mark those blocks for Typst (`#block(sticky: true, breakable: false)`); pandoc reads a
    Div's `typst:` attributes as the block's own."""
    if isinstance(value, list):
        for item in value:
            keep_with_next(item)
    elif isinstance(value, dict):
        if value.get("t") == "Div":
            attributes = value["c"][0][2]
            if any(k == "custom-style" and v in KEPT_WITH_NEXT for k, v in attributes):
                attributes += [["typst:sticky", "true"], ["typst:breakable", "false"]]
        for item in value.values():
            keep_with_next(item)


def size_pictures(tree: dict, folder: str, page: PageSetup) -> list[tuple[str, int, int]]:
    """Landscape pictures span the text block; portraits are capped at a third of its height,
    so a portrait photo never takes a page and pushes its caption to the next. No picture is
    stretched beyond its pixels at 200 ppi. Returns the pictures printed below 300 ppi:
    (source, printed width in mm, ppi)."""
    width, height = trim.size_mm(page.size)
    block_mm = width - 2 * page.margin_mm - GUTTER_MM
    cap_mm = (height - 2 * page.margin_mm) // 3
    coarse: list[tuple[str, int, int]] = []

    def walk(value) -> None:
        if isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            if value.get("t") == "Image":
                attr, _alt, (source, _title) = value["c"]
                with Image.open(os.path.join(folder, source)) as picture:
                    pixels = picture.size
                portrait = pixels[1] > pixels[0]
                longest_mm = _at_ppi(pixels[1] if portrait else pixels[0], MIN_PPI)
                side_mm = min(cap_mm if portrait else block_mm, longest_mm)
                attr[2] = [["height" if portrait else "width", f"{side_mm:.1f}mm"]]
                printed_w = side_mm * pixels[0] / pixels[1] if portrait else side_mm
                ppi = round(pixels[0] / (printed_w / 25.4))
                if ppi < GOOD_PPI:
                    coarse.append((source, round(printed_w), ppi))
            for item in value.values():
                walk(item)

    walk(tree)
    return coarse


def _at_ppi(pixels: int, ppi: int) -> float:
    return pixels / ppi * 25.4


# Printed discreetly at the head of every page while a legal line of the colophon is empty.
PROOF_MARK = "BẢN THẢO — chưa đủ thông tin xuất bản"


def front_matter(book: Book, page: PageSetup) -> dict:
    """Everything the template prints besides the body, as plain strings: Typst shows a string
    as text, never as code. The cover is printed apart (`render.cover`)."""
    width, height = trim.size_mm(page.size)
    return {
        "title": book.title,
        "subtitle": book.subtitle,
        "proof_mark": PROOF_MARK if book.colophon_gaps else None,
        "authors": book.authors,
        "keywords": ["gương điển hình tiên tiến", "người tốt việc tốt"],
        "fonts": FAMILIES,
        "font_size": 10.5 if width < 160 else 11.5,  # A5 and the 13–14,5 cm books
        "page": {
            "width": width + 2 * page.bleed_mm,
            "height": height + 2 * page.bleed_mm,
            "margin": page.margin_mm,
            "gutter": GUTTER_MM,
            "bleed": page.bleed_mm,
        },
        "issuing_bodies": book.issuing_bodies,
        "date_line": book.date_line,
        "publisher": book.publisher,
        "editorial_board": book.editorial_board,
        "colophon_people": book.colophon_people,
        "colophon_closing": book.colophon_closing,
        "rights": book.rights,
        "foreword": [p.strip() for p in book.foreword.split("\n\n") if p.strip()],
        "foreword_signer": book.foreword_signer,
        "contents": contents(book),
        # A part title's two lines, and each recto head's words (shortened to one line there).
        "parts": {key: [number, title] for key, number, title in PARTS},
        "heads": heads_of(book),
        "winners": [
            [str(number), essay.prize, essay.title, essay.author, essay.unit]
            for number, essay in enumerate(book.essays, start=1)
        ],
        "author_index": [
            {"author": label, "essays": [{"title": e.title, "key": e.key} for e in essays]}
            for label, essays in book.author_index()
        ],
    }


def contents(book: Book) -> list[dict]:
    """The contents' lines in order: level, heading label, title and, for an essay, author."""
    lines = []

    def add(level: int, key: str, title: str, author: str | None = None) -> None:
        lines.append({"level": level, "key": key, "title": title, "author": author})

    if book.foreword.strip():
        add(1, "loi-gioi-thieu", "Lời giới thiệu")
    (part_one, *_), (part_two, *_) = PARTS
    add(1, part_one, heads_of(book)[part_one])
    for essay in book.essays:
        add(2, essay.key, essay.title, essay.author)
    add(1, part_two, heads_of(book)[part_two])
    for code, profiles in book.profile_groups():
        add(2, category_key(code), book.category_label(code))
        for profile in profiles:
            add(3, profile.key, profile.name)
    add(1, "danh-sach", "Danh sách tác giả đoạt giải")
    add(1, "chi-muc", "Chỉ mục tác giả")
    return lines


def heads_of(book: Book) -> dict[str, str]:
    """Each part's, essay's and profile group's title by its heading label."""
    return (
        {key: f"{number} {title}" for key, number, title in PARTS}
        | {essay.key: essay.title for essay in book.essays}
        | {category_key(code): book.category_label(code) for code, _ in book.profile_groups()}
    )


def write_pdf(
    book: Book, folder: str, out: str, page: PageSetup, timeout: int = DEFAULT_TIMEOUT_SECONDS
) -> str:
    """The print master, laid out in pieces (`pdf_pieces`): the body's runs first, each
    knowing the folio it starts at, then the front matter with every contents line's page,
    then joined. Only one piece's document tree is held at a time."""
    pieces = cut(body_sections(book))
    # Each piece's tree, cleaned; then every bookmark of the book is known.
    homes: dict[str, tuple[int, str]] = {}
    trees = []
    for number, piece in enumerate(pieces):
        trees.append(tree_file("\n".join(piece.markdown) + "\n", f"book-pdf-{number}", folder))
        tree = _read(trees[-1])
        clean(tree, folder, book)
        homes_of(tree["blocks"], number, homes)
        write_tree(tree, trees[-1])
    body = os.path.join(folder, "body.typ")

    def failure(done):
        """Typst's message, with the essay whose part of the body it points at."""
        message = error_tail(done)
        essay = failing_essay(book, body, done.stderr.decode("utf-8", "replace"))
        if essay:
            return _l("Typst báo lỗi khi dàn trang PDF, ở bài «%(title)s»: %(message)s",
                      title=essay, message=message)  # fmt: skip
        return _l("Typst báo lỗi khi dàn trang PDF: %(message)s", message=message)

    overrun = _l("Dàn trang PDF chạy quá %(seconds)s giây; sách chưa dựng xong.", seconds=timeout)
    main = prepare_typst(TEMPLATE, folder)
    data = front_matter(book, page)
    folios: dict[str, str] = {}
    laid: list[Laid] = []
    first, footnotes = 1, 0
    for number, (piece, tree_path) in enumerate(zip(pieces, trees, strict=True)):
        last = number == len(pieces) - 1
        tree = _read(tree_path)
        drop_broken_jumps(tree, book, set(homes))
        for source, printed_mm, ppi in size_pictures(tree, folder, page):
            book.notes.append(_coarse_note(book, source, printed_mm, ppi))
        addresses_in_print(tree["blocks"])
        keep_with_next(tree["blocks"])
        counted = cross(tree["blocks"], number, homes, len(pieces) - 1)
        write_tree(tree, tree_path)
        del tree
        # "@name" in an essay is words, not a citation (Typst stops: no bibliography).
        run_pandoc(["-f", "json", "-t", "typst-citations", "-o", body, tree_path], folder, timeout)
        data["piece"] = piece_data(piece, first, last, footnotes)
        if last:
            for entry in data["author_index"]:
                for essay in entry["essays"]:
                    essay["folio"] = folios.get(essay["key"])
        write_data(folder, "front.json", data)
        path = os.path.join(folder, f"piece-{number}.pdf")
        run_typst(main, path, timeout=timeout, overrun_message=overrun, failure=failure)
        laid.append(read_laid(path))
        folios |= {key: str(first + at[0]) for key, at in laid[-1].places.items()}
        first += laid[-1].pages
        footnotes += counted
    data["piece"] = piece_data(None, 1, False)
    for entry in data["contents"]:
        entry["folio"] = folios.get(entry["key"])
    write_data(folder, "front.json", data)
    path = os.path.join(folder, "piece-front.pdf")
    run_typst(main, path, timeout=timeout, overrun_message=overrun, failure=failure)
    return join(read_laid(path), laid, out, data["contents"], page.bleed_mm)


def _read(path: str) -> dict:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _coarse_note(book: Book, source: str, printed_mm: int, ppi: int) -> str:
    """ "«Title»: picture file0.png prints 120 mm wide at 180 ppi (below 300)"."""
    key = os.path.splitext(source.split("/")[0])[0]  # "bai-3/media/x.png" or "guong-7.jpg"
    titles = {e.key: e.title for e in book.essays} | {p.key: p.name for p in book.profiles}
    return str(
        _l(
            "«%(title)s»: ảnh %(name)s in rộng %(mm)s mm, chỉ %(ppi)s ppi (dưới %(good)s "
            "ppi, bản in sẽ mờ; nên thay ảnh lớn hơn).",
            title=titles.get(key, key),
            name=os.path.basename(source),
            mm=printed_mm,
            ppi=ppi,
            good=GOOD_PPI,
        )
    )


def failing_essay(book: Book, body: str, message: str) -> str:
    """The title of the essay whose part of the body Typst's error points at ("body.typ:812"):
    the last essay label (`<bai-3>`, from its heading) before that line; "" if none."""
    match = re.search(r"body\.typ:(\d+)", message)
    if match is None:
        return ""
    titles = {f"<{essay.key}>": essay.title for essay in book.essays}
    found = ""
    with open(body, encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if number > int(match.group(1)):
                break
            found = titles.get(line.strip(), found)
    return found
