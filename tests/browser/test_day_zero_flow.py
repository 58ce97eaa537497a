"""Day zero in Chromium: on a server with nothing but Sơn La's tree from the registry and the
first province organiser (both from the CLI), the organiser logs in for the first time, looks
at the units page, creates a contest, sets its judging, publishes it; an entrant then
registers in a commune of the new contest and may send an essay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from contest import registry
from contest.lifecycles import Role
from contest.models import Unit
from contest.platform.db import utcnow
from contest.services import accounts, units
from tests.browser.steps import click_confirmed, log_in, serve

PASSWORD = "mot-mat-khau-rat-dai-2025"
SLUG = "son-la-2025"


def _day_zero(session) -> None:
    """The CLI's day zero done: Sơn La's tree and one province organiser, nothing else."""
    units.import_units(session, None, list(enumerate(registry.province_tree("Sơn La"), start=1)))
    accounts.open_account(
        session,
        None,
        full_name="Ban Thi đua – Khen thưởng tỉnh",
        email="btc@sonla.gov.vn",
        phone=None,
        role=Role.PROVINCE_ORGANISER,
        unit=session.scalar(select(Unit).where(Unit.parent_id.is_(None))),
        password=PASSWORD,
    )


@pytest.fixture
def empty_server(tmp_path, migrated_database):
    yield from serve(tmp_path, migrated_database, _day_zero)


def test_a_province_creates_and_publishes_its_first_contest(empty_server, new_page):
    base = empty_server.config["LIVE_URL"]
    today = utcnow().date()
    board = new_page()
    log_in(board, base, "btc@sonla.gov.vn", PASSWORD)
    assert "Chưa có cuộc thi nào" in board.inner_text("main")
    board.goto(base + "/units")
    assert "Tỉnh Sơn La" in board.inner_text("main")
    board.goto(base + "/units?q=moc+chau")
    assert "Mộc Châu" in board.inner_text("main")

    board.goto(base + "/")
    board.click("text=Tạo cuộc thi")
    board.fill("#title", "Cuộc thi viết về gương điển hình tiên tiến tỉnh Sơn La năm 2025")
    board.fill("#slug", SLUG)
    board.fill("#opens_on", str(today - timedelta(days=1)))
    board.fill("#closes_on", str(today + timedelta(days=60)))
    board.click("#submit")
    board.wait_for_url(f"{base}/c/{SLUG}/settings")
    assert "Bản nháp: chưa công bố" in board.inner_text("#draft")
    assert "Cần ít nhất một vòng chấm" in board.inner_text("#problems")

    board.goto(f"{base}/judging/{SLUG}/setup")
    board.fill("#stage-name", "Chung khảo")
    board.fill("#stage-rubric", "Nội dung | 60 | 0.5\nHình thức | 40 | 0.5")
    board.click("#stage-submit")
    board.wait_for_load_state("networkidle")
    board.fill("#ladder-ladder", "Giải Nhất | 1 | 80 | 5.000.000\nGiải Nhì | 2 | 70 | 3.000.000")
    board.click("#ladder-submit")
    board.wait_for_load_state("networkidle")

    board.goto(f"{base}/c/{SLUG}/settings")
    assert board.locator("#problems").count() == 0
    click_confirmed(board, "Công bố cuộc thi")
    assert "Đã công bố cuộc thi" in board.inner_text("main")

    entrant = new_page()
    entrant.goto(base + "/")
    assert "5.000.000 đồng" in entrant.inner_text("main")
    entrant.goto(base + "/register")
    entrant.fill("#full_name", "Lò Thị Hoa")
    entrant.fill("#phone", "0968 123 456")
    entrant.select_option("#unit_id", label="Xã Chiềng Sơn")
    entrant.fill("#address", "Bản Lướt")
    entrant.fill("#password", "mua hoa ban 2025")
    entrant.fill("#confirm", "mua hoa ban 2025")
    entrant.click("#submit")
    # Registered, not signed in (a taken phone would get the same answer): sign in.
    entrant.fill("#password", "mua hoa ban 2025")
    entrant.click("#submit")
    entrant.click("text=Gửi bài mới")
    entrant.wait_for_load_state()
    assert entrant.locator("#subject_category option").count() == 13
    entrant.click("summary:has-text('xây dựng nông thôn mới')")  # 1.3 opens its criteria
    assert "70%" in entrant.inner_text("main")
