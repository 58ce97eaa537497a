"""The home page tells everyone where the contest stands, its dates, rules, prizes and whom to
contact, in both languages."""

from __future__ import annotations

from datetime import timedelta

from contest.platform.db import db
from tests.plugins.factories import NOW
from tests.plugins.panels import open_for_judging
from tests.plugins.web import csrf_token


def test_the_home_page_states_phase_dates_rules_prizes_and_contact(client, world, panel):
    page = client.get("/").get_data(as_text=True)
    assert "Đang nhận bài" in page
    assert "Độ dài 20–400 chữ; mỗi tác giả tối đa 2 bài." in page
    assert "Bài viết về người thật, việc thật." in page  # the declarations, the contest's rules
    assert "Cơ cấu giải" in page and "Giải Nhất: 1 giải; Giải Nhì: 2 giải" in page
    assert 'href="mailto:btc@sonla.gov.vn"' in page
    contest = world["contest"]
    contest.closes_at = NOW - timedelta(days=1)
    db.session.commit()
    assert "các đơn vị đang xét chọn" in client.get("/").get_data(as_text=True)
    open_for_judging(panel, world["users"]["province"])
    page = client.get("/").get_data(as_text=True)
    assert "Đang chấm chung khảo cấp tỉnh" in page
    client.post("/lang/en", data={"csrf_token": csrf_token(page)})
    english = client.get("/").get_data(as_text=True)
    assert (
        "Prize ladder" in english and "Contact" in english and "Province final judging" in english
    )
