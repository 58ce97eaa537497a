"""The book's settings: a new contest starts empty and cannot be built until named; the demo
brings its own front matter; covers and templates vanish with a rolled-back save."""

from __future__ import annotations

import io
import os

import docx
import pytest
from flask_babel import force_locale
from PIL import Image

from anthology import demo
from anthology.errors import SettingsIncomplete
from anthology.render import certificates as certificate_render
from anthology.services import builds, certificates, settings
from contest.platform.audit import sentence
from contest.platform.db import db, utcnow
from contest.platform.errors import InvalidInput
from contest.platform.models import AuditEvent
from contest.platform.storage import file_store
from contest.platform.uow import unit_of_work


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 90), (155, 28, 28)).save(buffer, "PNG")
    return buffer.getvalue()


def _forget_settings(contest) -> None:
    db.session.delete(settings.settings_for(db.session, contest))
    db.session.commit()


def test_a_new_contest_has_no_demo_front_matter(world):
    book = settings.settings_for(db.session, world["contest"])
    assert (book.title, book.publisher, book.foreword, book.rights) == ("", "", "", "")
    assert book.year == 2019 and book.id is None
    assert settings.missing_fields(book) == ["tên sách", "đơn vị xuất bản"]


def test_a_book_without_its_name_is_refused(finalised, world, runner, tmp_path):
    contest = finalised["contest"]
    _forget_settings(contest)
    with pytest.raises(SettingsIncomplete) as refused:
        builds.build_book(
            db.session, contest, str(tmp_path), ("docx",), now=utcnow(), files=file_store()
        )
    with force_locale("en"):
        assert "fill in the book's title, the publisher" in str(refused.value)
    with pytest.raises(SettingsIncomplete):
        builds.start_build(db.session, contest, world["users"]["province"])
    db.session.rollback()
    with pytest.raises(SettingsIncomplete):
        certificates.certificates_docx(db.session, file_store(), contest)
    out = tmp_path / "out"
    result = runner.invoke(args=["anthology", "build", contest.slug, "--out", str(out)])
    assert result.exit_code == 1 and "Chưa đủ thông tin sách" in result.output
    assert "Traceback" not in result.output and os.listdir(out) == []


def test_saving_requires_title_and_publisher_and_is_audited(finalised, world):
    contest, actor = finalised["contest"], world["users"]["province"]
    values = demo.book_settings_values(2019)  # the 2019 contest's book appears in 2020
    with pytest.raises(InvalidInput):
        settings.save_settings(db.session, contest, actor, **{**values, "publisher": " "})
    saved = settings.save_settings(db.session, contest, actor, **{**values, "title": "Hoa  "})
    assert (saved.title, saved.year) == ("Hoa", 2020)
    event = db.session.query(AuditEvent).filter_by(action="anthology_settings").all()[-1]
    assert sentence(event) == f"{actor.full_name} đã sửa thông tin sách «Hoa»"


@pytest.mark.parametrize(
    "save, make_data",
    [
        (settings.save_cover, _jpeg),
        (settings.save_certificate_template, certificate_render.default_template),
    ],
)
def test_a_rolled_back_save_leaves_no_file(app, finalised, world, save, make_data):
    contest, actor, data = finalised["contest"], world["users"]["province"], make_data()
    with unit_of_work():
        kept = save(db.session, file_store(), contest, actor, data)
    with pytest.raises(InvalidInput), unit_of_work():
        path = save(db.session, file_store(), contest, actor, data)
        assert path != kept and os.path.exists(os.path.join(app.config["STORAGE_DIR"], path))
        raise InvalidInput("refused later in the same action")
    assert not os.path.exists(os.path.join(app.config["STORAGE_DIR"], path))
    assert os.path.exists(os.path.join(app.config["STORAGE_DIR"], kept))  # the previous one
    book = settings.settings_for(db.session, contest)
    assert kept in (book.cover_path, book.certificate_template_path)


def test_a_refused_upload_writes_nothing(app, finalised, world):
    contest = finalised["contest"]
    with pytest.raises(InvalidInput), unit_of_work():
        settings.save_cover(
            db.session, file_store(), contest, world["users"]["province"], b"not a picture"
        )
    folder = os.path.join(app.config["STORAGE_DIR"], "anthology")
    assert not os.path.exists(folder) or os.listdir(folder) == []


def test_the_demo_fills_the_book_and_dates_certificates_at_son_la(finalised):
    contest = finalised["contest"]
    _forget_settings(contest)
    with unit_of_work():
        demo.fill_book(db.session, file_store(), contest)
    book = settings.settings_for(db.session, contest)
    assert book.title.startswith("Tuyển tập bài viết về gương điển hình tiên tiến")
    assert book.publisher == demo.PUBLISHER and book.certificate_template_path
    filled = docx.Document(
        io.BytesIO(certificates.certificates_docx(db.session, file_store(), contest))
    )
    dates = [p.text for table in filled.tables for p in table.rows[0].cells[1].paragraphs]
    # For the conference in the year after the contest, on the demo's calendar.
    year = contest.opens_at.year + 1
    assert dates.count(f"Sơn La, ngày 15 tháng 5 năm {year}") == 6


def test_certificate_settings_are_saved_with_the_book(finalised, world):
    contest, actor = finalised["contest"], world["users"]["province"]
    values = {**demo.book_settings_values(2019), "certificate_date": None, "certificate_code": ""}
    saved = settings.save_settings(db.session, contest, actor, **values)
    assert (saved.certificate_date, saved.certificate_code) == (None, "")
    with pytest.raises(SettingsIncomplete):
        certificates.certificates_docx(db.session, file_store(), contest)


@pytest.mark.parametrize(
    "isbn, valid",
    [
        ("978-0-306-40615-7", True),
        ("978-0-306-40615-6", False),  # last digit changed
        ("0-306-40615-2", True),  # ISBN-10
        ("0-8044-2957-X", True),  # ISBN-10 whose check digit is ten
        ("0-306-40615-3", False),
        ("12345", False),
        ("977-0-306-40615-7", False),  # not a book prefix
    ],
)
def test_isbn_check_digits(isbn, valid):
    from anthology import colophon

    assert colophon.is_valid_isbn(isbn) is valid


def test_a_wrong_isbn_is_refused_with_a_message_and_saves_nothing(finalised, world):
    contest, actor = finalised["contest"], world["users"]["province"]
    before = settings.settings_for(db.session, contest).isbn
    values = {**demo.book_settings_values(2019), "isbn": "978-0-306-40615-6"}
    with pytest.raises(InvalidInput, match="ISBN"):
        settings.save_settings(db.session, contest, actor, **values)
    db.session.rollback()
    assert settings.settings_for(db.session, contest).isbn == before


def test_the_colophon_lists_what_the_law_asks_for_until_it_is_given(finalised, world):
    contest, actor = finalised["contest"], world["users"]["province"]
    values = demo.book_settings_values(2019)
    saved = settings.save_settings(db.session, contest, actor, **values)
    assert settings.colophon_gaps(saved) == []
    first_uuid = saved.book_uuid
    gaps = settings.colophon_gaps(
        settings.save_settings(
            db.session,
            contest,
            actor,
            **{**values, "licence": "", "printer": "", "print_run": None},
        )
    )
    assert gaps == ["In tại", "Số lượng", "Giấy phép xuất bản (hoặc số xác nhận ĐKXB và số QĐXB)"]
    numbers = {
        **values,
        "licence": "",
        "registration_number": "1234-2020/CXBIPH/1-20/CTQG",
        "decision_number": "56/QĐ-CTQG",
    }
    assert (
        settings.colophon_gaps(settings.save_settings(db.session, contest, actor, **numbers)) == []
    )
    assert saved.book_uuid == first_uuid and len(first_uuid) == 36  # kept across saves
