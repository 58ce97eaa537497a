"""The province's judging page walks the organiser through checks, codes, assignment and
release, saying at each step what is done and what comes next (issue 24, item 5)."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook
from sqlalchemy import select

from contest.platform.db import db
from judging.models import Assignment, BlindCopy
from judging.services import blinding, guide, scoring, stages
from tests.plugins.factories import NOW
from tests.plugins.panels import marks_for, open_for_judging
from tests.plugins.web import csrf_token, login


def _step(page: str, key: str) -> str:
    return re.search(rf'<li class="step step-(\w+)" id="step-{key}"', page).group(1)


def test_each_step_says_what_is_done_and_what_is_next(client, world, panel):
    organiser, judge = world["users"]["province"], panel["judges"][0]
    login(client, organiser)
    page = client.get("/judging/son-la-2019/").get_data(as_text=True)
    assert [_step(page, k) for k in ("checks", "codes", "open", "release")] == [
        "done",
        "next",
        "later",
        "later",
    ]
    assert "Đã cấp mã phách 0 / 6 bài." in page
    assert "/judging/son-la-2019/open" not in page  # no opening before the codes
    client.post("/judging/son-la-2019/scan", data={"csrf_token": csrf_token(page)})
    for flag in blinding.open_flags(db.session, panel["contest"]):
        blinding.clear_flag(db.session, flag, organiser, "Địa danh trong nội dung bài.")
    db.session.commit()
    page = client.get("/judging/son-la-2019/").get_data(as_text=True)
    assert _step(page, "codes") == "done" and _step(page, "open") == "next"
    assert "Đã cấp mã phách 6 / 6 bài." in page
    opened = client.post(
        "/judging/son-la-2019/open",
        data={"csrf_token": csrf_token(page)},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Giám khảo chưa thấy bài: việc tiếp theo là «Giao bài cho giám khảo»" in opened
    assert _step(opened, "open") == "done" and _step(opened, "release") == "next"
    client.get("/logout")
    login(client, judge)
    assert "Ban Tổ chức chưa giao bài" in client.get("/judging/son-la-2019/queue").get_data(
        as_text=True
    )
    client.get("/logout")
    login(client, organiser)
    page = client.get("/judging/son-la-2019/").get_data(as_text=True)
    client.post("/judging/son-la-2019/release", data={"csrf_token": csrf_token(page)})
    page = client.get("/judging/son-la-2019/").get_data(as_text=True)
    assert _step(page, "release") == "done" and _step(page, "scoring") == "next"
    assert "Bài chưa có điểm chính thức: 6 / 6." in page


def test_what_stops_the_opening_is_listed(world, panel):
    stage = panel["stage"]
    for member in stage.active_members[1:]:
        member.is_withdrawn = True
    db.session.flush()
    checks = guide.province_steps(db.session, panel["contest"], stage)[0]
    assert checks.state == guide.StepState.NEXT
    assert checks.problems == ["Hội đồng có 1 giám khảo; mỗi bài cần 2."]
    stages.set_prize_ladder(db.session, panel["contest"], [])
    checks = guide.province_steps(db.session, panel["contest"], stage)[0]
    assert "Chưa có cơ cấu giải (cần trước khi chốt kết quả)." in checks.facts


def test_the_entry_page_by_code_says_who_marked_what_and_reopens_it(client, world, panel):
    """Reopening a score needs no guessing: the code's page names each judge with their
    total, and reopens the one chosen."""
    open_for_judging(panel)
    entry = panel["entries"][0]
    held = db.session.scalars(select(Assignment).where(Assignment.entry_id == entry.id)).all()
    scoring.save_score(
        db.session, held[0], marks_for(panel["stage"], 0.8), "", submit=True, now=NOW
    )
    db.session.commit()
    code = db.session.scalar(select(BlindCopy.code).where(BlindCopy.entry_id == entry.id))
    login(client, world["users"]["province"])
    overview = client.get("/judging/son-la-2019/").get_data(as_text=True)
    assert f'href="/judging/son-la-2019/codes/{code}"' in overview
    page = client.get(f"/judging/son-la-2019/codes/{code}").get_data(as_text=True)
    assert held[0].judge.full_name in page and held[1].judge.full_name in page
    assert entry.title not in page and entry.author.full_name not in page  # not final yet
    assert page.count('name="reopen-reason"') == 1  # only the submitted score reopens
    codes = sorted(db.session.scalars(select(BlindCopy.code)))
    place = codes.index(code)
    for rel, near in (("prev", place - 1), ("next", place + 1)):
        if 0 <= near < len(codes):
            assert f'rel="{rel}" href="/judging/son-la-2019/codes/{codes[near]}"' in page
        else:
            assert f'rel="{rel}"' not in page
    done = client.post(
        f"/judging/son-la-2019/codes/{code}",
        data={
            "reopen-csrf_token": csrf_token(page),
            "action": "reopen",
            "reopen-judge_id": held[0].judge_id,
            "reopen-code": code,
            "reopen-reason": "Cộng nhầm tiêu chí 2",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Đã mở lại điểm để giám khảo chấm lại." in done
    db.session.expire_all()
    assert not db.session.get(Assignment, held[0].id).score.is_submitted


def test_the_export_names_the_code_of_every_mark_before_anything_is_final(client, world, panel):
    """The judges' sheet of the export gives each submitted mark its code, also for entries
    still waiting for a second judge (their code was blank: no official score yet)."""
    open_for_judging(panel)
    entry = panel["entries"][0]
    first = db.session.scalars(
        select(Assignment).where(Assignment.entry_id == entry.id).order_by(Assignment.id)
    ).first()
    scoring.save_score(db.session, first, marks_for(panel["stage"], 0.8), "", submit=True, now=NOW)
    db.session.commit()
    code = db.session.scalar(select(BlindCopy.code).where(BlindCopy.entry_id == entry.id))
    login(client, world["users"]["province"])
    sheet = load_workbook(io.BytesIO(client.get("/judging/son-la-2019/export.xlsx").data))
    rows = list(sheet.worksheets[1].values)[1:]
    assert [(row[0], row[1]) for row in rows] == [(code, first.judge.full_name)]
