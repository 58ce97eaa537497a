"""Long lists in Chromium, in Vietnamese then in English: the province searches and pages
its dashboard, and moves an essay of the book to a typed position."""

from __future__ import annotations

import re

from sqlalchemy import select

from anthology import demo as anthology_demo
from anthology.views import book as anthology_views
from contest.models import Contest, Entry
from contest.platform.db import db
from contest.platform.storage import file_store
from contest.services import lists
from judging import demo as judging_demo
from tests.browser.steps import log_in


def _finalise(app) -> dict:
    """The small demo judged and finalised (the book is made after that)."""
    with app.app_context():
        contest = db.session.scalar(select(Contest))
        for step in (
            anthology_demo.demo_stage,
            judging_demo.setup_jury,
            judging_demo.open_judging,
            judging_demo.score_all,
            judging_demo.award,
        ):
            step(contest, 3, file_store())
            db.session.commit()
        first = db.session.scalar(select(Entry).order_by(Entry.id))
        found = {"title": first.title, "author": first.author.full_name}
        db.session.remove()
    return found


def _essays(page) -> list[str]:
    return page.eval_on_selector_all("#book-essays tr", "rows => rows.map(r => r.id)")


def _search_and_page(page, base: str, entry: dict, search_label: str) -> None:
    page.goto(base + "/c/son-la-2019/dashboard")
    page.get_by_label(search_label).fill(entry["author"])
    page.get_by_label(search_label).press("Enter")
    page.wait_for_url(re.compile(r"q="))
    rows = page.locator("#entry-list tbody tr")
    assert rows.count() >= 1
    for index in range(rows.count()):
        assert entry["author"] in rows.nth(index).inner_text()
    page.goto(base + "/c/son-la-2019/dashboard")
    first_rows = page.locator("#entry-list tbody tr").all_inner_texts()
    page.locator("nav.pager a", has_text=re.compile(r"^2$")).click()
    page.wait_for_url(re.compile(r"page=2"))
    assert page.locator('nav.pager a[aria-current="page"]').inner_text() == "2"
    assert page.locator("#entry-list tbody tr").all_inner_texts() != first_rows


def _move_to(page, row_id: str, position: int, button: str) -> None:
    row = page.locator(f"#{row_id}")
    row.locator('input[name="position"]').fill(str(position))
    row.get_by_role("button", name=button).click()
    page.wait_for_load_state()


def test_province_searches_pages_and_orders_the_book(live_app, new_page, monkeypatch):
    monkeypatch.setattr(lists, "ENTRY_PAGE_SIZE", 3)
    monkeypatch.setattr(anthology_views, "BOOK_PAGE_SIZE", 3)
    entry = _finalise(live_app)
    base = live_app.config["LIVE_URL"]
    page = new_page()
    log_in(page, base, "btc@sonla.gov.vn")

    _search_and_page(page, base, entry, "Tìm theo tên bài, tác giả, đơn vị")
    page.goto(base + "/anthology/son-la-2019/")
    essays = _essays(page)
    assert len(essays) >= 2
    second = essays[1]
    _move_to(page, second, 1, "Chuyển đến vị trí")
    assert _essays(page)[0] == second
    assert "Đã đổi thứ tự." in page.content()

    page.click("header.site button:has-text('English')")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    _search_and_page(page, base, entry, "Search by title, author, unit")
    page.goto(base + "/anthology/son-la-2019/")
    _move_to(page, second, 2, "Move to position")
    assert _essays(page)[1] == second
