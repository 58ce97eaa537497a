"""Irreversible actions ask first, in both languages, saying what will happen in numbers; a
quote in the translation ("won't") no longer breaks the question. The province sees which
rounds still hold entries before it can open judging."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from contest.models import Contest, Unit
from contest.platform.db import db
from contest.platform.storage import file_store
from contest.platform.uow import unit_of_work
from contest.services.entries import Subject
from judging.demo import setup_jury
from tests.browser.steps import log_in, submit_essays


@pytest.fixture
def van_ho_holds_entries(live_app):
    """Two essays waiting in Vân Hồ's round, and the province's jury set up."""
    with live_app.app_context():
        with unit_of_work() as uow:
            contest = uow.session.scalar(select(Contest))
            unit = uow.session.scalar(select(Unit).where(Unit.name == "Huyện Vân Hồ"))
            submit_essays(
                uow.session,
                contest,
                unit,
                [(f"Mùa Thị Dung {n}", f"dung{n}@example.vn") for n in (1, 2)],
                "Người thầy cắm bản",
                Subject("Thào A Páo", "Bản Hìn", "individual", "2.1"),
            )
            setup_jury(contest, 3, file_store())
        db.session.remove()
    return live_app


def test_an_english_confirmation_with_an_apostrophe_asks_and_can_be_declined(
    van_ho_holds_entries, new_page
):
    base = van_ho_holds_entries.config["LIVE_URL"]
    organiser = new_page()
    log_in(organiser, base, "tdkt.vho@sonla.gov.vn")
    organiser.click("button:has-text('English')")
    organiser.click("text=Unit round: Huyện Vân Hồ")
    organiser.wait_for_load_state()  # the whole list parsed and app.js run, not just committed
    round_url = organiser.url
    waiting = organiser.locator("tr[id^=entry-]").count()
    assert waiting >= 1
    organiser.locator("tr[id^=entry-]").first.locator("button:has-text('Tick')").click()
    organiser.wait_for_load_state()

    asked: list[str] = []

    def decline(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    organiser.once("dialog", decline)
    organiser.click("button:has-text('Forward to the next level')")
    organiser.wait_for_timeout(300)
    assert len(asked) == 1 and "won't be selected" in asked[0]
    assert "Send the 1 chosen entries and 0 profiles up to Tỉnh Sơn La" in asked[0]
    assert f"the other {waiting - 1} entries" in asked[0]
    # Still on the round, at the row just ticked (not back at the top of the list).
    assert organiser.url.startswith(round_url + "#entry-")
    assert organiser.locator("tr[id^=entry-]").count() == waiting

    organiser.once("dialog", lambda dialog: dialog.accept())
    organiser.click("button:has-text('Forward to the next level')")
    organiser.wait_for_selector("text=Tỉnh Sơn La")
    assert organiser.locator("button:has-text('Forward to the next level')").count() == 0


def test_the_province_sees_the_rounds_holding_entries_instead_of_an_open_button(
    van_ho_holds_entries, new_page
):
    base = van_ho_holds_entries.config["LIVE_URL"]
    province = new_page()
    log_in(province, base, "btc@sonla.gov.vn")
    province.goto(base + "/judging/son-la-2019/")
    warning = province.locator("#rounds-holding-entries")
    assert "Huyện Vân Hồ: 2 bài chờ xét" in warning.inner_text()
    assert province.locator("button:has-text('Mở chấm và phân công')").count() == 0
    warning.locator("a", has_text="Huyện Vân Hồ").click()
    province.wait_for_load_state()
    assert "Vòng thi: Huyện Vân Hồ" in province.content()


def test_no_page_breaks_the_content_security_policy(van_ho_holds_entries, new_page):
    """The policy forbids inline script: the pages' own behaviour must not need any."""
    base = van_ho_holds_entries.config["LIVE_URL"]
    page = new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    log_in(page, base, "btc@sonla.gov.vn")
    for path in (
        "/",
        "/c/son-la-2019/dashboard",
        "/judging/son-la-2019/",
        "/judging/son-la-2019/panel",
        "/anthology/son-la-2019/",
    ):
        page.goto(base + path)
    page.goto(base + "/judging/son-la-2019/")
    page.locator("#rounds-holding-entries a", has_text="Huyện Vân Hồ").click()
    page.wait_for_load_state()  # app.js, which asks before the form goes, has run
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click("button:has-text('Gửi kết quả lên cấp trên')")
    page.wait_for_timeout(300)
    assert asked, "the confirmation script did not run"
    assert violations == []
