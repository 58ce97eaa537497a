"""Issue 24's fixes walked in Chromium, in both languages at 1366 and 390 px, axe watching:
the province's judging as guided steps (codes → assignment → release, each saying what comes
next), the judge's whole queue on paper, marks typed with a decimal comma and read back in
the submit confirmation, and the organiser's page of who marked a code."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from contest.demo import forward_kept_open_rounds
from contest.models import Contest
from contest.platform.db import db, utcnow
from contest.platform.storage import file_store
from judging import demo as judging_demo
from judging.models import Assignment, BlindCopy, CriterionScore
from judging.services import stages
from tests.browser.steps import log_in
from tests.browser.test_accessibility import audit

SLUG = "son-la-2019"
PROVINCE, JUDGE = "btc@sonla.gov.vn", "giamkhao1@sonla.gov.vn"


def _open(page, base, login, language, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, base, login)
    if language == "en":
        page.click("header.site button:has-text('English')")
        page.wait_for_selector("html[lang=en]")


def _clean(page, where: str) -> None:
    found = audit(page)
    assert not found, f"axe on {where}: {found}"


def _step(page, key: str) -> str:
    return page.get_attribute(f"#step-{key}", "class").split("step-")[-1]


@pytest.mark.parametrize("language,width", [("vi", 1366), ("vi", 390), ("en", 1366), ("en", 390)])
def test_the_province_guides_judging_and_a_judge_marks_with_a_comma(
    live_app, new_page, language, width
):
    base = live_app.config["LIVE_URL"]
    with live_app.app_context():
        contest = db.session.scalar(select(Contest))
        judging_demo.setup_jury(contest, 5, file_store())
        db.session.commit()
    province = new_page()
    _open(province, base, PROVINCE, language, width)
    province.goto(f"{base}/judging/{SLUG}/")
    # Huyện Mộc Châu still holds an entry its own jury has not sent up: the checks say so,
    # and nothing after them is offered.
    assert _step(province, "checks") == "next"
    assert "Huyện Mộc Châu" in province.inner_text("#step-checks .flash")
    assert province.locator(f"form[action$='/{SLUG}/open']").count() == 0
    _clean(province, "the judging steps, a unit holding entries")
    with live_app.app_context():
        contest = db.session.scalar(select(Contest))
        judging_demo.forward_judged_units(contest, 5, file_store())
        forward_kept_open_rounds(db.session, contest, utcnow(), 5)
        judging_demo.settle_leaks(contest, file_store())
        judging_demo.make_room(stages.current_stage(db.session, contest))
        db.session.commit()
    province.reload()
    assert [_step(province, k) for k in ("checks", "codes", "open", "release")] == [
        "done",
        "done",
        "next",
        "later",
    ]
    assert province.locator(f"form[action$='/{SLUG}/release']").count() == 0
    province.once("dialog", lambda dialog: dialog.accept())
    province.click("#step-open button")
    province.wait_for_selector("#step-release[aria-current=step]")
    said = province.inner_text(".flash")
    assert ("Giao bài cho giám khảo" if language == "vi" else "Release to the judges") in said
    province.click("#step-release button")
    province.wait_for_selector("#step-scoring[aria-current=step]")
    _clean(province, "the judging steps, released")

    judge = new_page()
    _open(judge, base, JUDGE, language, width)
    judge.goto(f"{base}/judging/{SLUG}/queue")
    assert judge.locator(f"a[href$='/{SLUG}/queue.pdf']").count() == 1
    with judge.expect_download() as download:
        judge.click(f"a[href$='/{SLUG}/queue.pdf']")
    assert download.value.suggested_filename.endswith(".pdf")
    judge.locator("#queue td.code a").first.click()
    judge.wait_for_load_state()
    code = judge.url.rsplit("/", 1)[1]
    marks = []
    for field in judge.locator("input[data-weight]").all():
        typed = float(field.get_attribute("data-max")) * 0.75
        typed = round(typed * 2) / 2 - 0.5  # a half point: the decimal mark matters
        marks.append(typed)
        field.fill(f"{typed:g}".replace(".", ","))  # the Vietnamese way, in both languages
    total = f"{sum(marks):g}"
    shown = f"{marks[0]:g}".replace(".", "," if language == "vi" else ".")
    messages = []

    def confirm(dialog):
        messages.append(dialog.message)
        dialog.accept()

    judge.once("dialog", confirm)
    judge.click("#submit_score")
    judge.wait_for_selector(".flash.success")
    assert shown in messages[0] and total.replace(".", ",") in messages[0].replace(".", ",")
    _clean(judge, "the locked score card")
    with live_app.app_context():
        copy = db.session.scalar(select(BlindCopy).where(BlindCopy.code == code))
        stage = stages.current_stage(db.session, db.session.scalar(select(Contest)))
        assignment = db.session.scalar(
            select(Assignment).where(
                Assignment.entry_id == copy.entry_id,
                Assignment.stage_id == stage.id,
                Assignment.judge.has(email=JUDGE),
            )
        )
        saved = sorted(
            m.points
            for m in db.session.scalars(
                select(CriterionScore).where(CriterionScore.score_id == assignment.score.id)
            )
        )
    assert saved == sorted(marks)

    province.goto(f"{base}/judging/{SLUG}/codes/{code}")
    assert province.locator("#coded-entry-marks textarea").count() == 1
    _clean(province, "who marked a code")
