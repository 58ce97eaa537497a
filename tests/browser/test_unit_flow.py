"""A district's own contest in Chromium (issue 14): Huyện Mộc Châu's organiser switches its
judging on, creates a jury, sets the rules and ladder, codes and opens; its judges score
blind and a wide gap brings the third judge; the organiser finalises, downloads the unit's
certificates and forwards by results; then the province judges over it, blind to the unit's
names and scores."""

from __future__ import annotations

import docx
from sqlalchemy import select

from contest.models import Contest, Round, Unit, User
from contest.platform.db import db
from contest.platform.storage import file_store
from contest.services.forwarding import pending_entries
from judging import demo as judging_demo
from judging.models import Assignment, Award, BlindCopy
from judging.services import stages
from tests.browser.steps import click_confirmed, log_in
from tests.browser.test_judging_flow import _score_in_browser

SLUG = "son-la-2019"
UNIT = f"/judging/{SLUG}/unit/MCH"
JURY = [
    ("Lường Văn Giám", "gk1@mocchau.gov.vn", "judge"),
    ("Hà Thị Khảo", "gk2@mocchau.gov.vn", "judge"),
    ("Sa Văn Chấm", "gk3@mocchau.gov.vn", "judge"),
    ("Mùa A Trưởng", "tb@mocchau.gov.vn", "head_judge"),
]
JUROR_PASSWORD = "Moc-chau-2019-gk"


def _set_up_the_jury(page, base: str) -> None:
    """Switch on, the rules and ladder, four accounts, the panel and its head judge."""
    page.goto(f"{base}{UNIT}/")
    click_confirmed(page, "Bật chấm thi riêng")
    page.goto(f"{base}{UNIT}/setup")
    page.fill("#stage-name", "Chấm cấp huyện")
    page.fill("#stage-rubric", "Nội dung | 60 | 0.5\nHình thức | 40 | 0.5")
    page.click("#stage-submit")
    page.wait_for_selector("text=Giải")
    page.fill("#ladder-ladder", "Giải A cấp huyện | 1 | 75\nGiải B cấp huyện | 2 | 60")
    page.click("#ladder-submit")
    page.wait_for_load_state("networkidle")
    page.goto(f"{base}{UNIT}/jury")
    for name, email, role in JURY:
        page.fill("#juror-full_name", name)
        page.fill("#juror-email", email)
        page.select_option("#juror-role", role)
        page.fill("#juror-password", JUROR_PASSWORD)
        page.click("#juror-submit")
        page.wait_for_selector(f"td:has-text('{name}')")
    for name, _email, role in JURY:
        if role == "judge":
            page.select_option("#member-judge_id", label=f"{name} (Huyện Mộc Châu)")
            page.fill("#member-min_load", "0")
            page.fill("#member-max_load", "20")
            page.click("#member-submit")
            page.wait_for_load_state("networkidle")
    page.select_option("#head-judge_id", label=JURY[-1][0])
    page.click("#head-submit")
    page.wait_for_selector(f"strong:has-text('{JURY[-1][0]}')")


def test_a_district_contest_end_to_end_then_the_province(live_district_app, new_page):
    app, base = live_district_app, live_district_app.config["LIVE_URL"]
    with app.app_context():
        round_ = db.session.scalar(select(Round).join(Unit).where(Unit.code == "MCH"))
        waiting = pending_entries(db.session, round_)
        assert len(waiting) >= 3, "the demo leaves Huyện Mộc Châu entries of its own to judge"
        authors = {e.author.full_name for e in waiting}
        db.session.remove()

    organiser = new_page()
    log_in(organiser, base, "tdkt.mch@sonla.gov.vn")
    _set_up_the_jury(organiser, base)
    organiser.goto(f"{base}{UNIT}/")
    organiser.click("button:has-text('Cấp mã phách và rà soát')")
    organiser.wait_for_load_state("networkidle")
    hide = organiser.locator("button:has-text('Che trong bản chấm')")
    for _flag in range(30):  # rọc phách: each open flag hidden in the judges' copy
        organiser.goto(f"{base}{UNIT}/flags")
        if not hide.count():
            break
        hide.first.click()
        organiser.wait_for_load_state("networkidle")
    organiser.goto(f"{base}{UNIT}/")
    click_confirmed(organiser, "Mở chấm và giao bài")
    assert "Tiến độ chấm" in organiser.content()

    with app.app_context():
        stage = stages.current_stage(db.session, db.session.scalar(select(Contest)), round_.id)
        plan = []  # (code, [(email, share)]): the first entry's two judges disagree widely
        for index, copy in enumerate(
            db.session.scalars(
                select(BlindCopy).where(BlindCopy.round_id == round_.id).order_by(BlindCopy.code)
            )
        ):
            held = db.session.scalars(
                select(Assignment)
                .where(Assignment.stage_id == stage.id, Assignment.entry_id == copy.entry_id)
                .order_by(Assignment.id)
            ).all()
            shares = [0.8, 0.6] if index == 0 else [0.85 - 0.06 * index] * 2
            plan.append(
                (copy.code, [(a.judge.email, s) for a, s in zip(held, shares, strict=True)])
            )
        db.session.remove()

    judge = new_page()
    for code, marks in plan:
        for email, share in marks:
            judge.context.clear_cookies()
            log_in(judge, base, email, JUROR_PASSWORD)
            page = judge.content()
            assert not any(author in page for author in authors)
            _score_in_browser(judge, base, SLUG, code, share)

    with app.app_context():
        third = db.session.scalar(
            select(Assignment).where(Assignment.stage_id == stage.id, Assignment.is_third)
        )
        assert third is not None, "a gap of 20 points brings the unit's third judge"
        third_email = third.judge.email
        db.session.remove()
    judge.context.clear_cookies()
    log_in(judge, base, third_email, JUROR_PASSWORD)
    assert not any(author in judge.content() for author in authors)
    _score_in_browser(judge, base, SLUG, plan[0][0], 0.75)

    organiser.goto(f"{base}{UNIT}/")
    click_confirmed(organiser, "Công bố kết quả của đơn vị")
    assert "Kết quả của đơn vị" in organiser.content(), organiser.inner_text("main")[:600]
    organiser.click("text=Danh sách đoạt giải")
    organiser.wait_for_load_state()
    assert "Giải A cấp huyện" in organiser.content()
    organiser.click("text=Giấy chứng nhận của đơn vị")
    organiser.fill("#parent_body", "ỦY BAN NHÂN DÂN TỈNH SƠN LA")
    organiser.fill("#body", "Ủy ban nhân dân huyện Mộc Châu")
    organiser.fill("#place", "Mộc Châu")
    organiser.fill("#signer_authority", "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH")
    organiser.fill("#signer_name", "Hà Văn Huyện")
    with organiser.expect_download() as info:
        organiser.click("#submit")
    paper = docx.Document(str(info.value.path()))
    texts = [p.text for p in paper.paragraphs] + [
        p.text for t in paper.tables for c in t._cells for p in c.paragraphs
    ]
    assert "ỦY BAN NHÂN DÂN HUYỆN MỘC CHÂU" in texts
    assert any(t.startswith("Đã đạt giải A cấp huyện") for t in texts)

    organiser.goto(f"{base}{UNIT}/forward")
    click_confirmed(organiser, "Gửi kết quả lên cấp trên")  # it asks first (issue 24)
    organiser.wait_for_selector("text=theo kết quả chấm")

    with app.app_context():
        contest = db.session.scalar(select(Contest))
        judging_demo.setup_jury(contest, 5, file_store())
        judging_demo.open_judging(contest, 5, file_store())
        db.session.commit()
        sent = db.session.scalar(
            select(Award).where(Award.round_id == round_.id).order_by(Award.rank)
        )
        province = stages.current_stage(db.session, contest)
        held = db.session.scalar(
            select(Assignment).where(
                Assignment.stage_id == province.id, Assignment.entry_id == sent.entry_id
            )
        )
        code = db.session.scalar(
            select(BlindCopy.code).where(
                BlindCopy.entry_id == sent.entry_id, BlindCopy.round_id.is_(None)
            )
        )
        unit_code = db.session.scalar(
            select(BlindCopy.code).where(
                BlindCopy.entry_id == sent.entry_id, BlindCopy.round_id == round_.id
            )
        )
        province_email, author = held.judge.email, sent.entry.author.full_name
        assert db.session.scalar(select(User).where(User.email == province_email)).role == "judge"
        db.session.remove()

    judge.context.clear_cookies()
    log_in(judge, base, province_email)
    judge.goto(f"{base}/judging/{SLUG}/queue")
    judge.click(f"text={code}")
    judge.wait_for_load_state()
    shown = judge.content()
    assert author not in shown and "cấp huyện" not in shown and "Mộc Châu: hạng" not in shown
    if unit_code != code:
        assert unit_code not in judge.inner_text("main")
    judge.goto(f"{base}{UNIT}/winners")
    assert "Danh sách đoạt giải của" not in judge.content()  # 404 to a province judge

    with app.app_context():
        contest = db.session.scalar(select(Contest))
        judging_demo.score_all(contest, 5, file_store())
        judging_demo.award(contest, 5, file_store())
        db.session.commit()
        assert contest.is_finalised
        ranked = db.session.scalar(
            select(Award).where(Award.round_id.is_(None), Award.entry_id == sent.entry_id)
        )
        assert ranked is not None  # the district's winner was judged again at the province
        db.session.remove()
