"""An attacking entrant in Chromium: an essay whose links would run script in the organiser's
session. Every crafted link is clicked by the province organiser, and nothing happens."""

from __future__ import annotations

from sqlalchemy import func, select

from contest.models import User
from contest.platform.db import db
from tests import hostile
from tests.browser.steps import log_in
from tests.plugins.factories import vietnamese_essay

PAYLOADS = [
    *hostile.SCRIPT_TARGETS,
    "javascript:document.title='PWNED'",
    "javascript:fetch('/accounts').then(r=>r.text()).then(t=>document.title='PWNED')",
]


def _accounts(app) -> int:
    with app.app_context():
        count = db.session.scalar(select(func.count(User.id)))
        db.session.remove()
    return count


def test_clicking_every_crafted_link_does_nothing(live_app, new_page, tmp_path):
    base = live_app.config["LIVE_URL"]
    essay = tmp_path / "Bài có liên kết.docx"
    text = vietnamese_essay(600, "Người giữ rừng")
    essay.write_bytes(hostile.docx_with_links(tmp_path, PAYLOADS, essay=text))
    picture = tmp_path / "Bài có hình SVG.docx"
    picture.write_bytes(
        hostile.docx_with_picture(tmp_path, hostile.SVG_WITH_SCRIPT, rename_to="svg", essay=text)
    )

    entrant = new_page()
    entrant.goto(base + "/register")
    entrant.fill("#full_name", "Kẻ Tấn Công")
    entrant.fill("#phone", "0968 000 111")
    entrant.select_option("#unit_id", label="Huyện Vân Hồ")
    entrant.fill("#address", "Bản Hìn, xã Chiềng Yên")
    entrant.fill("#password", "matkhau-tancong")
    entrant.fill("#confirm", "matkhau-tancong")
    entrant.click("#submit")
    # Registered, not signed in (a taken phone would get the same answer): sign in.
    entrant.fill("#password", "matkhau-tancong")
    entrant.click("#submit")
    entry_urls = []
    for title, path in (("Bài có liên kết", essay), ("Bài có hình", picture)):
        entrant.goto(base + "/")
        entrant.click("text=Gửi bài mới")
        entrant.fill("#title", title)
        entrant.fill("#subject_name", "Thào A Páo")
        entrant.select_option("#subject_category", value="2.1")
        entrant.set_input_files("#file", str(path))
        entrant.check("#declarations")
        entrant.click("#save")
        entrant.wait_for_load_state()
        entry_urls.append(entrant.url)
    assert "không được giữ lại" in entrant.content()  # the SVG picture's notice
    entrant.goto(entry_urls[0])
    assert "chỉ giữ lại chữ" in entrant.content() or "Liên kết số 0" in entrant.content()

    province = new_page()
    log_in(province, base, "btc@sonla.gov.vn")
    dialogs: list[str] = []
    province.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    requests: list[str] = []
    province.on("request", lambda request: requests.append(request.url))
    before = _accounts(live_app)
    province.goto(entry_urls[0])
    assert (
        province.evaluate(
            "[...document.querySelectorAll('.essay a, article a')]"
            ".filter(a => a.href && !a.href.startsWith(location.origin)).length"
        )
        == 0
    )
    for number in range(len(PAYLOADS)):
        link = province.get_by_text(f"Liên kết số {number}", exact=True)
        link.click()
        province.wait_for_timeout(200)
        assert province.url == entry_urls[0]
    assert dialogs == [] and province.title() != "PWNED"
    assert not any(url.startswith("data:") or "/accounts" in url for url in requests)
    assert _accounts(live_app) == before

    province.goto(entry_urls[1])
    assert province.locator("img").count() == 0 or all(
        src.endswith((".png", ".jpg"))
        for src in province.eval_on_selector_all("img", "els => els.map(e => e.src)")
    )
    assert dialogs == []
