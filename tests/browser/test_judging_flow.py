"""Blind judging in Chromium: two judges disagree widely and a third judge is brought in; a
narrower gap goes to the head judge; the organiser finalises and the names appear; the board
publishes and an anonymous visitor reads the winners."""

from __future__ import annotations

from sqlalchemy import select

from contest.models import Contest
from contest.platform.db import db
from contest.platform.storage import file_store
from judging import demo as judging_demo
from judging.models import Assignment, BlindCopy
from judging.services import prizes, stages
from tests.browser.steps import log_in


def _pairs(stage):
    """Entries and their two judges, from the organisers' side of the database."""
    out = []
    province = select(BlindCopy).where(BlindCopy.round_id.is_(None))  # not a unit jury's
    for copy in db.session.scalars(province.order_by(BlindCopy.code)):
        judges = db.session.scalars(
            select(Assignment)
            .where(Assignment.entry_id == copy.entry_id, Assignment.stage_id == stage.id)
            .order_by(Assignment.id)
        ).all()
        out.append((copy, [a.judge for a in judges]))
    return out


def _score_in_browser(page, base, slug, code, share):
    page.goto(f"{base}/judging/{slug}/queue")
    page.click(f"text={code}")
    page.wait_for_load_state()  # the whole form parsed and app.js run, not just committed
    expected = 0.0
    fields = page.locator("input[data-weight]").all()
    assert fields, "no mark boxes on the scoring page"
    for field in fields:
        maximum = float(field.get_attribute("data-max"))
        mark = round(maximum * share * 2) / 2
        field.fill(f"{mark:g}")
        expected += mark * float(field.get_attribute("data-weight"))
    # The total follows the marks as they are typed, before anything is saved.
    assert float(page.inner_text("#total")) == round(expected, 2)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#submit_score")
    page.wait_for_selector("text=Đã nộp điểm; điểm đã khóa.")
    page.wait_for_load_state("networkidle")  # nothing of this page still in flight


def test_judges_third_judge_head_judge_and_finalise(live_app, new_page):
    base = live_app.config["LIVE_URL"]
    with live_app.app_context():
        contest = db.session.scalar(select(Contest))
        judging_demo.setup_jury(contest, 5, file_store())
        judging_demo.open_judging(contest, 5, file_store())
        db.session.commit()
        stage = stages.current_stage(db.session, contest)
        stage_id = stage.id
        (wide, wide_judges), (narrow, narrow_judges) = _pairs(stage)[:2]
        wide_code, narrow_code = wide.code, narrow.code
        wide_emails = [j.email for j in wide_judges]
        narrow_emails = [j.email for j in narrow_judges]
        author_name = wide.entry.author.full_name
        slug = contest.slug
        db.session.remove()

    judge_page = new_page()
    for email, share in zip(wide_emails, [0.9, 0.6], strict=True):
        judge_page.context.clear_cookies()
        log_in(judge_page, base, email)
        assert author_name not in judge_page.content()
        _score_in_browser(judge_page, base, slug, wide_code, share)
    for email, share in zip(narrow_emails, [0.8, 0.68], strict=True):
        judge_page.context.clear_cookies()
        log_in(judge_page, base, email)
        _score_in_browser(judge_page, base, slug, narrow_code, share)

    with live_app.app_context():
        copy = db.session.scalar(
            select(BlindCopy).where(BlindCopy.code == wide_code, BlindCopy.round_id.is_(None))
        )
        third = db.session.scalar(
            select(Assignment).where(
                Assignment.stage_id == stage_id,  # not the third judge of a unit's own jury
                Assignment.entry_id == copy.entry_id,
                Assignment.is_third.is_(True),
            )
        )
        assert third is not None, "a gap over 15 points brings a third judge"
        third_email = third.judge.email
        db.session.remove()
    judge_page.context.clear_cookies()
    log_in(judge_page, base, third_email)
    _score_in_browser(judge_page, base, slug, wide_code, 0.78)

    head = new_page()
    log_in(head, base, "truongban@sonla.gov.vn")
    head.goto(f"{base}/judging/{slug}/queue")
    head.click(f"a:has-text('{narrow_code}')")
    head.fill("#score", "75")
    head.fill("#reason", "Đọc lại bài, thống nhất với giám khảo thứ hai.")
    head.click("#submit")
    head.wait_for_selector("text=Đã ghi quyết định.")

    with live_app.app_context():
        contest = db.session.scalar(select(Contest))
        # The other entries are scored off-screen; the head judge settles their gaps.
        judging_demo.score_all(contest, 5, file_store())
        prizes.share_all_ties(db.session, contest, None, "Đồng giải theo quyết định của Hội đồng.")
        db.session.commit()
        db.session.remove()

    organiser_page = new_page()
    log_in(organiser_page, base, "btc@sonla.gov.vn")
    organiser_page.goto(f"{base}/judging/{slug}/results")
    assert author_name not in organiser_page.content()
    organiser_page.on("dialog", lambda dialog: dialog.accept())
    organiser_page.click("button:has-text('Chốt kết quả')")
    organiser_page.wait_for_selector("text=Đã chốt kết quả và ghép phách.")
    assert author_name in organiser_page.content()
    with live_app.app_context():
        assert db.session.scalar(select(Contest)).phase == "finalised"

    # Final is not public: a visitor meets a 404 until the board publishes.
    visitor = new_page()
    assert visitor.goto(f"{base}/public/{slug}/").status == 404
    organiser_page.goto(f"{base}/anthology/{slug}/publication")
    organiser_page.click("button:has-text('Công bố kết quả')")
    organiser_page.wait_for_selector("text=Đã công bố kết quả")
    visitor.goto(base + "/")
    feed = visitor.locator("link[rel=alternate][type='application/atom+xml']")
    assert feed.count() == 1
    visitor.click("text=Kết quả, bài đoạt giải và tuyển tập")
    visitor.wait_for_selector("h1:has-text('Kết quả cuộc thi')")
    assert author_name in visitor.content()
    visitor.locator("table.winners a").first.click()
    visitor.wait_for_selector("article.essay")
    atom = visitor.goto(base + feed.get_attribute("href"))
    assert atom.ok and "Công bố kết quả" in atom.text()
    with live_app.app_context():
        assert db.session.scalar(select(Contest)).phase == "results_public"
