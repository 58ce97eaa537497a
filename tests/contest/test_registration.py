"""Signing up without dead ends: only units whose round still takes essays, grouped as the
province is and none chosen for you; phone and e-mail checked; the unit can be changed while
nothing is submitted, drafts moving with it."""

from __future__ import annotations

import re

from sqlalchemy import select

from contest.models import Entry, Round, Unit, User
from contest.platform.db import db
from contest.platform.models import AuditEvent
from contest.services.forwarding import forward_round
from tests.contest.test_views import post_form
from tests.plugins.factories import NOW
from tests.plugins.web import csrf_token, login

GOOD = {
    "full_name": "Vì Thị Mai",
    "phone": "0912 000 111",
    "email": "",
    "address": "Bản Lướt",
    "password": "hoa ban nở trắng",
    "confirm": "hoa ban nở trắng",
}


def _options(page: str) -> list[tuple[str, str]]:
    """(group label, unit name) of every option, in order."""
    found, group = [], ""
    for tag, label, text in re.findall(
        r'<(optgroup) label="([^"]*)"|<option[^>]*>([^<]*)</option>', page
    ):
        if tag:
            group = label
        else:
            found.append((group, text))
    return found


def test_only_open_rounds_are_offered_grouped_with_nothing_chosen(client, world, make_entry):
    with_entry = make_entry(world["users"]["entrant_a"])
    forward_round(db.session, world["rounds"]["MCH-CSO"], None, NOW, entry_ids=[with_entry.id])
    db.session.commit()
    page = client.get("/register").get_data(as_text=True)
    options = _options(page)
    assert options[0] == ("", "— Chọn đơn vị —")
    assert "selected" not in page.split('id="unit_id"')[1].split("</select>")[0]
    names = [name for _, name in options]
    assert "Xã Chiềng Sơn" not in names  # its round has sent its results up
    assert ("Huyện Mộc Châu", "Huyện Mộc Châu") in options
    assert ("Huyện Yên Châu", "Huyện Yên Châu") in options
    assert ("Sở, ban, ngành, đoàn thể", "Sở Giáo dục và Đào tạo") in options
    # The province judges what the units send up: it takes no essay straight (issue 24).
    assert ("Cấp tỉnh", "Tỉnh Sơn La") not in options
    assert options.index(("Sở, ban, ngành, đoàn thể", "Sở Giáo dục và Đào tạo")) < options.index(
        ("Huyện Mộc Châu", "Huyện Mộc Châu")
    )


def test_two_units_of_one_name_in_a_district_are_both_offered(client, world):
    """Villages are named alike across communes ("Tiểu khu 1" in many): the list still opens,
    each listed under its district."""
    district, commune = world["units"]["MCH"], world["units"]["MCH-CSO"]
    other = Unit(code="MCH-CXU", name="Xã Chiềng Xuân", kind="commune", parent=district)
    villages = [
        Unit(code=f"{parent.code}-TK1", name="Tiểu khu 1", kind="village", parent=parent)
        for parent in (commune, other)
    ]
    db.session.add_all([other, *villages])
    above = Round(contest=world["contest"], unit=other, parent=world["rounds"]["MCH"], quota=1)
    db.session.add(above)
    for village, parent in zip(villages, (world["rounds"]["MCH-CSO"], above), strict=True):
        db.session.add(Round(contest=world["contest"], unit=village, parent=parent, quota=1))
    db.session.commit()
    page = client.get("/register")
    assert page.status_code == 200
    assert _options(page.get_data(as_text=True)).count(("Huyện Mộc Châu", "Tiểu khu 1")) == 2


def test_a_unit_must_be_chosen(client, world):
    response = post_form(client, "/register", {**GOOD, "unit_id": "0"})
    assert "Hãy chọn một mục trong danh sách." in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.full_name == "Vì Thị Mai")) is None


def test_phone_and_email_are_checked_beside_their_fields(client, world):
    unit = world["units"]["MCH"].id
    for field, value, message in [
        ("phone", "12345", "Số điện thoại không hợp lệ"),
        ("phone", "0912 000 11a", "Số điện thoại không hợp lệ"),
        ("email", "mai@", "Thư điện tử không hợp lệ"),
    ]:
        page = post_form(client, "/register", {**GOOD, "unit_id": unit, field: value})
        text = page.get_data(as_text=True)
        assert message in text, value
        assert re.search(rf'<input aria-[^>]*aria-invalid="true"[^>]*id="{field}"', text), value
    assert (
        post_form(
            client, "/register", {**GOOD, "unit_id": unit, "phone": "+84 912 000 111"}
        ).status_code
        == 302
    )


def test_changing_unit_moves_the_drafts(client, world, make_entry):
    author = world["users"]["entrant_a"]
    draft = make_entry(author, submit=False)
    login(client, author)
    assert "Đổi đơn vị" in client.get("/c/son-la-2019/entries").get_data(as_text=True)
    response = post_form(client, "/account/unit", {"unit_id": world["units"]["YCH"].id})
    assert response.status_code == 302
    db.session.rollback()
    assert author.unit.code == "YCH"
    entry = db.session.get(Entry, draft.id)
    assert (entry.author_unit.code, entry.round.unit.code) == ("YCH", "YCH")
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.action == "unit_change"


def test_no_change_of_unit_once_something_is_submitted(client, world, make_entry):
    author = world["users"]["entrant_a"]
    make_entry(author, submit=True)
    login(client, author)
    assert "Đổi đơn vị" not in client.get("/c/son-la-2019/entries").get_data(as_text=True)
    page = client.get("/account/unit").get_data(as_text=True)
    response = client.post(
        "/account/unit", data={"csrf_token": csrf_token(page), "unit_id": world["units"]["YCH"].id}
    )
    assert "Bạn đã nộp bài" in response.get_data(as_text=True)
    db.session.rollback()
    assert author.unit.code == "MCH-CSO"
