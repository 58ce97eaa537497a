"""The access matrix for judging routes, and the judge's page through the test client."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from contest.platform.db import db
from contest.platform.storage import file_store
from judging.models import Assignment, BlindCopy, LeakFlag, Score
from judging.services import assigning, blinding, scoring, stages
from tests.plugins.panels import marks_for, open_for_judging
from tests.plugins.web import csrf_token, login

ROLES = [
    "anonymous",
    "entrant",
    "unit_organiser",
    "province",
    "judge_assigned",
    "judge_other",
    "head_judge",
]
OK, LOGIN, DENIED = 200, 302, 404


@pytest.fixture
def opened(world, panel):
    open_for_judging(panel, world["users"]["province"])
    stage = panel["stage"]
    first = db.session.scalars(select(Assignment).order_by(Assignment.id)).first()
    code = db.session.scalar(select(BlindCopy.code).where(BlindCopy.entry_id == first.entry_id))
    on_entry = {
        a.judge_id
        for a in db.session.scalars(select(Assignment).where(Assignment.entry_id == first.entry_id))
    }
    other = next(j for j in panel["judges"] if j.id not in on_entry)
    users = {
        "entrant": world["users"]["entrant_a"],
        "unit_organiser": world["users"]["organiser_d1"],
        "province": world["users"]["province"],
        "judge_assigned": first.judge,
        "judge_other": other,
        "head_judge": world["users"]["head_judge"],
    }
    return {"code": code, "users": users, "stage": stage, "assignment": first}


def only(*roles, otherwise=DENIED):
    return {r: (OK if r in roles else otherwise) for r in ROLES if r != "anonymous"}


GETS = {
    "/judging/son-la-2019/": only("province"),
    "/judging/son-la-2019/flags": only("province"),
    "/judging/son-la-2019/panel": only("province"),
    "/judging/son-la-2019/setup": only("province"),
    "/judging/son-la-2019/key": only("province"),
    "/judging/son-la-2019/results": only("province"),
    "/judging/son-la-2019/codes/{code}": only("province"),
    "/judging/son-la-2019/reliability": only("province"),
    "/judging/son-la-2019/export.xlsx": only("province"),
    "/judging/son-la-2019/queue": only("judge_assigned", "judge_other", "head_judge"),
    # The whole queue on paper: for a judge holding a released queue (the head judge holds none).
    "/judging/son-la-2019/queue.pdf": only("judge_assigned", "judge_other"),
    "/judging/son-la-2019/e/{code}": only("judge_assigned"),
    "/judging/son-la-2019/e/{code}/media/1.png": {r: DENIED for r in ROLES if r != "anonymous"},
    "/judging/son-la-2019/head/{code}": {r: DENIED for r in ROLES if r != "anonymous"},
}
POSTS = [
    "/judging/son-la-2019/scan",
    "/judging/son-la-2019/open",
    "/judging/son-la-2019/release",
    "/judging/son-la-2019/close-stage",
    "/judging/son-la-2019/finalise",
    "/judging/son-la-2019/e/{code}/recuse",
    "/judging/son-la-2019/e/{code}",
    "/judging/son-la-2019/ties/1",
    "/judging/flags/1/redact",
    "/judging/flags/1/clear",
    "/judging/son-la-2019/head/{code}",
    "/judging/son-la-2019/codes/{code}",
]
POST_ALLOWED = {
    "/judging/son-la-2019/e/{code}/recuse": {"judge_assigned"},
    "/judging/son-la-2019/e/{code}": {"judge_assigned"},
    "/judging/son-la-2019/head/{code}": set(),
}


@pytest.mark.parametrize("role", ROLES)
def test_judging_get_matrix(client, opened, role):
    if role != "anonymous":
        login(client, opened["users"][role])
    for template, expected in GETS.items():
        url = template.format(code=opened["code"])
        want = expected.get(role, LOGIN)
        response = client.get(url)
        response.close()
        assert response.status_code == want, f"{role} GET {url}: {response.status_code}"


@pytest.mark.parametrize("role", ROLES)
def test_judging_post_matrix_denies(client, opened, role):
    if role != "anonymous":
        login(client, opened["users"][role])
    token = csrf_token(client.get("/").get_data(as_text=True))
    scores_before = db.session.scalars(select(Score.id)).all()
    for template in POSTS:
        allowed = POST_ALLOWED.get(template, {"province"})
        if role in allowed:
            continue
        url = template.format(code=opened["code"])
        got = client.post(url, data={"csrf_token": token, "reason": "x", "score": "50"}).status_code
        assert got == (LOGIN if role == "anonymous" else DENIED), f"{role} POST {url}: {got}"
    db.session.expire_all()
    assert db.session.scalars(select(Score.id)).all() == scores_before
    assert all(a.state == "active" for a in db.session.scalars(select(Assignment)))


def test_assignments_hidden_until_released(client, world, panel):
    blinding.prepare_blind_copies(db.session, file_store(), panel["contest"], None)
    for flag in db.session.scalars(select(LeakFlag)):
        blinding.clear_flag(db.session, flag, world["users"]["province"], "Không lộ")
    assigning.open_stage(db.session, file_store(), panel["stage"], None)
    db.session.commit()
    judge = db.session.scalars(select(Assignment)).first().judge
    code = db.session.scalar(select(BlindCopy.code))
    login(client, judge)
    page = client.get("/judging/son-la-2019/queue").get_data(as_text=True)
    assert "Ban Tổ chức chưa giao bài." in page and "SL19-" not in page
    assert client.get(f"/judging/son-la-2019/e/{code}").status_code == 404


def test_judge_scores_through_the_page(client, opened):
    stage, assign_ = opened["stage"], opened["assignment"]
    login(client, assign_.judge)
    url = f"/judging/son-la-2019/e/{opened['code']}"
    page = client.get(url).get_data(as_text=True)
    assert "Tính chân thực, cụ thể" in page and opened["code"] in page
    assert "disabled" not in page  # the first visit: every box open, the comment too
    marks = marks_for(stage, 0.8)
    data = {f"c{cid}": str(v).replace(".", ",") for cid, v in marks.items()}
    bad = {
        **data,
        f"c{stage.criteria[0].id}": "20,3",
        "csrf_token": csrf_token(page),
        "submit_score": "1",
    }
    response = client.post(url, data=bad, follow_redirects=True)
    refused = response.get_data(as_text=True)
    assert "phải chia hết cho bước 0.5" in refused
    for name in data:  # every mark stays as typed, the wrong one included
        assert re.search(rf'id="{name}"[^>]*value="{re.escape(bad[name])}"', refused), name
    response = client.post(
        url,
        data={
            **data,
            "csrf_token": csrf_token(page),
            "submit_score": "1",
            "comment": "Bài viết chân thực",
        },
        follow_redirects=True,
    )
    text = response.get_data(as_text=True)
    assert "Đã nộp điểm; điểm đã khóa." in text
    assert '<strong id="total" data-total>80</strong>' in text
    queue = scoring.judge_assignments(db.session, stage, assign_.judge)
    later = [a for a in queue if a.id != assign_.id and not a.is_submitted]
    following = blinding.code_of_entry(db.session, later[0].entry_id)
    assert f"Bài tiếp theo chưa nộp điểm: {following}" in text
    assert f'href="/judging/son-la-2019/e/{following}"' in text


def test_organiser_sets_rubric_and_ladder_in_the_browser_forms(client, world, panel):
    login(client, world["users"]["province"])
    page = client.get("/judging/son-la-2019/setup").get_data(as_text=True)
    assert "Tính chân thực, cụ thể | 30 | 0.5" in page
    token = csrf_token(page)
    stage_data = {
        "csrf_token": token,
        "action": "stage",
        "stage-name": "Sơ khảo",
        "stage-judges_per_entry": "3",
        "stage-agree_gap": "5",
        "stage-head_gap": "8",
        "stage-three_mean_gap": "12",
        "stage-advance_top_n": "20",
        "stage-advance_min_score": "",
    }
    bad = client.post(
        "/judging/son-la-2019/setup",
        data={**stage_data, "stage-rubric": "Nội dung | 60 | 0.5\nVăn phong | hai mươi | 0.5"},
    )
    assert "Thang điểm, dòng 2: số không hợp lệ." in bad.get_data(as_text=True)
    # A number's message speaks Vietnamese in the Vietnamese interface, English in English.
    not_a_number = {**stage_data, "stage-agree_gap": "năm", "stage-rubric": "Nội dung | 60 | 1"}
    text = client.post("/judging/son-la-2019/setup", data=not_a_number).get_data(as_text=True)
    assert "Cần nhập một số (dấu phẩy hay dấu chấm thập phân đều được)." in text
    assert "Not a valid" not in text
    client.post("/lang/en", data={"csrf_token": token})
    text = client.post("/judging/son-la-2019/setup", data=not_a_number).get_data(as_text=True)
    assert "Enter a number (a decimal comma or point will do)." in text
    client.post("/lang/vi", data={"csrf_token": token})
    client.post(
        "/judging/son-la-2019/setup",
        data={**stage_data, "stage-rubric": "Nội dung | 60 | 0,5\nVăn phong | 40 | 1"},
    )
    stage = panel["stage"]
    db.session.refresh(stage)
    assert [(c.name, c.max_points, c.step) for c in stage.criteria] == [
        ("Nội dung", 60, 0.5),
        ("Văn phong", 40, 1),
    ]
    assert (stage.name, stage.judges_per_entry, stage.head_gap, stage.advance_top_n) == (
        "Sơ khảo",
        3,
        8,
        20,
    )
    client.post(
        "/judging/son-la-2019/setup",
        data={
            "csrf_token": token,
            "action": "ladder",
            "ladder-ladder": "Giải A | 2 | 85\nGiải B | 4 | 70",
        },
    )
    levels = stages.prize_levels(db.session, panel["contest"])
    assert [(lv.name, lv.quota, lv.min_score) for lv in levels] == [
        ("Giải A", 2, 85),
        ("Giải B", 4, 70),
    ]
