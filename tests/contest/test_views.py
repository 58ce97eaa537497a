"""The core's pages through the test client: what an entrant and an organiser do."""

from __future__ import annotations

import io
import os
import re

from sqlalchemy import func, select

from contest.models import Entry, EntryState, User
from contest.platform.db import db
from contest.platform.storage import file_store
from contest.services.accounts import create_user
from contest.services.forwarding import forward_round
from tests.plugins.documents import LEGACY_UNICODE, docx_bytes, legacy_docx
from tests.plugins.factories import PASSWORD, vietnamese_essay
from tests.plugins.web import csrf_token, login


def post_form(client, url, data, page_url=None):
    page = client.get(page_url or url)
    data = {"csrf_token": csrf_token(page.get_data(as_text=True)), **data}
    return client.post(url, data=data, content_type="multipart/form-data")


def test_register_then_upload_a_docx_see_the_word_count_and_submit(client, world):
    response = post_form(
        client,
        "/register",
        {
            "full_name": "Vì Thị Mai",
            "phone": "0912 000 111",
            "email": "",
            "unit_id": world["units"]["MCH-CSO"].id,
            "address": "Bản Lướt",
            "password": "hoa ban nở trắng",
            "confirm": "hoa ban nở trắng",
        },
    )
    assert response.status_code == 302 and response.location == "/login"
    # The login page has the phone filled in; the entrant signs in with the new password.
    assert 'value="0912 000 111"' in client.get("/login").get_data(as_text=True)
    assert login(client, "0912 000 111", "hoa ban nở trắng").status_code == 302
    essay = docx_bytes([vietnamese_essay(120)], core_author="Vì Thị Mai")
    response = post_form(
        client,
        "/c/son-la-2019/entries/new",
        {
            "title": "Người giữ rừng",
            "subject_profile_id": "0",
            "subject_name": "Lò Văn Pánh",
            "subject_address": "Bản Mòng",
            "subject_kind": "individual",
            "subject_category": "2.4",
            "body": "",
            "declarations": "y",
            "save": "Lưu nháp",
            "file": (io.BytesIO(essay), "bài của tôi.docx"),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert '<strong id="word-count">120</strong>' in page and "Bản nháp" in page
    entry = db.session.scalars(select(Entry)).one()
    assert entry.original_filename == "bài của tôi.docx"
    token = csrf_token(page)
    refused = client.post(
        f"/entries/{entry.id}/submit", data={"csrf_token": token}, follow_redirects=True
    )
    assert "Cần xác nhận đủ các cam kết" in refused.get_data(as_text=True)
    db.session.refresh(entry)
    assert entry.state is EntryState.DRAFT  # not without the declarations
    done = client.post(
        f"/entries/{entry.id}/submit",
        data={"csrf_token": token, "declarations": "y"},
        follow_redirects=True,
    )
    assert "Đã nộp bài dự thi." in done.get_data(as_text=True)
    db.session.refresh(entry)
    assert entry.state is EntryState.SUBMITTED
    page = client.get(f"/entries/{entry.id}").get_data(as_text=True)
    assert "Đã nộp" in page and "Lịch sử" in page


def test_a_bad_upload_shows_a_message_and_leaves_nothing(app, client, world):
    login(client, "a@example.com")
    response = post_form(
        client,
        "/c/son-la-2019/entries/new",
        {
            "title": "Bài hỏng",
            "subject_profile_id": "0",
            "subject_name": "Lò Văn Pánh",
            "subject_kind": "individual",
            "subject_category": "2.4",
            "declarations": "y",
            "submit_now": "1",
            "file": (io.BytesIO(b"not a zip"), "bai.docx"),
        },
    )
    assert response.status_code == 200
    assert "không phải là văn bản .docx/.odt hợp lệ" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Entry.id))) == 0
    entries_dir = os.path.join(app.config["STORAGE_DIR"], "entries")
    assert not os.path.exists(entries_dir) or os.listdir(entries_dir) == []


def test_a_database_failure_after_the_files_are_written_leaves_no_files(app, world):
    from tests.plugins.factories import uploaded_entry

    data = docx_bytes([vietnamese_essay(50)])
    uploaded_entry(world["contest"], world["users"]["entrant_a"], "bai.docx", data)
    entries_dir = os.path.join(app.config["STORAGE_DIR"], "entries")
    assert len(os.listdir(entries_dir)) == 1
    db.session.rollback()
    assert os.listdir(entries_dir) == []


def test_over_the_word_limit_is_refused_with_the_count(client, world):
    login(client, "a@example.com")
    response = post_form(
        client,
        "/c/son-la-2019/entries/new",
        {
            "title": "Bài dài",
            "subject_profile_id": "0",
            "subject_name": "Lò Văn Pánh",
            "subject_kind": "individual",
            "subject_category": "2.4",
            "declarations": "y",
            "submit_now": "1",
            "body": vietnamese_essay(450),
        },
    )
    assert "Bài viết có 450 chữ, vượt mức tối đa 400 chữ." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Entry.id))) == 0


def test_organiser_marks_beyond_quota_is_refused_then_forwards(client, world, make_entry):
    first, second = make_entry(), make_entry()
    login(client, "tdkt.cso@sonla.gov.vn")
    round_id = world["rounds"]["MCH-CSO"].id
    page = client.get(f"/rounds/{round_id}").get_data(as_text=True)
    assert "Đã chọn 0 / chỉ tiêu 1 bài" in page
    token = csrf_token(page)
    ticked = client.post(
        f"/rounds/{round_id}/entries/{first.id}/mark", data={"csrf_token": token, "marked": "1"}
    )
    assert ticked.location.endswith(f"/rounds/{round_id}#entry-{first.id}")  # back to the row
    page = client.get(f"/rounds/{round_id}").get_data(as_text=True)
    assert "Đã chọn 1 / chỉ tiêu 1 bài" in page and f'id="entry-{first.id}"' in page
    response = client.post(
        f"/rounds/{round_id}/entries/{second.id}/mark",
        data={"csrf_token": token, "marked": "1"},
        follow_redirects=True,
    )
    assert "Vượt chỉ tiêu: Xã Chiềng Sơn chỉ được gửi tối đa 1 bài" in response.get_data(
        as_text=True
    )
    response = client.post(
        f"/rounds/{round_id}/forward", data={"csrf_token": token}, follow_redirects=True
    )
    assert "Đã gửi 1 bài và 0 hồ sơ lên Huyện Mộc Châu." in response.get_data(as_text=True)
    db.session.expire_all()
    assert (first.state, first.round.unit.code) == (EntryState.FORWARDED, "MCH")
    assert second.state is EntryState.NOT_SELECTED


def test_disqualify_needs_a_reason(client, world, make_entry):
    entry = make_entry()
    login(client, "tdkt.cso@sonla.gov.vn")
    url = f"/rounds/{world['rounds']['MCH-CSO'].id}/entries/{entry.id}/disqualify"
    response = post_form(client, url, {"reason": ""})
    assert "Cần ghi rõ lý do." in response.get_data(as_text=True)
    post_form(client, url, {"reason": "Bài viết hư cấu, không phải người thật"})
    db.session.refresh(entry)
    assert entry.state is EntryState.DISQUALIFIED


def _paper_entry(client, world, unit="MCH", **author):
    """A paper entry posted through the form to `unit`'s round, for an author of that unit."""
    return post_form(
        client,
        f"/rounds/{world['rounds'][unit].id}/paper-entry",
        {
            "author_unit_id": world["units"][unit].id,
            "title": "Bài nộp giấy",
            "subject_profile_id": "0",
            "subject_name": "Cầm Thị Hoa",
            "subject_kind": "individual",
            "subject_category": "2.4",
            "body": vietnamese_essay(80),
            "declarations": "y",
            "author_phone": "",
            "author_email": "",
            **author,
        },
    )


def test_paper_entry_creates_an_author_without_password(client, world):
    login(client, "tdkt.cso@sonla.gov.vn")
    response = _paper_entry(
        client, world, "MCH-CSO", author_name="Tòng Văn Ỏn", author_phone="0987 654 321"
    )
    assert response.status_code == 302
    author = db.session.scalars(select(User).where(User.phone == "0987654321")).one()
    entry = db.session.scalars(select(Entry)).one()
    assert entry.author is author and author.password_hash is None
    assert (
        entry.entered_by_id == world["users"]["organiser_c1"].id
        and entry.state is EntryState.SUBMITTED
    )


def test_a_paper_entry_never_attaches_to_someone_elses_account(client, world):
    """Mộc Châu's organiser types the e-mail of Yên Châu's entrant: a new author record is made
    for Mộc Châu; she keeps her entries, her limit and her details to herself."""
    victim = world["users"]["entrant_b"]
    login(client, world["users"]["organiser_d1"])
    response = _paper_entry(client, world, author_name="Lò Văn Mạo", author_email=victim.email)
    assert response.status_code == 302
    entry = db.session.scalars(select(Entry)).one()
    assert entry.author is not victim and entry.author.full_name == "Lò Văn Mạo"
    assert entry.author.unit_id == world["units"]["MCH"].id
    assert entry.author.email is None and entry.author.contact == victim.email
    page = client.get(f"/entries/{entry.id}").get_data(as_text=True)
    assert victim.full_name not in page
    client.get("/logout")
    login(client, victim)
    assert client.get(f"/entries/{entry.id}").status_code == 404
    mine = client.get("/c/son-la-2019/entries")
    assert mine.status_code == 200 and "Bài nộp giấy" not in mine.get_data(as_text=True)


def test_a_paper_entry_with_the_same_name_in_the_same_unit_is_that_person(client, world):
    author = create_user(
        db.session,
        full_name="Lò Văn Mạo",
        email=None,
        phone="0912 345 678",
        password=None,
        unit=world["units"]["MCH"],
    )
    db.session.commit()
    login(client, world["users"]["organiser_d1"])
    _paper_entry(client, world, author_name="lò  văn mạo", author_phone="0912345678")
    assert db.session.scalars(select(Entry)).one().author is author
    # Another name on the same phone is another person: a new record, the phone kept as contact.
    _paper_entry(client, world, author_name="Lò Văn Mão", author_phone="0912345678")
    second = db.session.scalars(select(Entry).order_by(Entry.id.desc())).first()
    assert second.author is not author and second.author.contact == "0912345678"


def test_dashboard_shows_entries_at_the_province(client, world, make_entry):
    entry = make_entry(world["users"]["entrant_b"], title="Bông hoa đẹp vùng cao")
    from tests.plugins.factories import NOW

    forward_round(db.session, world["rounds"]["YCH"], None, NOW, entry_ids=[entry.id])
    db.session.commit()
    login(client, "btc@sonla.gov.vn")
    page = client.get("/c/son-la-2019/dashboard").get_data(as_text=True)
    assert "Bông hoa đẹp vùng cao" in page and '<strong id="at-province">1</strong>' in page
    assert "Huyện Mộc Châu" in page  # a round that has not forwarded yet


def test_interface_switches_to_english_and_back(client, world):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="vi">' in page and "Đăng nhập" in page
    client.post("/lang/en", data={"csrf_token": csrf_token(page), "next": "/"})
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page and "Log in" in page


def test_login_refuses_a_wrong_password_in_vietnamese(client, world):
    response = login(client, "a@example.com", "sai-mat-khau")
    assert "Sai thông tin đăng nhập hoặc mật khẩu." in response.get_data(as_text=True)


def test_login_by_phone(client, world):
    world["users"]["entrant_b"].phone = "0911222333"
    db.session.commit()
    assert login(client, "+84 911 222 333").status_code == 302


def test_open_redirect_after_login_is_refused(client, world):
    page = client.get("/login?next=https://evil.example/")
    response = client.post(
        "/login?next=https://evil.example/",
        data={
            "login": "a@example.com",
            "password": PASSWORD,
            "csrf_token": csrf_token(page.get_data(as_text=True)),
        },
    )
    assert response.headers["Location"] == "/"


def test_the_pictures_of_an_uploaded_essay_are_shown(client, world, tmp_path):
    import re

    from tests.plugins.documents import rich_docx

    login(client, "a@example.com")
    response = post_form(
        client,
        "/c/son-la-2019/entries/new",
        {
            "title": "Người giữ rừng",
            "subject_profile_id": "0",
            "subject_name": "Lò Văn Pánh",
            "subject_kind": "individual",
            "subject_category": "2.4",
            "declarations": "y",
            "save": "1",
            "file": (io.BytesIO(rich_docx(tmp_path)), "bai.docx"),
        },
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    source = re.search(r'<img src="([^"]+)"', page).group(1)
    picture = client.get(source)
    assert picture.status_code == 200 and picture.mimetype == "image/png"
    picture.close()
    assert "<sup>" in page or "footnote" in page


def test_the_province_creates_a_judge_who_then_cannot_enter(client, world):
    login(client, "btc@sonla.gov.vn")
    response = post_form(
        client,
        "/accounts",
        {
            "full_name": "Hà Văn Thắng",
            "email": "gk.moi@sonla.gov.vn",
            "phone": "",
            "role": "judge",
            "unit_id": world["units"]["SGD"].id,
            "password": "matkhau-gk",
        },
    )
    assert response.status_code == 302
    duplicate = post_form(
        client,
        "/accounts",
        {
            "full_name": "Trùng",
            "email": "gk.moi@sonla.gov.vn",
            "phone": "",
            "role": "judge",
            "unit_id": world["units"]["SGD"].id,
            "password": "matkhau-gk",
        },
    )
    assert "Thư điện tử này đã được đăng ký." in duplicate.get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").get_data(True))})
    assert login(client, "gk.moi@sonla.gov.vn", "matkhau-gk").status_code == 302
    assert client.get("/c/son-la-2019/entries/new").status_code == 403


def test_the_province_sets_rules_rounds_units_and_quotas(client, world, make_entry):
    from datetime import datetime

    from contest.models import Round, Unit
    from tests.plugins.factories import NOW

    entry = make_entry()
    forward_round(db.session, world["rounds"]["MCH-CSO"], None, NOW, entry_ids=[entry.id])
    db.session.commit()
    login(client, "btc@sonla.gov.vn")
    url = "/c/son-la-2019/settings"
    page = client.get(url).get_data(as_text=True)
    assert "Huyện Mộc Châu (MCH)" in page
    rules = {
        "action": "rules",
        "rules-title": "Cuộc thi viết 2019 (sửa)",
        "rules-opens_on": "2019-03-01",
        "rules-closes_on": "2019-02-01",
        "rules-min_words": "300",
        "rules-max_words": "2500",
        "rules-max_entries_per_entrant": "1",
        "rules-declarations": "Người thật, việc thật.",
    }
    refused = post_form(client, url, rules)
    assert "Ngày hết hạn phải sau ngày bắt đầu nhận bài." in refused.get_data(as_text=True)
    # The deadline is the end of the province's day (UTC+7): 31/05 23:59:59 → 16:59:59 UTC.
    post_form(client, url, {**rules, "rules-closes_on": "2019-05-31"})
    contest = world["contest"]
    db.session.refresh(contest)
    assert contest.closes_at == datetime(2019, 5, 31, 16, 59, 59)
    assert contest.opens_at == datetime(2019, 2, 28, 17, 0)
    assert (contest.max_words, contest.declarations) == (2500, ["Người thật, việc thật."])
    post_form(
        client,
        url,
        {
            "action": "unit",
            "unit-code": "mch-dsa",
            "unit-name": "Xã Đông Sang",
            "unit-kind": "commune",
            "unit-parent_id": world["units"]["MCH"].id,
        },
    )
    commune = db.session.scalars(select(Unit).where(Unit.code == "MCH-DSA")).one()
    post_form(
        client,
        url,
        {
            "action": "round",
            "round-unit_id": commune.id,
            "round-quota": "2",
            "round-profile_quota": "1",
        },
    )
    new_round = db.session.scalars(select(Round).where(Round.unit_id == commune.id)).one()
    assert new_round.parent is world["rounds"]["MCH"] and new_round.quota == 2
    response = post_form(
        client,
        url,
        {
            "action": "quota",
            "round_id": world["rounds"]["MCH-CSO"].id,
            "quota": "0",
            "profile_quota": "0",
        },
    )
    assert "Chỉ tiêu mới nhỏ hơn số đã gửi lên cấp trên." in response.get_data(as_text=True)
    # Absurd numbers get a message, never a server error, and change nothing.
    for typed in ("1e20", "100000000000000000000", "3.5", "-1", ""):
        response = post_form(
            client,
            url,
            {
                "action": "quota",
                "round_id": world["rounds"]["MCH"].id,
                "quota": typed,
                "profile_quota": "1",
            },
        )
        assert response.status_code == 200, typed
        assert "Chỉ tiêu phải là số nguyên từ 0 đến 100000." in response.get_data(as_text=True)
    db.session.refresh(world["rounds"]["MCH"])
    assert world["rounds"]["MCH"].quota == 2
    assert client.get("/c/son-la-2019/audit?page=100000000000000000000").status_code == 200


def test_an_old_font_essay_waits_as_a_draft_with_its_converted_text(client, world):
    login(client, "a@example.com")
    response = post_form(
        client,
        "/c/son-la-2019/entries/new",
        {
            "title": "Người tốt việc tốt",
            "subject_profile_id": "0",
            "subject_name": "Lò Thị Hoa",
            "subject_address": "Bản Mường Chiên",
            "subject_kind": "individual",
            "subject_category": "2.4",
            "body": "",
            "declarations": "y",
            "submit_now": "Lưu và nộp bài",
            "file": (io.BytesIO(legacy_docx()), "bai-tcvn3.docx"),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    entry = db.session.scalars(select(Entry)).one()
    assert entry.state is EntryState.DRAFT
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "phông chữ cũ" in page and "dạng nháp" in page
    for paragraph in LEGACY_UNICODE:
        assert paragraph in page


def test_every_page_starts_with_a_skip_link_and_names_its_icon(client, world):
    page = client.get("/").get_data(as_text=True)
    body = page.split("<body>", 1)[1].lstrip()
    assert body.startswith('<a class="skip-link" href="#main">') and 'id="main"' in page
    icon = re.search(r'<link rel="icon" href="([^"]+)"', page).group(1)
    with client.get(icon) as served:
        assert served.status_code == 200 and served.mimetype == "image/svg+xml"


def test_the_round_page_counts_the_profiles_already_sent(client, world, make_entry):
    """After forwarding, the counter says what went up, not "0 / 1 hồ sơ" (issue 24)."""
    from contest.services.forwarding import forward_round, mark_profile
    from contest.services.profiles import create_profile
    from tests.plugins.factories import NOW

    round_ = world["rounds"]["MCH-CSO"]
    organiser = world["users"]["organiser_c1"]
    profile = create_profile(db.session, contest=world["contest"], round_=round_,
                             actor=organiser, name="Lò Văn Pánh", kind="individual",
                             category="2.4", address="Bản Mòng", files=file_store())  # fmt: skip
    mark_profile(db.session, round_, profile, True)
    entry = make_entry(world["users"]["entrant_a"])
    forward_round(db.session, round_, organiser, NOW, entry_ids=[entry.id])
    db.session.commit()
    login(client, organiser)
    page = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    assert "1 / 1 hồ sơ" in page


def test_an_organiser_corrects_a_profile_as_the_book_will_print_it(client, world):
    """Both ends: the unit that holds the profile corrects it, the level above only reads it;
    the change is in the log (issue 24: the edit addresses answered 404)."""
    from contest.platform.models import AuditEvent
    from contest.services.profiles import create_profile

    round_ = world["rounds"]["MCH-CSO"]
    organiser = world["users"]["organiser_c1"]
    profile = create_profile(db.session, contest=world["contest"], round_=round_,
                             actor=organiser, name="Lò Văn Panh", kind="individual",
                             category="2.4", address="Bản Mòng", files=file_store())  # fmt: skip
    db.session.commit()
    fields = {"name": "Lò Văn Pánh", "kind": "individual", "category": "2.4",
              "address": "Bản Mòng, xã Chiềng Sơn", "position": "Trưởng bản",
              "achievements": "Giữ rừng đầu nguồn 20 năm.", "commendations": ""}  # fmt: skip
    login(client, world["users"]["organiser_d1"])
    assert client.get(f"/profiles/{profile.id}").status_code == 200
    assert "Sửa hồ sơ" not in client.get(f"/profiles/{profile.id}").get_data(as_text=True)
    assert client.get(f"/profiles/{profile.id}/edit").status_code == 404
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").get_data(True))})
    login(client, organiser)
    page = client.get(f"/profiles/{profile.id}/edit").get_data(as_text=True)
    assert 'value="Lò Văn Panh"' in page
    refused = post_form(client, f"/profiles/{profile.id}/edit", {**fields, "category": "1.1"})
    assert "Lĩnh vực 1.1 dành cho đối tượng là tập thể" in refused.get_data(as_text=True)
    saved = post_form(client, f"/profiles/{profile.id}/edit", fields)
    assert saved.status_code == 302
    db.session.expire_all()
    assert (profile.name, profile.position) == ("Lò Văn Pánh", "Trưởng bản")
    assert db.session.query(AuditEvent).filter_by(action="profile_edit").count() == 1
