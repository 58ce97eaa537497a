"""A judge's score card in Chromium (issue 24): a decimal comma is a decimal point and the
submit confirmation shows every mark and the total; the card stays in view beside a long essay
on a wide screen and follows it on a phone; the essay prints without the page's furniture; the
queue is searched as the judge types."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from contest.models import Contest
from contest.platform.db import db
from contest.platform.storage import file_store
from judging import demo as judging_demo
from judging.models import Assignment, BlindCopy, CriterionScore, Score
from judging.services import stages
from tests.browser.steps import log_in
from tests.browser.test_accessibility import audit

LONG_ESSAY = "".join(
    f"<p>Đoạn {n}: chị Lò Thị Hoa vận động bà con bản Mòng trồng xoài trên đất dốc, giữ rừng "
    "đầu nguồn và mở lớp học chữ cho phụ nữ trong bản vào những buổi tối mùa đông.</p>"
    for n in range(1, 121)
)


@pytest.fixture
def judged(live_app):
    """The province's judging opened on the demo; a judge's first code, its essay made long."""
    with live_app.app_context():
        contest = db.session.scalar(select(Contest))
        judging_demo.setup_jury(contest, 5, file_store())
        judging_demo.open_judging(contest, 5, file_store())
        stage = stages.current_stage(db.session, contest)
        # The busiest judge: the queue test needs at least two codes to tell apart, and how
        # many a judge holds depends on the assignment the solver found.
        judge_id = (
            db.session.execute(
                select(Assignment.judge_id)
                .where(Assignment.stage_id == stage.id)
                .group_by(Assignment.judge_id)
                .order_by(func.count().desc(), Assignment.judge_id)
            )
            .scalars()
            .first()
        )
        held, copy = db.session.execute(
            select(Assignment, BlindCopy)
            .join(BlindCopy, BlindCopy.entry_id == Assignment.entry_id)
            .where(
                Assignment.stage_id == stage.id,
                Assignment.judge_id == judge_id,
                BlindCopy.round_id.is_(None),
            )
            .order_by(BlindCopy.code)
        ).first()
        copy.html = LONG_ESSAY
        facts = {
            "base": live_app.config["LIVE_URL"],
            "slug": contest.slug,
            "code": copy.code,
            "email": held.judge.email,
            "assignment_id": held.id,
            "criteria": [(c.id, c.name) for c in stage.criteria],
        }
        db.session.commit()
        db.session.remove()
    return facts


def _open_card(new_page, judged, width=1366, height=768):
    page = new_page()
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, judged["base"], judged["email"])
    page.goto(f"{judged['base']}/judging/{judged['slug']}/e/{judged['code']}")
    page.wait_for_load_state()
    return page


def test_a_decimal_comma_is_saved_as_a_decimal_and_the_confirmation_shows_the_marks(
    live_app, judged, new_page
):
    page = _open_card(new_page, judged)
    (first, first_name), *others = judged["criteria"]
    # Typed key by key as a judge types, not set as a value.
    page.locator(f"#c{first}").press_sequentially("2,5")
    assert page.input_value(f"#c{first}") == "2,5"  # a number box would hold 25
    for (criterion, _name), mark in zip(others, ["24", "15,5", "16"], strict=True):
        page.locator(f"#c{criterion}").press_sequentially(mark)
    asked = []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", answer)
    page.click("#submit_score")
    (message,) = asked
    assert message.startswith("Nộp điểm? Sau khi nộp không sửa được.")
    assert f"{first_name}: 2,5 / 30" in message
    assert f"{others[1][1]}: 15,5 / 20" in message
    assert "Tổng: 58 / 100" in message
    page.wait_for_selector("text=Đã nộp điểm; điểm đã khóa.")
    with live_app.app_context():
        score = db.session.scalar(
            select(Score).where(Score.assignment_id == judged["assignment_id"])
        )
        marks = dict(
            db.session.execute(
                select(CriterionScore.criterion_id, CriterionScore.points).where(
                    CriterionScore.score_id == score.id
                )
            ).all()
        )
        assert marks[first] == 2.5 and score.total == 58 and score.is_submitted
        db.session.remove()


def test_two_faulty_marks_are_both_refused_and_kept_as_typed(live_app, judged, new_page):
    page = _open_card(new_page, judged)
    (first, first_name), (second, second_name), *_rest = judged["criteria"]
    page.locator(f"#c{first}").press_sequentially("31")
    page.locator(f"#c{second}").press_sequentially("12,3")
    page.click("#save")
    page.wait_for_selector(f"#c{second}-error")
    assert page.locator(f"#c{first}").get_attribute("aria-invalid") == "true"
    assert page.locator(f"#c{second}").get_attribute("aria-invalid") == "true"
    assert page.input_value(f"#c{first}") == "31"
    assert page.input_value(f"#c{second}") == "12,3"
    assert f"Điểm «{first_name}» phải từ 0 đến 30." in page.content()
    assert f"Điểm «{second_name}» phải chia hết cho bước 0.5." in page.content()
    assert audit(page) == []


def _in_view(page, selector) -> bool:
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    return box["y"] >= 0 and box["y"] + box["height"] <= size["height"]


def test_the_score_card_stays_beside_a_long_essay_and_follows_it_on_a_phone(judged, new_page):
    page = _open_card(new_page, judged)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_function("window.scrollY > 2000")  # the essay is long
    assert _in_view(page, "#submit_score") and _in_view(page, "#c" + str(judged["criteria"][0][0]))

    phone = _open_card(new_page, judged, width=390, height=844)
    side = phone.locator(".score-side")
    assert side.evaluate("(el) => getComputedStyle(el).position") == "static"
    essay = phone.locator(".essay").bounding_box()
    assert side.bounding_box()["y"] >= essay["y"] + essay["height"]  # after the essay


def test_an_essay_prints_without_navigation_forms_or_buttons(judged, new_page):
    page = _open_card(new_page, judged)
    page.emulate_media(media="print")
    for selector in ("header.site", "form[data-live-total]", "#submit_score", "#q, .score-side"):
        assert not page.locator(selector).first.is_visible(), selector
    essay = page.locator(".essay")
    assert "serif" in essay.evaluate("(el) => getComputedStyle(el).fontFamily").lower()
    assert "sans" not in essay.evaluate("(el) => getComputedStyle(el).fontFamily").lower()
    width = page.evaluate("document.documentElement.clientWidth")
    assert essay.bounding_box()["width"] >= 0.95 * width


def test_the_queue_is_searched_as_the_judge_types(judged, new_page):
    page = new_page()
    log_in(page, judged["base"], judged["email"])
    page.goto(f"{judged['base']}/judging/{judged['slug']}/queue")
    page.wait_for_load_state()
    rows = page.locator("#queue tr[data-search]")
    assert rows.count() >= 2
    tail = judged["code"].split("-")[1].lower()
    page.locator("#q").press_sequentially(tail)
    visible = [r.inner_text() for r in rows.all() if r.is_visible()]
    assert len(visible) == 1 and judged["code"] in visible[0]
    assert not page.locator("#queue-empty").is_visible()
    page.fill("#q", "không có bài này")
    assert not any(r.is_visible() for r in rows.all())
    assert page.locator("#queue-empty").is_visible()
    assert audit(page) == []
    page.fill("#q", "")
    assert all(r.is_visible() for r in rows.all())
    # Sent (Enter), the server filters the same way.
    page.locator("#q").press_sequentially(tail)
    page.press("#q", "Enter")
    page.wait_for_url(f"**/queue?q={tail}")
    assert rows.count() == 1
