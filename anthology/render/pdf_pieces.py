"""The print master in pieces: Typst lays out a 1,100-page book in one process in more than a
gigabyte, so the body is cut into runs of essays and profiles (`cut`), each cleaned, converted
and laid out in a process of its own, knowing the folio it starts at; the front matter comes
last, when every page is known. Then the pieces are joined (`join`) into one PDF carrying what
crosses them: folios running on, the contents' page numbers and their links, jumps between
essays, the bookmarks, the page labels, the named destinations, one structure tree
(`pdf_tags`), the declared standard and the printer's boxes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    Fit,
    FloatObject,
    NameObject,
    NullObject,
    RectangleObject,
    TextStringObject,
)

from anthology.render.pandoc import identifiers
from anthology.render.pdf_tags import Tags
from anthology.render.tools import MM

# The characters of markdown a piece holds at most: about 250 pages of B5, which Typst lays out
# in about 250 MB (measured on the 300-essay book of `bench.bench_anthology`).
PIECE_CHARACTERS = 400_000
# A link from one piece to a page in another: "gsdest:" + the label (`join` points it there).
CROSSING = "gsdest:"
# Labels the template itself sets: in the front matter, or in the last piece.
FRONT_LABELS = ("loi-gioi-thieu",)
LAST_LABELS = ("danh-sach", "chi-muc")


@dataclass
class Piece:
    """A run of the body laid out alone: its sections' markdown, and whether a recto follows
    it (a part title)."""

    markdown: list[str] = field(default_factory=list)
    before_recto: bool = False

    @property
    def characters(self) -> int:
        return sum(len(text) for text in self.markdown)


def cut(sections: list[tuple[int, str]], limit: int | None = None) -> list[Piece]:
    """The body's sections (`book.body_sections`, each opening a page) in pieces of at most
    `limit` (`PIECE_CHARACTERS`) characters, or one section (with its part's title) when it
    is longer."""
    limit = limit or PIECE_CHARACTERS
    pieces = [Piece()]
    after_part = False
    for level, markdown in sections:
        # A part title stays with what follows it: its blank back is laid out with them.
        fits = pieces[-1].characters + len(markdown) <= limit
        if pieces[-1].markdown and not after_part and not fits:
            pieces[-1].before_recto = level == 1
            pieces.append(Piece())
        pieces[-1].markdown.append(markdown)
        after_part = level == 1
    return pieces


def homes_of(blocks: list, number: int, homes: dict[str, tuple[int, str]]) -> None:
    """Record where each label of piece `number` stands: its piece and the heading it stands
    under (a jump from another piece lands there: Typst names only headings' places)."""
    heading = ""
    for block in blocks:
        if block["t"] == "Header" and block["c"][1][0]:
            heading = block["c"][1][0]
        _footnotes, _jumps, headings = _walk(block)
        for key in identifiers([block]):
            homes.setdefault(key, (number, key if key in headings else heading))


def cross(blocks: list, number: int, homes: dict[str, tuple[int, str]], last: int) -> int:
    """Turn each link of piece `number` into another piece into a `CROSSING` to the heading it
    lands under. Returns the piece's footnotes."""
    places = homes | {key: (-1, key) for key in FRONT_LABELS}
    places |= {key: (last, key) for key in LAST_LABELS}
    footnotes = 0
    for block in blocks:
        found, jumps, _headings = _walk(block)
        footnotes += found
        for target in jumps:
            place = places.get(target[0][1:])
            if place is not None and place[0] != number:
                target[0] = CROSSING + place[1]
    return footnotes


def _walk(block) -> tuple[int, list[list], set[str]]:
    """A block's footnotes, internal links ([url, title]) and headings' labels."""
    footnotes = 0
    jumps: list[list] = []
    headings: set[str] = set()
    stack = [block]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            kind, content = value.get("t"), value.get("c")
            # A picture's text alternative is never printed: a footnote there is not counted
            # (one in its figure's caption, which pandoc copies there, is counted once).
            if kind in ("Str", "Image") or content is None:
                continue
            if kind == "Note":
                footnotes += 1
            elif kind == "Link" and content[2][0].startswith("#"):
                jumps.append(content[2])
            elif kind == "Header" and content[1][0]:
                headings.add(content[1][0])
            if not isinstance(content, str):
                stack.append(content)
        elif isinstance(value, list):
            stack.extend(reversed(value))
    return footnotes, jumps, headings


@dataclass
class Laid:
    """A piece laid out: its file, its pages and where each of its headings stands
    (label → (page index in the piece, left, top))."""

    path: str
    pages: int
    places: dict[str, tuple[int, float, float]]


def read_laid(path: str) -> Laid:
    """The pages and the headings' places of a piece Typst wrote (its named destinations)."""
    reader = PdfReader(path)
    places = {}
    for name, dest in reader.named_destinations.items():
        index = reader.get_destination_page_number(dest)
        places[str(name)] = (index, float(dest.left or 0), float(dest.top or 0))
    return Laid(path, len(reader.pages), places)


def join(front: Laid, body: list[Laid], out: str, outline: list[dict], bleed_mm: float) -> str:
    """One PDF of the front matter and the body's pieces: every page with the printer's
    boxes; the roman and arabic page labels; each link across pieces pointing at its page;
    the bookmarks from `outline` (the contents' lines: level, key, title); the front's
    declared standard (its XMP told the whole page count)."""
    writer = PdfWriter(clone_from=front.path)
    for key in ("/Outlines", "/PageLabels", "/Names"):
        writer._root_object.pop(NameObject(key), None)
    tags = Tags(writer)
    places: dict[str, tuple[int, float, float]] = dict(front.places)
    for number, laid in enumerate(body, start=1):
        offset = len(writer.pages)
        reader = PdfReader(laid.path)
        for sheet in reader.pages:
            writer.add_page(sheet)
        tags.add(reader, writer.pages[offset:], number)
        for key, (index, left, top) in laid.places.items():
            places.setdefault(key, (offset + index, left, top))
    tags.finish()
    pages = writer.pages
    inset = bleed_mm * MM
    for sheet in pages:
        left, bottom, right, top = (float(v) for v in sheet.mediabox)
        sheet.bleedbox = RectangleObject((left, bottom, right, top))
        sheet.trimbox = RectangleObject((left + inset, bottom + inset, right - inset, top - inset))
        for annotation in sheet.get("/Annots") or []:
            _point(annotation.get_object(), places, pages)
    writer.set_page_label(0, front.pages - 1, style="/r")
    writer.set_page_label(front.pages, len(pages) - 1, style="/D", start=1)
    _bookmarks(writer, outline, places)
    _names(writer, places, pages)
    _page_count(writer, len(pages))
    with open(out, "wb") as fh:
        writer.write(fh)
    return out


def _dest(places, pages, key: str) -> ArrayObject | None:
    place = places.get(key)
    if place is None:
        return None
    index, left, top = place
    return ArrayObject(
        [pages[index].indirect_reference, NameObject("/XYZ"), FloatObject(left),
         FloatObject(top), NullObject()]
    )  # fmt: skip


def _point(annotation: DictionaryObject, places, pages) -> None:
    """A link Typst wrote as "gsdest:KEY" jumps to KEY's page; one that has none keeps its
    words only."""
    action = annotation.get("/A")
    if action is None:
        return
    action = action.get_object()
    uri = str(action.get("/URI", ""))
    if action.get("/S") != "/URI" or not uri.startswith(CROSSING):
        return
    dest = _dest(places, pages, uri[len(CROSSING) :])
    del annotation["/A"]
    if dest is not None:
        annotation[NameObject("/Dest")] = dest
    annotation[NameObject("/Contents")] = TextStringObject(uri[len(CROSSING) :])


def _bookmarks(writer: PdfWriter, outline: list[dict], places) -> None:
    parents: list = [None]
    for entry in outline:
        place = places.get(entry["key"])
        level = entry["level"]
        parent = parents[min(level - 1, len(parents) - 1)]
        if place is None:
            continue
        index, left, top = place
        item = writer.add_outline_item(
            title=entry["title"],
            page_number=index,
            parent=parent,
            fit=Fit.xyz(left, top, 0),
            is_open=False,
        )
        del parents[level:]
        parents.append(item)


def _names(writer: PdfWriter, places, pages) -> None:
    """Every heading's named destination, as Typst writes them for one document."""
    pairs = ArrayObject()
    for key in sorted(places):
        pairs += [TextStringObject(key), _dest(places, pages, key)]
    dests = DictionaryObject({NameObject("/Names"): pairs})
    names = DictionaryObject({NameObject("/Dests"): writer._add_object(dests)})
    writer._root_object[NameObject("/Names")] = names


def _page_count(writer: PdfWriter, count: int) -> None:
    stream = writer._root_object["/Metadata"].get_object()
    xmp = stream.get_data().decode("utf-8")
    xmp = re.sub(r"<xmpTPg:NPages>\d+<", f"<xmpTPg:NPages>{count}<", xmp)
    stream.set_data(xmp.encode("utf-8"))


def piece_data(piece: Piece | None, first: int, last: bool, footnotes: int = 0) -> dict:
    """What the template reads of the piece it lays out (`front.piece`)."""
    if piece is None:
        return {"kind": "front", "first": 1, "shift": 0, "footnotes": 0, "last": False,
                "before_recto": True}  # fmt: skip
    return {
        "kind": "body",
        "first": first,
        "shift": 1 - first % 2,
        "footnotes": footnotes,
        "last": last,
        "before_recto": piece.before_recto and not last,
    }
