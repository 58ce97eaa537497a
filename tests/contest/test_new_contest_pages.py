"""A contest from nothing in the browser's pages: "Tạo cuộc thi", the draft's problems, its
levels, the judging filled in, publishing; "Nhân bản" and the contest file download."""

from __future__ import annotations

import io
import tomllib

from sqlalchemy import select

from contest.launch import ContestDocument
from contest.lifecycles import ContestPhase, Role
from contest.models import Contest, Unit
from contest.platform.db import db
from contest.services import accounts, units
from tests.plugins.factories import PASSWORD
from tests.plugins.web import csrf_token, login

SLUG = "dien-bien-2025"


def post_form(client, url: str, data: dict, page: str | None = None):
    token = csrf_token(client.get(page or url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def new_draft(client, title: str):
    """A draft from the starter settings, through "Tạo cuộc thi"."""
    return post_form(
        client,
        "/contests/new",
        {"title": title, "slug": SLUG, "opens_on": "2025-03-01",
         "closes_on": "2099-07-31", "copy_from": ""},
    )  # fmt: skip


def empty_province():
    province = Unit(code="11", name="Tỉnh Điện Biên", kind="province")
    db.session.add(province)
    db.session.flush()
    for code, name in (("094", "Huyện Mường Nhé"), ("095", "Huyện Mường Chà")):
        units.add_unit(db.session, None, code=code, name=name, kind="district", parent=province)
    accounts.open_account(
        db.session,
        None,
        full_name="Ban Thi đua tỉnh",
        email="btc@dienbien.gov.vn",
        phone=None,
        role=Role.PROVINCE_ORGANISER,
        unit=province,
        password=PASSWORD,
    )
    db.session.commit()


def test_a_contest_is_made_checked_and_published_in_the_pages(app, client):
    empty_province()
    login(client, "btc@dienbien.gov.vn")
    assert "Tạo cuộc thi" in client.get("/").get_data(as_text=True)
    made = post_form(
        client,
        "/contests/new",
        {"title": "Cuộc thi viết Điện Biên 2025", "slug": SLUG, "opens_on": "2025-03-01",
         "closes_on": "2099-07-31", "copy_from": ""},
    )  # fmt: skip
    assert made.status_code == 302 and made.location.endswith(f"/c/{SLUG}/settings")
    contest = db.session.scalar(select(Contest).where(Contest.slug == SLUG))
    assert contest.is_draft and {r.unit.code for r in contest.rounds} == {"11", "094", "095"}
    page = client.get(f"/c/{SLUG}/settings").get_data(as_text=True)
    assert "Bản nháp: chưa công bố" in page and "Cần ít nhất một vòng chấm" in page
    assert "70%" in page  # the criteria of 1.3, shown with its category
    # A deadline before the window opens is refused, and nothing changes.
    bad = post_form(
        client,
        f"/c/{SLUG}/settings",
        {"action": "level", "level-kind": "district", "level-quota_min": "1",
         "level-quota_max": "4", "level-profile_quota": "2", "level-forward_by": "2025-01-01"},
    )  # fmt: skip
    assert "trước ngày bắt đầu nhận bài" in bad.get_data(as_text=True)
    upside_down = post_form(
        client,
        f"/c/{SLUG}/settings",
        {"action": "level", "level-kind": "district", "level-quota_min": "5",
         "level-quota_max": "2", "level-profile_quota": "2", "level-forward_by": ""},
    )  # fmt: skip
    assert "ít nhất không được lớn hơn số nhiều nhất" in upside_down.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Contest, contest.id).level_for("district").forward_by is None
    post_form(
        client,
        f"/c/{SLUG}/settings",
        {"action": "level", "level-kind": "district", "level-quota_min": "1",
         "level-quota_max": "4", "level-profile_quota": "2", "level-forward_by": "2099-08-15"},
    )  # fmt: skip
    db.session.expire_all()
    assert db.session.get(Contest, contest.id).rounds[1].quota == 4
    post_form(
        client,
        f"/judging/{SLUG}/setup",
        {"action": "new_stage", "stage-name": "Chung khảo", "stage-judges_per_entry": "2",
         "stage-agree_gap": "10", "stage-head_gap": "15", "stage-three_mean_gap": "25",
         "stage-rubric": "Nội dung | 60 | 0.5\nVăn phong | 40 | 0.5"},
    )  # fmt: skip
    post_form(
        client,
        f"/judging/{SLUG}/setup",
        {"action": "ladder", "ladder-ladder": "Giải Nhất | 1 | 80 | 5000000\nGiải Nhì | 2 | 70"},
    )  # fmt: skip
    page = client.get(f"/c/{SLUG}/settings").get_data(as_text=True)
    assert "Thể lệ nhất quán" in page, page
    published = post_form(client, f"/c/{SLUG}/publish", {}, page=f"/c/{SLUG}/settings")
    assert published.status_code == 302
    db.session.expire_all()
    assert db.session.get(Contest, contest.id).phase == ContestPhase.SUBMISSION
    home = client.get("/").get_data(as_text=True)
    assert "Giải Nhất: 1 giải, mỗi giải 5.000.000 đồng" in home

    # The file it is defined by, and a copy of it for next year.
    data = tomllib.loads(client.get(f"/c/{SLUG}/contest.toml").get_data(as_text=True))
    assert data["slug"] == SLUG and data["judging"]["prizes"][1]["amount"] == 0
    copy = post_form(
        client,
        "/contests/new",
        {"title": "Cuộc thi viết Điện Biên 2026", "slug": "dien-bien-2026",
         "opens_on": "2026-03-01", "closes_on": "2026-07-31", "copy_from": SLUG},
    )  # fmt: skip
    assert copy.status_code == 302
    twin = db.session.scalar(select(Contest).where(Contest.slug == "dien-bien-2026"))
    assert twin.is_draft and twin.level_for("district").quota_max == 4
    # Next year's draft does not take the header over from the running contest.
    header = client.get("/").get_data(as_text=True).split("</nav>")[0]
    assert f'href="/c/{SLUG}/dashboard"' in header and "dien-bien-2026" not in header


def test_a_bad_contest_file_is_refused_whole_in_the_page(app, client, tmp_path):
    empty_province()
    login(client, "btc@dienbien.gov.vn")
    token = csrf_token(client.get("/contests/new").get_data(as_text=True))
    bad = 'min_words = 900\nmax_words = 100\n[[levels]]\nkind = "bản"\n'.encode()
    refused = client.post(
        "/contests/new",
        data={"csrf_token": token, "title": "X", "slug": "x-2025", "opens_on": "2025-03-01",
              "closes_on": "2025-07-31", "copy_from": "", "file": (io.BytesIO(bad), "x.toml")},
        content_type="multipart/form-data",
    )  # fmt: skip
    text = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "Số chữ tối thiểu lớn hơn số chữ tối đa" in text and "kind phải là một trong" in text
    assert db.session.scalar(select(Contest.id)) is None


def test_a_draft_stays_out_of_sight_of_entrants(app, client):
    empty_province()
    login(client, "btc@dienbien.gov.vn")
    new_draft(client, "Bản nháp bí mật")
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").get_data(as_text=True))})
    assert "Bản nháp bí mật" not in client.get("/").get_data(as_text=True)
    assert client.get(f"/public/{SLUG}/").status_code == 404
    assert client.get(f"/api/v1/contests/{SLUG}").status_code == 404


def test_launch_documents_are_offered_once_published_and_checked_for_what_they_are(app, client):
    empty_province()
    login(client, "btc@dienbien.gov.vn")
    new_draft(client, "Cuộc thi 2025")

    def upload(title: str, data: bytes, name: str):
        token = csrf_token(client.get(f"/c/{SLUG}/settings").get_data(as_text=True))
        return client.post(
            f"/c/{SLUG}/settings",
            data={"csrf_token": token, "action": "document", "document-title": title,
                  "document-file": (io.BytesIO(data), name)},
            content_type="multipart/form-data",
        )  # fmt: skip

    fake = upload("Thể lệ", b"PK\x03\x04 a zip, not a PDF", "the-le.pdf")
    assert "Tệp không đúng là PDF" in fake.get_data(as_text=True)
    pdf = "%PDF-1.4\n% Kế hoạch\n".encode()
    assert upload("Kế hoạch số 55/KH-UBND", pdf, "ke-hoach-55.pdf").status_code == 302
    [document] = db.session.scalars(select(ContestDocument)).all()
    url = f"/c/{SLUG}/documents/{document.id}"
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").get_data(as_text=True))})
    assert client.get(url).status_code == 404  # the contest is still a draft
    db.session.get(Contest, document.contest_id).phase = ContestPhase.SUBMISSION
    db.session.commit()
    assert "Kế hoạch số 55/KH-UBND" in client.get("/").get_data(as_text=True)
    got = client.get(url)
    assert got.data == pdf and "attachment" in got.headers["Content-Disposition"]
    # A row naming a file outside the store, or one gone from the disk: a 404, not an error.
    for gone in ("../../../etc/hostname", "launch/gone.pdf"):
        document.path = gone
        db.session.commit()
        assert client.get(url).status_code == 404
    login(client, "btc@dienbien.gov.vn")
    token = csrf_token(client.get(f"/c/{SLUG}/settings").get_data(as_text=True))
    client.post(f"{url}/remove", data={"csrf_token": token})
    assert client.get(url).status_code == 404


def test_a_draft_s_categories_are_edited_in_the_page(app, client):
    empty_province()
    login(client, "btc@dienbien.gov.vn")
    new_draft(client, "Cuộc thi 2025")
    contest = db.session.scalar(select(Contest).where(Contest.slug == SLUG))
    rows = [c.as_dict() for c in contest.categories]
    rows[0]["name"] = "Sản xuất – kinh doanh giỏi"
    rows[-1]["remove"] = "y"
    rows.append({"code": "3.1", "group": "collective", "name": "Chuyển đổi số",
                 "criteria": "- Ứng dụng công nghệ số\n- Có kết quả đo được"})  # fmt: skip

    def send(rows):
        data = {"action": "categories"}
        for n, row in enumerate(rows):
            for key, value in row.items():
                data[f"categories-rows-{n}-{key}"] = value
        return post_form(client, f"/c/{SLUG}/settings", data)

    bad = send([*rows, {"code": "1.1", "group": "collective", "name": ""}])
    text = bad.get_data(as_text=True)
    assert "mã «1.1» bị trùng" in text and "Cần có tên Lĩnh vực thứ 14" in text
    db.session.expire_all()
    assert len(db.session.get(Contest, contest.id).categories) == 13
    assert send(rows).status_code == 302
    db.session.expire_all()
    saved = db.session.get(Contest, contest.id)
    codes = [c.code for c in saved.categories]
    assert codes[-1] == "3.1" and "2.4" not in codes and len(codes) == 13
    assert saved.category_names["1.1"] == "Sản xuất – kinh doanh giỏi"
    assert "\n- Có kết quả" in saved.categories[-1].criteria


def test_a_level_is_taken_out_of_a_draft_and_its_children_send_higher(app, client):
    empty_province()
    province = db.session.scalar(select(Unit).where(Unit.code == "11"))
    district = db.session.scalar(select(Unit).where(Unit.code == "094"))
    units.add_unit(db.session, None, code="03160", name="Xã Chung Chải", kind="commune",
                   parent=district)  # fmt: skip
    units.add_unit(db.session, None, code="SGD", name="Sở Giáo dục và Đào tạo",
                   kind="department", parent=province)  # fmt: skip
    db.session.commit()
    login(client, "btc@dienbien.gov.vn")
    new_draft(client, "Cuộc thi Điện Biên")
    contest = db.session.scalar(select(Contest).where(Contest.slug == SLUG))
    by_code = {r.unit.code: r for r in contest.rounds}
    assert by_code["03160"].parent.unit.code == "094"
    page = client.get(f"/c/{SLUG}/settings").get_data(as_text=True)
    assert "Bỏ cấp này" in page
    gone = post_form(client, f"/c/{SLUG}/settings",
                     {"action": "level_remove", "unit_kind": "district"})  # fmt: skip
    assert gone.status_code == 302
    db.session.expire_all()
    contest = db.session.get(Contest, contest.id)
    by_code = {r.unit.code: r for r in contest.rounds}
    assert set(by_code) == {"11", "03160", "SGD"} and contest.level_for("district") is None
    assert by_code["03160"].parent.unit.code == "11"  # the commune now sends to the province
    unknown = post_form(client, f"/c/{SLUG}/settings",
                        {"action": "level_remove", "unit_kind": "district"})  # fmt: skip
    assert "Cấp này không tham gia cuộc thi" in unknown.get_data(as_text=True)
    # Once published, no level leaves: its units' entrants were told where to send.
    contest.phase = ContestPhase.SUBMISSION
    db.session.commit()
    late = post_form(client, f"/c/{SLUG}/settings",
                     {"action": "level_remove", "unit_kind": "commune"})  # fmt: skip
    assert "không bỏ một cấp tham gia được nữa" in late.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Contest, contest.id).level_for("commune") is not None
