"""The book as plain data, and its one pandoc-markdown rendering that both DOCX and EPUB are
built from. Nothing here touches the database or uploaded files.

The words of the book itself ("Mục lục", "Phần I …") are the book's Vietnamese text, not the
interface's: they are not translated."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from anthology.colophon import normalise_isbn
from contest.platform.text import escape_markdown as esc
from contest.platform.text import vietnamese_key

TOC_MARK = "GUONGSANG-MUC-LUC"
PROFILE_KEY_PREFIX = "guong-"  # profiles' heading ids; an essay's subheadings have others
BODY_MARK = "GUONGSANG-HET-PHAN-DAU"
PAGE_REF_MARK = "GUONGSANG-TRANG-"  # + an essay's key: its page in the DOCX's author index
# The two parts: heading id, number line and title line (a part title is set on two lines).
PARTS = (
    ("phan-1", "Phần I.", "Những bài viết đoạt giải"),
    ("phan-2", "Phần II.", "Gương điển hình tiên tiến"),
)


@dataclass
class BookEssay:
    key: str  # folder of its pictures inside the build, e.g. "bai-3"
    title: str
    author: str
    unit: str
    prize: str
    markdown: str
    # The organiser's text alternatives for its pictures, by picture name ("photo1.png").
    descriptions: dict[str, str] = field(default_factory=dict)


@dataclass
class BookProfile:
    key: str
    name: str
    kind: str
    category: str
    unit: str
    address: str
    position: str
    achievements: str
    commendations: str
    photo: str | None  # path inside the build folder


@dataclass(frozen=True)
class PageSetup:
    """The printed book's paper and margins (the EPUB has none)."""

    size: str = "B5"
    margin_mm: int = 20
    # Paper added beyond the trim on every side for the cutter (3 mm when a printer asks).
    bleed_mm: float = 0


def date_line(place: str, year: int) -> str:
    """ "Sơn La, 2020" at the foot of the title page and the front cover."""
    return f"{place}, {year}" if place else str(year)


@dataclass
class Book:
    slug: str
    title: str
    subtitle: str
    publisher: str
    year: int  # the book's own year, which may follow the contest's
    rights: str
    foreword: str
    place: str = ""
    issuing_bodies: list[str] = field(default_factory=list)
    foreword_signer: list[str] = field(default_factory=list)
    editorial_board: list[str] = field(default_factory=list)
    # The colophon (`anthology.colophon.lines`): who is responsible, then the closing lines.
    colophon_people: list[tuple[str, str]] = field(default_factory=list)
    colophon_closing: list[str] = field(default_factory=list)
    isbn: str = ""
    book_uuid: str = ""
    # The contest's categories, code → name, in its order: Part II follows it.
    categories: dict[str, str] = field(default_factory=dict)
    essays: list[BookEssay] = field(default_factory=list)
    profiles: list[BookProfile] = field(default_factory=list)
    cover: str | None = None
    # What a build changed in the winners' text to make the book, for the organiser.
    notes: list[str] = field(default_factory=list)
    # When the book was assembled: the EPUB's dcterms:modified (pandoc's sandbox has no clock).
    built_at: datetime | None = None
    # The colophon's legal lines still empty: the print master is then marked as a proof.
    colophon_gaps: list[str] = field(default_factory=list)

    @property
    def date_line(self) -> str:
        return date_line(self.place, self.year)

    def identifier(self) -> str:
        """The ISBN when there is one, else the UUID kept with the book's settings: a
        corrected book is still the same book to a reader's library."""
        if self.isbn:
            return f"urn:isbn:{normalise_isbn(self.isbn)}"
        return f"urn:uuid:{self.book_uuid or uuid.uuid5(uuid.NAMESPACE_URL, self.slug)}"

    def picture_descriptions(self) -> dict[str, str]:
        """Every essay's picture descriptions by the picture's path in the build folder."""
        return {
            f"{essay.key}/media/{name}": text
            for essay in self.essays
            for name, text in essay.descriptions.items()
        }

    def profile_groups(self) -> list[tuple[str, list[BookProfile]]]:
        """Profiles by the contest's categories, in its order (the seed's: collectives 1.1–1.9,
        then individuals 2.1–2.4)."""
        groups: dict[str, list[BookProfile]] = {}
        for profile in self.profiles:
            groups.setdefault(profile.category, []).append(profile)
        order = list(self.categories)
        return [
            (code, groups[code])
            for code in sorted(groups, key=lambda c: order.index(c) if c in order else len(order))
        ]

    def category_label(self, code: str) -> str:
        """`1.3 – Gương điển hình …` for Part II's headings and the table of contents."""
        return f"{code} – {self.categories.get(code, '')}"

    def author_index(self) -> list[tuple[str, list[BookEssay]]]:
        """Authors in Vietnamese order (by given name, then the rest), with their essays. Two
        authors of one name are two entries, told apart by their unit as Vietnamese indexes
        do: "Phạm Thị Phượng (Huyện Mộc Châu)"."""
        index: dict[tuple[str, str], list[BookEssay]] = {}
        for essay in self.essays:
            index.setdefault((essay.author, essay.unit), []).append(essay)
        units_of: dict[str, set[str]] = {}
        for author, unit in index:
            units_of.setdefault(author, set()).add(unit)
        entries = [
            (f"{author} ({unit})" if len(units_of[author]) > 1 else author, essays)
            for (author, unit), essays in index.items()
        ]
        return sorted(entries, key=lambda item: _name_key(item[0].split(" (")[0]) + (item[0],))

    @property
    def authors(self) -> list[str]:
        """Every author's name once, in the index's order (the documents' metadata)."""
        return list(
            dict.fromkeys(e.author for _label, essays in self.author_index() for e in essays)
        )


def _name_key(name: str) -> tuple:
    """Vietnamese names are indexed by the given name, the last word, then the whole name."""
    parts = name.split()
    return vietnamese_key(parts[-1] if parts else ""), vietnamese_key(name)


def metadata(book: Book, pictures: int = 0, described: int = 0) -> dict:
    """Pandoc metadata for both writers (the EPUB reads the creator, contributors and the
    accessibility description). The accessibility claims follow the book: `pictures` is how
    many pictures it holds, `described` how many of them have a text alternative."""
    all_described = pictures == described
    features = ["tableOfContents", "readingOrder", "structuralNavigation"]
    if pictures and all_described:
        features.append("alternativeText")
    summary = (
        "Sách điện tử có mục lục ba cấp (phần; bài viết và nhóm hồ sơ; hồ sơ) "
        "và thứ tự đọc theo nội dung."
    )
    if pictures:
        summary += (
            " Mọi ảnh đều có văn bản thay thế."
            if all_described
            else f" {pictures - described} trong {pictures} ảnh chưa có văn bản thay thế."
        )
    return {
        "title": book.title,
        "subtitle": book.subtitle,
        "lang": "vi-VN",
        "identifier": book.identifier(),
        "publisher": book.publisher,
        "rights": book.rights,
        "date": str(book.year),
        "creator": [{"role": "editor", "text": book.publisher}],
        "contributor": [{"role": "author", "text": author} for author in book.authors],
        "toc-title": "Mục lục",
        "accessModes": ["textual", "visual"] if pictures else ["textual"],
        "accessModeSufficient": ["textual"] if all_described else ["textual,visual"],
        "accessibilityFeatures": features,
        "accessibilityHazards": ["none"],
        "accessibilitySummary": summary,
    }


# Parts are level 1, essays level 2: an essay's own headings start at 3.
ESSAY_SUBHEADING_LEVEL = 3
_HEADING = re.compile(r"^(#{1,6}) ", re.MULTILINE)


def _essay_markdown(essay: BookEssay) -> str:
    """The essay's own markdown, fitted into the book: its highest heading one level below
    the essay's title (an essay opening on "##" no longer jumps from h2 to h4), footnote
    labels made unique, pictures pointing into the essay's folder."""
    levels = [len(m.group(1)) for m in _HEADING.finditer(essay.markdown)]
    shift = ESSAY_SUBHEADING_LEVEL - min(levels, default=1)
    text = _HEADING.sub(lambda m: "#" * min(len(m.group(1)) + shift, 6) + " ", essay.markdown)
    text = re.sub(r"\[\^([^\]\s]+)\]", lambda m: f"[^{essay.key}-{m.group(1)}]", text)
    return re.sub(r"\]\(media/", f"]({essay.key}/media/", text)


def _styled(style: str, lines: list[str]) -> str:
    """Lines kept as lines in a block of the given style: a custom paragraph style in the
    DOCX, `data-custom-style` for the EPUB's stylesheet. An empty line starts a paragraph."""
    paragraphs = "\n".join(lines).split("\n\n")
    body = "\n\n".join("\\\n".join(p.splitlines()) for p in paragraphs if p.strip())
    return f'::: {{custom-style="{style}"}}\n{body}\n:::\n'


def render(book: Book, *, for_docx: bool) -> str:
    """The whole book in pandoc markdown (DOCX and EPUB): front matter, Part I, Part II,
    the list of winners and the author index."""
    out: list[str] = []
    add = out.append
    add(_styled("Issuing Bodies", [f"**{esc(line)}**" for line in book.issuing_bodies]))
    add(_styled("Title", [esc(book.title)]))
    if book.subtitle:
        add(_styled("Subtitle", [esc(book.subtitle)]))
    add(_styled("Title Page Place", [esc(book.date_line)]))
    add("# Thông tin xuất bản {.unnumbered .unlisted}\n")
    colophon = []
    if book.editorial_board:
        colophon += ["**BAN BIÊN TẬP**", *(esc(line) for line in book.editorial_board), ""]
    colophon += [f"**{label}:** {esc(text)}" for label, text in book.colophon_people]
    colophon += ["", f"Đơn vị xuất bản: {esc(book.publisher)}"]
    colophon += [esc(line) for line in book.colophon_closing]
    if book.rights:
        colophon.append(esc(book.rights))
    add(_styled("Colophon", colophon))
    if book.foreword.strip():
        add("# Lời giới thiệu {.unnumbered}\n")
        for paragraph in re.split(r"\n\s*\n", book.foreword.strip()):
            if paragraph.strip():
                add(esc(paragraph.strip()) + "\n")
        if book.foreword_signer:
            add(_styled("Signature", [f"**{esc(line)}**" for line in book.foreword_signer]))
    if for_docx:
        add(f'::: {{custom-style="TOC Heading"}}\nMục lục\n:::\n\n{TOC_MARK}\n\n{BODY_MARK}\n')
    add(render_body(book))
    add("# Chỉ mục tác giả {#chi-muc}\n")
    for label, essays in book.author_index():
        # One paragraph an author, flush left; the DOCX adds each essay's page (`PAGE_REF_MARK`).
        works = "; ".join(
            f"*{esc(e.title)}*"
            + (f', [{PAGE_REF_MARK}{e.key}]{{custom-style="Index Page"}}' if for_docx else "")
            for e in essays
        )
        add(f'::: {{custom-style="Index Entry"}}\n**{esc(label)}**: {works}\n:::\n')
    return "\n".join(out)


def _part_heading(index: int) -> str:
    key, number, title = PARTS[index]
    return f"# {number} {title} {{#{key}}}\n"


def category_key(code: str) -> str:
    """A profile group's heading id: "linh-vuc-1-1"."""
    return f"linh-vuc-{code.replace('.', '-')}"


def render_body(book: Book, *, winners: bool = True) -> str:
    """Part I, Part II and (unless the print master's template lays it out itself) the list
    of winners."""
    out = [markdown for _level, markdown in body_sections(book)]
    add = out.append
    if not winners:
        add("")
        return "\n".join(out)
    add("# Danh sách tác giả đoạt giải {#danh-sach}\n")
    add("| STT | Giải | Tên bài | Tác giả | Đơn vị |\n|---:|---|---|---|---|")
    for number, essay in enumerate(book.essays, start=1):
        cells = [str(number), essay.prize, essay.title, essay.author, essay.unit]
        add("| " + " | ".join(esc(c).replace("|", "\\|") for c in cells) + " |")
    add("\n: Danh sách tác giả đoạt giải\n")
    add("")
    return "\n".join(out)


def body_sections(book: Book) -> list[tuple[int, str]]:
    """Part I and Part II as the runs that each open a page, with the level of the heading
    that opens it: a part (1), an essay or a profile group (2). The print master lays them
    out in pieces (`render.pdf_pieces`)."""
    sections: list[tuple[int, str]] = [(1, _part_heading(0))]
    for essay in book.essays:
        heading = f"## {esc(essay.title)} {{#{essay.key}}}\n"
        byline = (
            f'::: {{custom-style="Byline"}}\n{esc(essay.author)} — {esc(essay.unit)}  \n'
            f"{esc(essay.prize)}\n:::\n"
        )
        sections.append((2, "\n".join([heading, byline, _essay_markdown(essay).strip() + "\n"])))
    sections.append((1, _part_heading(1)))
    for code, profiles in book.profile_groups():
        out = [f"## {esc(book.category_label(code))} {{#{category_key(code)}}}\n"]
        add = out.append
        for profile in profiles:
            add(f"### {esc(profile.name)} {{#{profile.key}}}\n")
            if profile.photo:
                add(f"![{esc(profile.name)}]({profile.photo})\n")
            facts = [
                f"**{label}:** {esc(value)}"
                for label, value in (
                    ("Loại", profile.kind),
                    ("Đơn vị", profile.unit),
                    ("Địa chỉ", profile.address),
                    ("Chức vụ, nghề nghiệp", profile.position),
                )
                if value
            ]
            # One left-aligned line per fact, kept with the next (a style of its own).
            add(_styled("Profile Fact", "\n\n".join(facts).splitlines()))
            if profile.achievements:
                add(_styled("Profile Label", ["**Thành tích:**"]))
                for paragraph in profile.achievements.splitlines():
                    if paragraph.strip():
                        add(esc(paragraph.strip()) + "\n")
            if profile.commendations:
                add(f"**Khen thưởng:** {esc(profile.commendations)}\n")
        sections.append((2, "\n".join(out)))
    return sections
