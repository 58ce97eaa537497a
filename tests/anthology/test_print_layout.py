"""Issue 27: the layout faults a publisher's reader found in the print master, each read back
from the PDF itself: contents lines with leaders and a page column, profile names kept with
their text, part titles alone on a recto with a blank back, one-line running heads, an unbroken
signature, unnumbered pictures and no gap between indented paragraphs."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from pypdf import PdfReader

from anthology.services import contents
from contest.models import ProfileState
from contest.platform.db import db
from contest.platform.states import advance
from contest.platform.storage import file_store
from contest.services.profiles import create_profile
from tests.plugins.books import built_bytes, written_files

# Long enough to fill a contents line and to need three lines as a running head.
LONG_TITLE = (
    "Người giữ rừng bản Mòng, xã Chiềng Sơn, huyện Mộc Châu, tỉnh Sơn La và câu chuyện hai mươi "
    "năm gìn giữ màu xanh của đại ngàn Tây Bắc cho các thế hệ con cháu mai sau"
)
SENTENCE = (
    "Ông Lò Văn Pánh đi tuần rừng từ sáng sớm, qua từng con suối và từng lối mòn quen thuộc. "
)


@pytest.fixture
def book(finalised, world, tmp_path, reuse):
    """A long book's print master, laid out and read once per process (`reuse`)."""
    made = reuse("long_book", lambda: _long_book(finalised, world))
    path = written_files({"pdf": made["pdf"]}, tmp_path)["pdf"]
    return {"path": path, "texts": made["texts"], "essays": made["essays"]}


def _long_book(finalised, world):
    contest, rich = finalised["contest"], finalised["rich"]
    province = world["users"]["province"]
    # Profiles of every length, before the book's list is made: some name falls near a page
    # foot.
    for number in range(14):
        profile = create_profile(
            db.session,
            contest=contest,
            round_=world["rounds"]["SL"],
            actor=province,
            name=f"Trạm Y tế xã Chiềng Sơn số {number + 1}",
            kind="collective",
            category="1.5",
            address="bản Nà Cài, xã Chiềng Pấc, huyện Thuận Châu",
            achievements="\n".join(
                SENTENCE * (1 + (number * 3) % 7) for _ in range(1 + number % 3)
            ),
            commendations="Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh năm 2018",
            photo=None,
            files=file_store(),
        )
        advance(profile, ProfileState.FORWARDED)
    captioned = re.sub(r"!\[[^\]]*\]\(", "![Ông Pánh bên rừng đầu nguồn](", rich.body_markdown)
    assert captioned != rich.body_markdown  # the essay's picture, now with a caption
    body = captioned + "\n\n" + "\n\n".join(SENTENCE * (3 + n % 4) for n in range(40))
    contents.edit_copy(
        db.session,
        contest,
        rich.id,
        LONG_TITLE,
        contents.clean_copy(file_store(), rich, body),
        province,
    )
    # Other titles growing a word at a time: one of them ends at the edge of a contents line.
    words = "Hạt giống đỏ ở bản Phiêng Nghịu xã Ngọc Chiến huyện Mường La tỉnh Sơn La".split()
    others = [a.entry for a in contents.winners(db.session, contest) if a.entry.id != rich.id]
    assert len(others) >= 4
    for number, entry in enumerate(others):
        title = " ".join(words[: 7 + number])
        copy = contents.clean_copy(file_store(), entry, entry.body_markdown)
        contents.edit_copy(db.session, contest, entry.id, title, copy, province)
    db.session.commit()
    pdf = built_bytes(contest, ("pdf",))["pdf"]
    texts = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    return {"pdf": pdf, "texts": texts, "essays": len(others) + 1}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_no_contents_line_is_a_page_number_alone(book):
    texts = book["texts"]
    start = next(i for i, text in enumerate(texts) if text.lstrip().startswith("Mục lục"))
    toc = [line for text in texts[start : start + 4] for line in _lines(text)]
    assert any(line.startswith("Người giữ rừng bản Mòng") for line in toc)
    alone = [line for line in toc if re.fullmatch(r"\d+", line)]
    assert not alone, alone
    # Every entry ends on its last line with a leader and its page number.
    ended = [line for line in toc if re.search(r"(?:\. ?){3,}\s*\d+$", line)]
    assert len(ended) >= book["essays"] + 14 + 2  # essays, the new profiles, the parts


def test_a_profile_name_never_ends_a_page_without_its_text(book):
    stranded = []
    for number, text in enumerate(book["texts"], start=1):
        lines = _lines(text)
        for index, line in enumerate(lines):
            if line.startswith("Loại:"):
                after = lines[index + 1 :]
                label = next((i for i, x in enumerate(after) if x.startswith("Thành tích")), None)
                # the label and at least two lines of text after it, before the folio
                if label is None or len(after) - label < 4:
                    stranded.append((number, lines[index - 1]))
    assert not stranded, stranded


def test_a_part_title_stands_on_two_lines_alone_on_a_recto_with_a_blank_back(book):
    texts = book["texts"]
    for number, title in (("Phần I.", "Những bài viết đoạt giải"), ("Phần II.", "Gương điển")):
        index = next(i for i, text in enumerate(texts) if text.strip().startswith(number))
        assert index % 2 == 0  # a recto
        lines = _lines(texts[index])
        assert lines[0] == number and lines[1].startswith(title)
        assert texts[index + 1].strip() == ""  # its back is blank: no text, head or folio


def test_a_long_title_makes_a_one_line_running_head(book):
    texts = book["texts"]
    opening = next(i for i, text in enumerate(texts) if text.lstrip().startswith("Người giữ rừng"))
    rectos = [i for i in range(opening + 1, opening + 6) if i % 2 == 0]
    assert rectos
    for index in rectos:
        head, second = _lines(texts[index])[:2]
        assert head.endswith("…") and LONG_TITLE.startswith(head.removesuffix(" …"))
        assert not LONG_TITLE.startswith(second)  # nothing of the title on a second line


def test_the_forewords_signature_keeps_each_line_whole(book):
    foreword = next(text for text in book["texts"] if text.lstrip().startswith("Lời giới thiệu"))
    assert "TM. HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG TỈNH" in _lines(foreword)


def test_pictures_are_not_numbered_across_the_book(book):
    captions = [text for text in book["texts"] if "Ông Pánh bên rừng đầu nguồn" in text]
    assert captions
    assert not any(re.search(r"Hình\s*\d", text) for text in captions)


def _line_tops(path: str, page: int) -> list[float]:
    """The top of each text line on one page (pdftotext's bounding boxes), head and folio
    left out."""
    xhtml = subprocess.run(
        ["pdftotext", "-bbox-layout", "-f", str(page), "-l", str(page), path, "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    tops = sorted(
        {round(float(y), 1) for y in re.findall(r'<line xMin="[^"]+" yMin="([^"]+)"', xhtml)}
    )
    return tops[1:-1]


def test_paragraphs_are_marked_by_their_indent_alone(book):
    texts = book["texts"]
    opening = next(i for i, text in enumerate(texts) if text.lstrip().startswith("Người giữ rừng"))
    tops = _line_tops(book["path"], opening + 2)  # a page of running text, 1-based
    steps = [round(b - a, 1) for a, b in zip(tops, tops[1:], strict=False)]
    assert len(steps) > 20
    assert max(steps) - min(steps) < 1, steps  # the same pitch across paragraph ends
