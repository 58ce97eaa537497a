"""The whole submission side in Chromium: register, upload, submit, forward, dashboard."""

from __future__ import annotations

import re

import pytest

from contest.platform.text import count_words
from tests.browser.steps import log_in
from tests.plugins.documents import OFFICE_EXPECTED_TEXT, docx_bytes
from tests.plugins.factories import vietnamese_essay


def test_entrant_submits_organiser_forwards_province_sees_it(live_app, new_page, tmp_path):
    base = live_app.config["LIVE_URL"]
    essay = tmp_path / "Bài dự thi.docx"
    essay.write_bytes(docx_bytes([vietnamese_essay(640, "Người thầy giáo ở bản Hìn")]))

    entrant = new_page()
    entrant.goto(base + "/")
    entrant.click("text=Đăng ký dự thi")
    entrant.fill("#full_name", "Mùa Thị Dung")
    entrant.fill("#phone", "0968 123 456")
    entrant.select_option("#unit_id", label="Huyện Vân Hồ")
    entrant.fill("#address", "Bản Hìn, xã Chiềng Yên, huyện Vân Hồ")
    entrant.fill("#password", "matkhau-dung")
    entrant.fill("#confirm", "matkhau-dung")
    entrant.click("#submit")
    entrant.fill("#password", "matkhau-dung")  # registered, then signed in
    entrant.click("#submit")
    entrant.click("text=Gửi bài mới")
    entrant.fill("#title", "Người thầy giáo cắm bản")
    entrant.fill("#subject_name", "Thào A Páo")
    entrant.fill("#subject_address", "Bản Hìn, xã Chiềng Yên")
    entrant.select_option("#subject_category", value="2.1")
    entrant.set_input_files("#file", str(essay))
    entrant.check("#declarations")
    entrant.click("#save")
    assert entrant.inner_text("#word-count") == "640"
    assert "Bản nháp" in entrant.content()
    entrant.check("input[name=declarations]")  # the declarations, made again at submission
    entrant.click("button:has-text('Nộp bài')")
    entrant.wait_for_selector("text=Đã nộp bài dự thi.")
    entry_url = entrant.url

    organiser = new_page()
    log_in(organiser, base, "tdkt.vho@sonla.gov.vn")
    organiser.click("text=Vòng thi của đơn vị: Huyện Vân Hồ")
    row = organiser.locator("tr", has_text="Người thầy giáo cắm bản")
    row.locator("button:has-text('Chọn')").click()
    organiser.on("dialog", lambda dialog: dialog.accept())
    organiser.click("button:has-text('Gửi kết quả lên cấp trên')")
    organiser.wait_for_selector("text=lên Tỉnh Sơn La")

    province = new_page()
    log_in(province, base, "btc@sonla.gov.vn")
    province.click("text=Bảng điều khiển cấp tỉnh")
    province.wait_for_load_state()
    assert province.locator("tr", has_text="Người thầy giáo cắm bản").count() == 1
    assert "Mùa Thị Dung" in province.content()

    entrant.goto(entry_url)
    assert re.search(r"Đã chuyển lên cấp trên", entrant.content())


# An old Word file is converted by LibreOffice within the request: seconds on a busy machine.
CONVERSION_WAIT = 90_000
NOTICE = {"pdf": "chỉ lấy được chữ", "doc": "Tệp Word cũ", "rtf": "Tệp Word cũ"}


def _start_an_entry(entrant, base: str, phone: str) -> None:
    entrant.goto(base + "/")
    entrant.click("text=Đăng ký dự thi")
    entrant.fill("#full_name", "Lò Văn Hặc")
    entrant.fill("#phone", phone)
    entrant.select_option("#unit_id", label="Huyện Vân Hồ")
    entrant.fill("#address", "Bản Hìn, xã Chiềng Yên, huyện Vân Hồ")
    entrant.fill("#password", "matkhau-hac")
    entrant.fill("#confirm", "matkhau-hac")
    entrant.click("#submit")
    entrant.fill("#password", "matkhau-hac")  # registered, then signed in
    entrant.click("#submit")
    entrant.click("text=Gửi bài mới")
    entrant.fill("#title", "Người tốt việc tốt")
    entrant.fill("#subject_name", "Lò Thị Hoa")
    entrant.fill("#subject_address", "Bản Mường Chiên")
    entrant.select_option("#subject_category", value="2.4")
    entrant.check("#declarations")


@pytest.mark.parametrize("kind", sorted(OFFICE_EXPECTED_TEXT))
def test_an_essay_as_offices_write_it_is_shown_converted_before_it_is_submitted(
    live_app, new_page, tmp_path, office_samples, kind
):
    base = live_app.config["LIVE_URL"]
    essay = tmp_path / f"bai-cu.{kind}"
    essay.write_bytes(office_samples[kind])
    entrant = new_page()
    _start_an_entry(entrant, base, "0968 123 457")
    entrant.set_input_files("#file", str(essay))
    entrant.click("#submit_now", timeout=CONVERSION_WAIT)
    entrant.wait_for_selector("text=dạng nháp", timeout=CONVERSION_WAIT)
    body = entrant.inner_text("body")
    assert "Bản nháp" in body and NOTICE.get(kind, "phông chữ cũ") in body
    for paragraph in OFFICE_EXPECTED_TEXT[kind]:
        assert paragraph in body


def test_a_scanned_pdf_is_refused_in_the_form_and_nothing_is_saved(
    live_app, new_page, tmp_path, office_samples
):
    base = live_app.config["LIVE_URL"]
    scan = tmp_path / "bai-scan.pdf"
    scan.write_bytes(office_samples["scan.pdf"])
    entrant = new_page()
    _start_an_entry(entrant, base, "0968 123 458")
    entrant.set_input_files("#file", str(scan))
    entrant.click("#submit_now")
    entrant.wait_for_selector("text=không có lớp chữ")
    entrant.goto(base + "/c/son-la-2019/entries")
    assert "Người tốt việc tốt" not in entrant.inner_text("main")


def test_the_entry_form_counts_words_live_and_finds_a_profile(live_app, new_page):
    """As the entrant types, the count follows against the limits; the profile list narrows to
    what is typed in its search box, accents aside."""
    base = live_app.config["LIVE_URL"]
    entrant = new_page()
    entrant.goto(base + "/register")
    entrant.fill("#full_name", "Lường Văn Thanh")
    entrant.fill("#phone", "0968 555 777")
    entrant.select_option("#unit_id", label="Huyện Vân Hồ")
    entrant.fill("#address", "Bản Hìn")
    entrant.fill("#password", "mua hoa ban 2019")
    entrant.fill("#confirm", "mua hoa ban 2019")
    entrant.click("#submit")
    # Registered, not signed in (a taken phone would get the same answer): sign in.
    entrant.fill("#password", "mua hoa ban 2019")
    entrant.click("#submit")
    entrant.click("text=Gửi bài mới")
    entrant.wait_for_load_state()  # app.js listens before anything is typed
    typed = "Chị Lò Thị Hoa ở bản Mòng — 2019 !"
    entrant.fill("#body", typed)
    assert entrant.inner_text("#live-words") == str(count_words(typed)) == "8"  # as the server
    assert "outside" in entrant.get_attribute("#live-words", "class")  # below the minimum
    options = entrant.locator("#subject_profile_id option")
    total = options.count()
    first_name = options.nth(1).inner_text().split(" (")[0]
    entrant.fill("#profile-search", first_name.lower())
    visible = entrant.locator("#subject_profile_id option:not([hidden])").count()
    assert 1 < visible < total
