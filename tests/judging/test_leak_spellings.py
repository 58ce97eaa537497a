"""Blindness against a determined author: the name, phone and e-mail spelled to slip past the
scan (invisible characters, braille blanks, look-alike letters, initials, e-mail local parts,
percent-encoded links, number words, [at]) are found, the organiser is told which rule fired,
and the judges' pages show none of it. A common given name alone flags nothing.

The corpus is this file's own: authors of several peoples and name lengths, each written in
every way below."""

from __future__ import annotations

from unicodedata import normalize
from urllib.parse import quote

import pytest
from sqlalchemy import select

from contest.platform.db import db
from contest.platform.storage import file_store
from contest.platform.text import fold
from contest.services.accounts import create_user
from contest.services.entries import Subject, create_entry
from contest.services.forwarding import forward_round
from judging.models import Assignment, LeakFlag
from judging.rules.leakscan import scan
from judging.services import blinding
from judging.wording import leak_rule_text
from tests.judging.test_blindness import crawl
from tests.plugins.factories import NOW, PASSWORD, vietnamese_essay
from tests.plugins.panels import open_for_judging
from tests.plugins.web import csrf_token, login

AUTHORS = [
    "Hoàng Văn Tấn Công",
    "Cầm Thị Hương",
    "Mùa A Sử",
    "Quàng Văn Dũng",
    "Nguyễn Thị Minh Khai",
    "Đinh Ngọc Ánh",
]
# Latin letters and the Cyrillic or Greek letters that look the same.
LOOKALIKES = str.maketrans({"a": "а", "o": "о", "e": "е", "p": "р", "c": "с", "y": "у",
                            "H": "Н", "M": "М", "T": "Т", "K": "К", "A": "Α"})  # fmt: skip


SMALL_CAPITALS = str.maketrans(dict(zip("acdehinotuvg", "ᴀᴄᴅᴇʜɪɴᴏᴛᴜᴠɢ", strict=True)))


def _initials(name: str) -> str:
    words = name.split()
    return ".".join(w[0] for w in words[:-1]) + ". " + words[-1]


def _email_local(name: str) -> str:
    return ".".join(fold(name).split()) + "@gmail.com"


SPELLINGS = {
    "zero-width": (lambda n: "\u200b".join(n.split()), "joined"),
    "braille blank": (lambda n: "\u2800".join(n.split()), "disguised"),
    "hangul filler": (lambda n: "\u3164".join(n.split()), "disguised"),
    "hyphens": (lambda n: "-".join(n.split()), "joined"),
    "run together": (lambda n: "".join(n.split()), "joined"),
    # Decomposed first, so that the base letter under an accent is swapped too.
    "look-alikes": (lambda n: normalize("NFD", n).translate(LOOKALIKES), "disguised"),
    "initials": (_initials, "initials"),
    "e-mail local part": (_email_local, "joined"),
    "family and given": (lambda n: f"{n.split()[0]} {n.split()[-1]}", "short"),
    "middle names as initials": (
        lambda n: " ".join([n.split()[0], *(w[0] + "." for w in n.split()[1:-1]), n.split()[-1]]),
        ("short", "full"),  # a middle name of one letter is its own initial (Mùa A. Sử)
    ),
    "small capitals": (lambda n: n[0] + n[1:].translate(SMALL_CAPITALS), "disguised"),
    "letters spaced out": (lambda n: " ".join(n.replace(" ", "")), "full"),
    "digits for letters": (lambda n: n.replace("o", "0").replace("l", "1"), "full"),
    "a variation selector inside": (lambda n: n[:2] + "\ufe0f" + n[2:], "disguised"),
    "upper case, no accents": (lambda n: fold(n).upper(), "full"),
    "percent-encoded link": (lambda n: f"(mailto:{quote(n)}%20%3Cx@y.vn%3E)", "encoded"),
}


@pytest.mark.parametrize("author", AUTHORS)
@pytest.mark.parametrize("spelling", sorted(SPELLINGS))
def test_every_spelling_of_the_name_is_flagged_with_its_rule(author, spelling):
    write, rule = SPELLINGS[spelling]
    written = write(author)
    text = f"{vietnamese_essay(80)}\n\nMọi thắc mắc xin hỏi {written} nhé."
    flags = [f for f in scan(text, author_name=author) if f.kind == "name"]
    assert flags, f"{written!r} slipped past"
    expected = rule if isinstance(rule, tuple) else (rule,)
    assert any(set(expected) & set(f.rule.split(",")) for f in flags), [f.rule for f in flags]
    assert all(leak_rule_text(f.rule) for f in flags)  # each rule says itself in words


@pytest.mark.parametrize(
    "written",
    [
        "O912 345 678",  # the letter O for zero
        "09l2.345.678",  # the letter l for one
        "không chín một hai ba bốn năm sáu bảy tám",
        "Không Chín Một Hai - Ba Bốn Năm - Sáu Bảy Tám",
        "0 9 1 2   3 4 5 6 7 8",
        "không 912 345 sáu bẩy tám",
        "+84 (0) 9 1 2 – 345 – 678",
        "không chín mười hai, ba mươi bốn, năm mươi sáu, bảy mươi tám",  # read in pairs
        "ko chín một hai ba bốn năm sáu bảy tám",
        "0084 912 345 678",
        "sđt0912345678",
    ],
)
def test_a_phone_number_spelled_to_slip_past_is_found(written):
    flags = [f for f in scan(f"Gọi cho tôi theo số {written} nhé.", phone="0912345678")]
    assert [f.kind for f in flags] == ["phone"], flags
    assert flags[0].snippet.strip(" +") in written


@pytest.mark.parametrize(
    "written",
    [
        "teo.nguyen [at] example [dot] vn",
        "teo.nguyen(at)example(dot)vn",
        "teo.nguyen a còng example chấm vn",
        "teo.nguyen{at}example{dot}vn",
        "teo.nguyen@example[.]vn",
        "teo.nguyen (a) example.vn",
        "teo.nguyen a móc example.vn",
        "te0.nguyen[@]examp1e.vn",
    ],
)
def test_an_email_spelled_out_is_found(written):
    flags = scan(f"Thư xin gửi {written} ạ.", email="teo.nguyen@example.vn")
    assert [f.kind for f in flags] == ["email"], flags


def test_a_full_width_email_is_an_email():
    flags = scan("Thư xin gửi teo.nguyen ＠ example．vn ạ.", email="teo.nguyen@example.vn")
    assert [f.kind for f in flags] == ["email"]


def test_numbers_that_are_not_the_phone_are_not_flagged():
    text = "Năm hai không mười chín, bản có một trăm hai mươi ba hộ, 0912 345 679 là số khác."
    assert scan(text, phone="0912345678") == []


@pytest.mark.parametrize(
    ("author", "text"),
    [
        # The given name alone, however common, is not the author.
        ("Lò Thị Hoa", "Hoa ban nở trắng núi rừng. Chị Hoa ở bản bên cũng đến giúp."),
        ("Hoàng Văn Tấn Công", "Anh công tác ở xã đã lâu, thành công nhờ cần cù. Hoàng hôn."),
        ("Quàng Văn Dũng", "Bộ đội dũng cảm; ông Quàng kể lại, anh Dũng nghe."),
        # Initials that merely meet inside ordinary words.
        ("Mùa A Sử", "Mùa màng bội thu, lịch sử bản làng được ghi lại."),
        # Family and given name that fold to ordinary words, with other accents.
        ("Mùa A Lử", "Sau trận mưa lũ năm ấy, cả bản dựng lại nhà."),
        ("Tòng Thị Hoa", "Phong trào được tổng kết, tông hóa thành nếp."),
        ("Đỗ Đức Anh", "Doanh nghiệp của bản đã có lãi; doanh thu tăng."),
        ("Bạc Thị Hoa", "Cây thuốc được chế hóa.\n\nBạc màu đất cũ."),
        # Family and given name that make ordinary words, names of places and of heroes.
        ("Lương Văn Tâm", "Người thầy có lương tâm nghề nghiệp."),
        ("Tôn Văn Trọng", "Bà con tôn trọng ông."),
        ("Mai Thị Hoa", "Cành hoa mai nở trước hiên."),
        ("Đào Thị Hoa", "Hoa đào nở trên đỉnh núi."),
        ("Mai Hoa", "cành mai hoa nở"),
        ("Hồ Thị Anh", "Hồ ta đẹp lắm."),
        ("Trần Văn Hưng", "Nhà ở đường Trần Hưng Đạo."),
    ],
)
def test_ordinary_words_that_share_a_name_part_are_not_flagged(author, text):
    assert [f for f in scan(text, author_name=author) if f.kind == "name"] == []


def test_the_organiser_reads_which_rule_fired(app, client, world, panel):
    entry, written = _hostile_entry(world, SPELLINGS["initials"][0](AUTHORS[0]), AUTHORS[0])
    _forward(world, [entry])
    blinding.prepare_blind_copies(db.session, file_store(), panel["contest"], None)
    db.session.commit()
    flag = db.session.scalar(select(LeakFlag).where(LeakFlag.kind == "name"))
    assert flag.rule == "initials" and flag.snippet == written
    login(client, world["users"]["province"])
    page = client.get("/judging/son-la-2019/flags").get_data(as_text=True)
    assert "Nhận ra qua: họ tên viết tắt" in page


def _hostile_entry(world, written: str, name: str, number: int = 0):
    author = create_user(
        db.session,
        full_name=name,
        email=f"tacgia{number}@example.vn",
        phone=None,
        password=PASSWORD,
        unit=world["units"]["SGD"],
    )
    entry = create_entry(
        db.session,
        contest=world["contest"],
        author=author,
        author_unit=author.unit,
        title="Người giữ rừng",
        subject=Subject("Lò Văn Pánh", "Bản Mòng", "individual", "2.4"),
        essay=_typed(f"{vietnamese_essay(90)}\n\nNgười kể chuyện: {written} ạ."),
        original=None,
        declarations_accepted=True,
        now=NOW,
        submit=True,
        files=file_store(),
    )
    return entry, written


def _forward(world, entries) -> None:
    ids = [entry.id for entry in entries]
    forward_round(db.session, world["rounds"]["SGD"], None, NOW, entry_ids=ids)
    db.session.commit()


def _typed(text: str):
    from contest.documents.intake import extract_typed

    return extract_typed(text)


def test_judges_pages_show_no_spelling_of_the_name(app, client, world, panel):
    """One entry per spelling, by authors of the corpus; flags redacted as an organiser
    would; then every page a judge can reach is crawled for each written form."""
    written_forms, entries = [], []
    for index, spelling in enumerate(sorted(SPELLINGS)):
        name = AUTHORS[index % len(AUTHORS)]
        entry, written = _hostile_entry(world, SPELLINGS[spelling][0](name), name, index)
        written_forms.append(written)
        entries.append(entry)
    world["rounds"]["SGD"].quota = len(entries)
    for member in panel["stage"].members:
        member.max_load = 50
    _forward(world, entries)
    open_for_judging(panel, world["users"]["province"])
    judges = {a.judge for a in db.session.scalars(select(Assignment))}
    for judge in judges:
        client.post("/logout", data={"csrf_token": csrf_token(client.get("/").get_data(True))})
        login(client, judge)
        pages = crawl(client, ["/", "/judging/son-la-2019/queue"])
        assert any("/judging/son-la-2019/e/" in url for url in pages)
        for url, text in pages.items():
            for written in written_forms:
                for form in {written, written.split("(mailto:")[-1].split("%20%3C")[0]}:
                    assert form.lower() not in text.lower(), f"{form!r} leaks at {url}"
