"""The leak scan fails closed: no stray character switches a check off, link targets and the
subject field are read, an author writing about a namesake is flagged. Authors, for their
part, never learn who judges their entry."""

from __future__ import annotations

import os
import unicodedata

import pytest
from sqlalchemy import select

from contest.documents import pictures
from contest.documents.converter import markdown_to_html
from contest.platform.db import db
from contest.platform.storage import file_store
from contest.services.accounts import create_user
from contest.services.forwarding import forward_round
from judging.models import Assignment, BlindCopy, LeakFlag
from judging.rules.leakscan import redact, scan
from judging.services import blinding, scoring
from tests import hostile
from tests.plugins.factories import NOW, PASSWORD, uploaded_entry, vietnamese_essay
from tests.plugins.panels import open_for_judging
from tests.plugins.web import csrf_token, login

AUTHOR = "Nguyễn Văn Tèo"


def test_one_stray_combining_accent_does_not_switch_the_checks_off():
    text = unicodedata.normalize(
        "NFC", "Bài viết \u0301 về bản Mòng. Người kể: Nguyễn Văn Tèo, teo.nguyen@example.vn."
    )
    assert len(text) != len(unicodedata.normalize("NFD", text))
    kinds = {
        f.kind
        for f in scan(
            text,
            author_name=AUTHOR,
            email="teo.nguyen@example.vn",
            unit_names=("Bản Mòng",),
        )
    }
    assert {"name", "email", "unit"} <= kinds


def test_a_name_broken_by_combining_marks_is_still_found_and_redacted_whole():
    decomposed = unicodedata.normalize("NFD", f"Tôi là {AUTHOR}.")
    (flag,) = [f for f in scan(decomposed, author_name=AUTHOR) if f.kind == "name"]
    assert unicodedata.normalize("NFC", flag.snippet) == AUTHOR
    assert unicodedata.normalize("NFC", redact(decomposed, AUTHOR)) == "Tôi là […]."


def test_an_author_writing_about_a_namesake_is_flagged_for_the_organiser():
    flags = scan("Ông Lò Văn Hùng giữ rừng.", author_name="Lò Văn Hùng", subject_name="Lò Văn Hùng")
    assert [f.kind for f in flags] == ["name_is_subject"]


def test_the_subject_field_and_title_are_scanned():
    flags = scan(
        "Nội dung không có tên.",
        title="Bài của Tèo",
        author_name=AUTHOR,
        subject_name=f"Bố của {AUTHOR}",
    )
    assert any(f.kind == "name" and f.snippet == AUTHOR for f in flags)


def _entry_at_province(world, panel, tmp_path, data: bytes, subject_name="Lò Văn Pánh"):
    author = create_user(
        db.session,
        full_name=AUTHOR,
        email="teo.nguyen@example.vn",
        phone=None,
        password=PASSWORD,
        unit=world["units"]["SGD"],
    )
    entry = uploaded_entry(panel["contest"], author, "bai.docx", data, subject_name=subject_name)
    forward_round(db.session, world["rounds"]["SGD"], None, NOW, entry_ids=[entry.id])
    db.session.commit()
    return entry


def test_a_mailto_target_reaches_the_scan_and_judges_see_no_outside_link(
    app, world, panel, tmp_path
):
    data = hostile.docx_with_links(
        tmp_path, ["mailto:teo.nguyen@example.vn", "https://evil.example/"]
    )
    entry = _entry_at_province(world, panel, tmp_path, data)
    author = entry.author
    blinding.prepare_blind_copies(db.session, file_store(), panel["contest"], None)
    copy = db.session.scalar(select(BlindCopy).where(BlindCopy.entry_id == entry.id))
    flags = db.session.scalars(select(LeakFlag).where(LeakFlag.entry_id == entry.id)).all()
    assert any(f.kind == "email" and f.snippet == author.email for f in flags)
    assert "href" not in copy.html  # the targets are text: nothing leads out of the app
    assert "(https://evil.example/)" in copy.markdown


def test_a_picture_bomb_already_stored_cannot_stop_the_scan(app, world, panel, tmp_path):
    """An entry stored before intake decoded pictures: its bomb is left out of the copy."""
    entry = _entry_at_province(
        world, panel, tmp_path, hostile.docx_with_picture(tmp_path, hostile.png())
    )
    media = file_store().entry_media(entry.storage_key)
    (name,) = os.listdir(media)
    with open(os.path.join(media, name), "wb") as fh:
        fh.write(hostile.png(20_000, 10_000, "1"))
    blinding.prepare_blind_copies(db.session, file_store(), panel["contest"], None)
    db.session.commit()
    copy = db.session.scalar(select(BlindCopy).where(BlindCopy.entry_id == entry.id))
    assert "![" not in copy.markdown
    assert not os.path.exists(
        os.path.join(blinding.blind_dir(file_store(), copy.media_key), "media")
    )


def test_judges_see_the_redacted_subject_name(app, world, panel, tmp_path):
    data = hostile.docx_with_links(tmp_path, [])
    entry = _entry_at_province(world, panel, tmp_path, data, subject_name=f"Bố của {AUTHOR}")
    open_for_judging(panel)
    copy = db.session.scalar(select(BlindCopy).where(BlindCopy.entry_id == entry.id))
    assert copy.subject_name == "Bố của […]" and entry.subject_name == f"Bố của {AUTHOR}"


def test_an_author_never_sees_who_judges_their_entry(app, client, world, panel):
    open_for_judging(panel)
    entry = panel["entries"][0]
    assignment = db.session.scalars(
        select(Assignment).where(Assignment.entry_id == entry.id)
    ).first()
    judge_name = assignment.judge.full_name
    scoring.recuse(db.session, assignment, "Tôi quen tác giả.")
    db.session.commit()
    login(client, entry.author)
    page = client.get(f"/entries/{entry.id}").get_data(as_text=True)
    assert "đã nộp bài" in page  # the author's own history is there
    for judge in panel["judges"] + [world["users"]["head_judge"]]:
        assert judge.full_name not in page
    assert judge_name not in page and "Tôi quen tác giả" not in page
    client.get("/logout")
    login(client, world["users"]["organiser_d1"])
    assert judge_name not in client.get(f"/entries/{entry.id}").get_data(as_text=True)
    client.get("/logout")
    login(client, world["users"]["province"])
    assert judge_name in client.get(f"/entries/{entry.id}").get_data(as_text=True)


@pytest.mark.parametrize(
    "written",
    [
        "Ngu\u200byễn Văn Tèo",  # zero-width space
        "Nguy\u00adễn Văn Tèo",  # Word's optional hyphen
        "Ngu\u2060yễn Văn T\u200dèo",  # word joiner, zero-width joiner
        "Ｎｇｕｙễｎ Văn Tèo",  # full-width letters
    ],
    ids=["zwsp", "soft hyphen", "joiners", "full-width"],
)
def test_invisible_and_compatibility_characters_do_not_hide_the_name(written):
    text = f"Bài này do {written} viết."
    assert [f.kind for f in scan(text, author_name=AUTHOR)] == ["name"]
    assert redact(text, AUTHOR) == "Bài này do […] viết."


@pytest.mark.parametrize(
    "written",
    [
        "(0912) 345 678",
        "0912  345  678",
        "0912/345/678",
        "0912–345–678",
        "+84 (0) 912 345 678",
        "０９１２３４５６７８",
        "0912\u200b345678",
    ],
)
def test_a_phone_number_is_found_however_it_is_written(written):
    flags = scan(f"Liên hệ {written} nhé.", phone="0912345678")
    assert [f.kind for f in flags] == ["phone"]


def test_a_longer_number_holding_the_phone_is_not_a_match():
    assert scan("Mã số 10912345678 của hồ sơ.", phone="0912345678") == []


def test_judges_copy_has_no_picture_titles_and_no_formatting_the_scan_cannot_read(
    app, world, panel, tmp_path
):
    data = hostile.pandoc_document(
        tmp_path,
        f'{hostile.ESSAY}\n\n![Ảnh](anh.png "{AUTHOR}")\n\nNgười viết: Nguyễn Văn Tè~o~.\n',
        ".docx",
        [("anh.png", hostile.png())],
    )
    entry = _entry_at_province(world, panel, tmp_path, data)
    blinding.prepare_blind_copies(db.session, file_store(), panel["contest"], None)
    copy = db.session.scalar(select(BlindCopy).where(BlindCopy.entry_id == entry.id))
    assert "title=" not in copy.html and "<sub>" not in copy.html  # the name shows as text only
    flags = db.session.scalars(select(LeakFlag).where(LeakFlag.entry_id == entry.id)).all()
    assert any(f.kind == "name" for f in flags)


def test_a_paper_authors_written_contact_is_scanned(app, world, panel, make_entry):
    from contest.services.accounts import find_or_create_author

    taken = world["users"]["entrant_b"]
    author = find_or_create_author(
        db.session,
        full_name="Lò Văn Mạo",
        phone="0912345678",
        email=taken.email,
        unit=world["units"]["SGD"],
    )
    assert author.contact == f"0912345678, {taken.email}"
    entry = make_entry(author, text=vietnamese_essay(60) + f" Gọi 0912 345 678 hoặc {taken.email}.")
    forward_round(db.session, world["rounds"]["SGD"], None, NOW, entry_ids=[entry.id])
    blinding.prepare_blind_copies(db.session, file_store(), panel["contest"], None)
    kinds = {
        f.kind for f in db.session.scalars(select(LeakFlag).where(LeakFlag.entry_id == entry.id))
    }
    assert {"phone", "email"} <= kinds


@pytest.mark.parametrize(
    "stored",
    [
        "Người viết: `<b>Nguyễn Văn Tèo</b>`{=html}",  # code to judges, raw HTML to a full reader
        'Người viết: [tôi]{title="Nguyễn Văn Tèo"}',  # an attribute: in the HTML, not the text
        # A table's attributes: `<table id="nguyen-van-teo" data-x="Tèo">`.
        '| Xã | Bản |\n|---|---|\n| Chiềng | Mòng |\n\nTable: Bảng {#nguyen-van-teo data-x="Tèo"}',
    ],
)
def test_stored_markup_is_scanned_as_judges_see_it(app, world, panel, tmp_path, stored):
    """Essay markdown stored by an older version or edited in the database: the scan reads
    it exactly as the judges' page does, and no attribute reaches the page's source."""
    entry = _entry_at_province(world, panel, tmp_path, hostile.docx_with_links(tmp_path, []))
    entry.body_markdown = f"{hostile.ESSAY}\n\n{stored}\n"
    blinding.prepare_blind_copies(db.session, file_store(), panel["contest"], None)
    copy = db.session.scalar(select(BlindCopy).where(BlindCopy.entry_id == entry.id))
    flags = db.session.scalars(select(LeakFlag).where(LeakFlag.entry_id == entry.id)).all()
    flagged = any(f.kind == "name" and f.snippet == AUTHOR for f in flags)
    assert flagged or AUTHOR not in copy.html  # whatever judges would see, the scan read
    assert "title=" not in copy.html and "class=" not in copy.html
    assert "nguyen-van-teo" not in copy.html and "data-" not in copy.html
    assert copy.html == markdown_to_html(copy.markdown)  # the page is the copy's own HTML


def test_opening_the_judging_copies_stored_pictures_without_decoding(
    app, world, panel, tmp_path, monkeypatch
):
    """Intake stored the pictures cleaned: the judges' copy takes them as they are, so opening
    the judging (one transaction) does no picture work."""
    entry = _entry_at_province(
        world, panel, tmp_path, hostile.docx_with_picture(tmp_path, hostile.png(800, 600))
    )

    def refuse(*args, **kwargs):
        raise AssertionError("a picture was decoded")

    monkeypatch.setattr(pictures, "clean", refuse)
    blinding.prepare_blind_copies(db.session, file_store(), panel["contest"], None)
    copy = db.session.scalar(select(BlindCopy).where(BlindCopy.entry_id == entry.id))
    assert "media/1.png" in copy.markdown
    with open(
        os.path.join(blinding.blind_dir(file_store(), copy.media_key), "media", "1.png"), "rb"
    ) as fh:
        assert fh.read().startswith(b"\x89PNG")


def test_the_judges_copies_are_made_before_the_writers_lock(app, client, world, panel, monkeypatch):
    """Pandoc and the scan run while the request only reads; the writer's transaction only
    stores what they made (on SQLite, BEGIN IMMEDIATE: every other writer waits for it)."""
    from contest.platform import db as platform_db

    made_while_writing = []
    real_make_copy = blinding.make_copy

    def watched(files, entry):
        made_while_writing.append(platform_db._writing.get())
        return real_make_copy(files, entry)

    monkeypatch.setattr(blinding, "make_copy", watched)
    login(client, world["users"]["province"])
    page = client.get("/judging/son-la-2019/").get_data(as_text=True)
    answer = client.post("/judging/son-la-2019/scan", data={"csrf_token": csrf_token(page)})
    assert answer.status_code == 302
    assert made_while_writing and not any(made_while_writing), made_while_writing
    copies = db.session.scalars(select(BlindCopy)).all()
    assert len(copies) == len(panel["entries"])


def test_a_copy_prepared_for_an_older_text_is_made_again(app, world, panel):
    entry = panel["entries"][0]
    prepared = blinding.prepare_outside(db.session, file_store(), panel["contest"])
    entry.title = "Tên bài đã sửa"
    db.session.flush()
    blinding.prepare_blind_copies(db.session, file_store(), panel["contest"], None, None, prepared)
    copy = db.session.scalar(select(BlindCopy).where(BlindCopy.entry_id == entry.id))
    assert copy.title == "Tên bài đã sửa" and prepared[entry.id].source != blinding._source(entry)
