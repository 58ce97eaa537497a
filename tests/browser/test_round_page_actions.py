"""Issue 24, "dead buttons": a unit that judged its own round is offered no ticks and no
forward by ticks, its forward by results asks first with the entries and profiles it sends
(counted as ticked when it asks), and a refused tick is told beside the row, in view."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from contest.models import Contest, Round, Unit
from contest.platform.db import db
from contest.platform.storage import file_store
from contest.platform.uow import unit_of_work
from contest.services.entries import Subject
from judging import demo as judging_demo
from tests.browser.steps import log_in, submit_essays


@pytest.fixture
def van_ho_over_quota(live_app):
    """Three essays waiting in Vân Hồ's round, whose quota is one."""
    with live_app.app_context():
        with unit_of_work() as uow:
            contest = uow.session.scalar(select(Contest))
            unit = uow.session.scalar(select(Unit).where(Unit.code == "VHO"))
            round_ = uow.session.scalar(select(Round).where(Round.unit_id == unit.id))
            round_.quota = 1
            live_app.config["ROUND_URL"] = f"/rounds/{round_.id}"
            submit_essays(
                uow.session,
                contest,
                unit,
                [(f"Lò Thị Hoa {n}", f"hoa{n}@example.vn") for n in (1, 2, 3)],
                "Cô giáo vùng cao",
                Subject("Lò Văn Pọm", "Bản Phiêng", "individual", "2.1"),
            )
        db.session.remove()
    return live_app


def test_a_refused_tick_is_told_beside_the_row_in_view(van_ho_over_quota, new_page):
    base = van_ho_over_quota.config["LIVE_URL"]
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 700})
    log_in(page, base, "tdkt.vho@sonla.gov.vn")
    page.goto(base + van_ho_over_quota.config["ROUND_URL"])
    page.wait_for_load_state()
    rows = page.locator("tr[id^=entry-]")
    rows.nth(0).locator("button:has-text('Chọn')").click()
    page.wait_for_load_state()
    last = page.locator("tr[id^=entry-]").last
    last_id = last.get_attribute("id")
    last.locator("button:has-text('Chọn')").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"#{last_id}")
    refusal = page.locator(".flash.error", has_text="Vượt chỉ tiêu")
    assert refusal.count() == 1
    box = refusal.bounding_box()
    assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= 700, box
    # Beside the row it was about: in the row that follows it.
    assert page.locator(f"#{last_id} + tr .flash.error").count() == 1


@pytest.fixture
def moc_chau_judged(live_district_app):
    """Huyện Mộc Châu's own jury has judged and finalised; it waits to forward by results."""
    with live_district_app.app_context():
        contest = db.session.scalar(select(Contest))
        judging_demo.judge_units(contest, 3, file_store())
        db.session.commit()
        round_ = db.session.scalar(select(Round).join(Unit).where(Unit.code == "MCH"))
        live_district_app.config["ROUND_URL"] = f"/rounds/{round_.id}"
        db.session.remove()
    return live_district_app


def test_a_judged_unit_forwards_by_results_and_is_asked_what_goes_up(moc_chau_judged, new_page):
    base = moc_chau_judged.config["LIVE_URL"]
    page = new_page()
    log_in(page, base, "tdkt.mch@sonla.gov.vn")
    page.goto(base + moc_chau_judged.config["ROUND_URL"])
    page.wait_for_load_state()
    assert page.locator("tr[id^=entry-] button:has-text('Chọn')").count() == 0
    assert page.locator("button:has-text('Gửi kết quả lên cấp trên')").count() == 0
    assert "đang chấm thi riêng" in page.locator("#forward").inner_text()
    page.locator("tr[id^=profile-] button:has-text('Chọn')").first.click()  # profiles still go
    page.wait_for_load_state()

    page.goto(f"{base}/judging/son-la-2019/unit/MCH/forward")
    page.wait_for_load_state()
    boxes = page.locator("input[name=entry_id]")
    total, ticked = boxes.count(), page.locator("input[name=entry_id]:checked").count()
    assert ticked >= 2
    page.locator("input[name=entry_id]:checked").first.uncheck()
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click("button:has-text('Gửi kết quả lên cấp trên')")
    page.wait_for_timeout(300)
    assert len(asked) == 1, "forwarding by results asks first"
    assert re.search(
        rf"Gửi {ticked - 1} bài đã đánh dấu và 1 hồ sơ đã chọn lên Tỉnh Sơn La; "
        rf"{total - ticked + 1} bài còn lại sẽ không được chọn\.",
        asked[0],
    ), asked[0]
    assert page.url.endswith("/forward")  # declined: nothing was sent


def test_a_page_of_entries_is_ticked_at_once(van_ho_over_quota, new_page):
    base = van_ho_over_quota.config["LIVE_URL"]
    page = new_page()
    log_in(page, base, "tdkt.vho@sonla.gov.vn")
    page.goto(base + van_ho_over_quota.config["ROUND_URL"])
    page.wait_for_load_state()
    everything = page.locator("input[data-check-all]")
    assert everything.is_visible()  # hidden without the script, shown by it
    boxes = page.locator("input[form=bulk-mark]")
    everything.check()
    assert boxes.count() >= 3 and all(boxes.nth(i).is_checked() for i in range(boxes.count()))
    boxes.first.uncheck()
    assert everything.evaluate("box => box.indeterminate")
    page.click("button:has-text('Chọn các bài đã đánh dấu')")  # quota 1: all refused
    page.wait_for_load_state()
    refusal = page.locator("#pending .flash.error", has_text="Không bài nào được chọn")
    assert refusal.count() == 1
    box = refusal.bounding_box()
    assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= 900, box
    page.locator("input[form=bulk-mark]").first.check()
    page.click("button:has-text('Chọn các bài đã đánh dấu')")
    page.wait_for_load_state()
    assert "Đã chọn 1 bài." in page.locator("#pending").inner_text()
    assert "Đã chọn 1 / chỉ tiêu 1 bài" in page.locator("#quota-counter").inner_text()
