"""The panel's corrections while a stage runs, for the province and for a unit's own jury
(issue 14): a conflict declared by the organiser moves the judge's unscored copy at once, a
judge withdrawn, a submitted score reopened — each by the stage's own codes and jury only."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from contest.platform.db import db
from contest.platform.errors import InvalidInput
from contest.platform.models import AuditEvent
from contest.services.accounts import set_account_active
from judging.audit import JudgingAction
from judging.demo import DEMO_RUBRIC
from judging.models import Assignment, Conflict, PanelMember
from judging.services import blinding, stages
from judging.services import panel as panel_service
from tests.plugins.panels import open_unit, score_unit_entry
from tests.plugins.web import csrf_token, login

UNIT_JURY = "/judging/son-la-2019/unit/MCH/jury"
PROVINCE_PANEL = "/judging/son-la-2019/panel"


def _post(client, url, data):
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data}, follow_redirects=True)


def _held(stage, judge=None, entry=None):
    query = select(Assignment).where(Assignment.stage_id == stage.id, Assignment.is_active)
    if judge is not None:
        query = query.where(Assignment.judge_id == judge.id)
    if entry is not None:
        query = query.where(Assignment.entry_id == entry.id)
    return db.session.scalars(query.order_by(Assignment.id)).all()


def _unit_code(district, entry):
    return blinding.code_of_entry(db.session, entry.id, district["round"].id)


def test_a_unit_conflict_moves_the_jurors_unscored_copy_to_another_juror(client, district):
    open_unit(district)
    stage, entry = district["stage"], district["entries"][0]
    juror = _held(stage, entry=entry)[0].judge
    login(client, district["organiser"])
    page = _post(
        client,
        UNIT_JURY,
        {
            "action": "conflict",
            "conflict-judge_id": juror.id,
            "conflict-code": _unit_code(district, entry).lower(),
            "conflict-reason": "Là thầy giáo cũ của tác giả",
        },
    ).get_data(as_text=True)
    assert "Đã ghi nhận xung đột." in page
    db.session.expire_all()
    assert db.session.scalar(select(Conflict).where(Conflict.judge_id == juror.id))
    assert _held(stage, juror, entry) == []
    assert len(_held(stage, entry=entry)) == stage.judges_per_entry  # another juror took it
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == JudgingAction.CONFLICT_DECLARED.value)
    )
    assert _unit_code(district, entry) in event.params_json and entry.title not in page


def test_an_unknown_code_or_a_judge_of_another_jury_changes_nothing(client, world, district):
    open_unit(district)
    login(client, district["organiser"])
    refused = _post(
        client,
        UNIT_JURY,
        {
            "action": "conflict",
            "conflict-judge_id": district["jurors"][0].id,
            "conflict-code": "KHONG-CO",
            "conflict-reason": "Mã không có",
        },
    ).get_data(as_text=True)
    assert "Không có bài mang mã phách này." in refused
    outsider = _post(
        client,
        UNIT_JURY,
        {
            "action": "conflict",
            "conflict-judge_id": world["users"]["judge"].id,  # the province's, not the unit's
            "conflict-code": _unit_code(district, district["entries"][0]),
            "conflict-reason": "Giám khảo cấp tỉnh",
        },
    ).get_data(as_text=True)
    assert "Đã ghi nhận xung đột." not in outsider
    assert db.session.scalars(select(Conflict)).all() == []
    login(client, world["users"]["organiser_d2"])
    assert client.get(UNIT_JURY).status_code == 404


def test_a_withdrawn_juror_leaves_their_unscored_entries_to_the_others(client, district):
    open_unit(district)
    stage, juror = district["stage"], district["jurors"][0]
    held = _held(stage, juror)
    assert held
    score_unit_entry(stage, held[0].entry, [0.8])  # the juror's first submitted score stays
    login(client, district["organiser"])
    page = client.get(UNIT_JURY).get_data(as_text=True)
    assert "Rút khỏi hội đồng" in page and 'id="reopen-score"' in page
    _post(client, UNIT_JURY, {"action": "withdraw", "judge_id": juror.id})
    db.session.expire_all()
    member = db.session.scalar(select(PanelMember).where(PanelMember.judge_id == juror.id))
    assert member.is_withdrawn
    kept = _held(stage, juror)
    assert all(a.is_submitted for a in kept) and len(kept) >= 1


def test_the_unit_reopens_a_submitted_score_by_its_code(client, district):
    open_unit(district)
    stage, entry = district["stage"], district["entries"][1]
    first = _held(stage, entry=entry)[0]
    juror, code = first.judge, _unit_code(district, entry)
    login(client, district["organiser"])
    data = {
        "action": "reopen",
        "reopen-judge_id": juror.id,
        "reopen-code": code,
        "reopen-reason": "Nhập nhầm tiêu chí 2",
    }
    not_yet = _post(client, UNIT_JURY, data).get_data(as_text=True)
    assert "Giám khảo này chưa nộp điểm bài này trong vòng chấm." in not_yet
    score_unit_entry(stage, entry, [0.7, 0.7])
    # Who marked which code is on the page, so nobody guesses whose score to reopen.
    page = client.get(UNIT_JURY).get_data(as_text=True)
    scores = page.split('id="submitted-scores"')[1].split("</details>")[0]
    assert code in scores and juror.full_name in scores
    assert "Đã mở lại điểm" in _post(client, UNIT_JURY, data).get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(Assignment, first.id).is_submitted
    assert all(a.is_submitted for a in _held(stage, entry=entry) if a.id != first.id)


def test_the_province_panel_reopens_its_own_codes_only(client, world, district):
    open_unit(district)
    unit_entry = district["entries"][0]
    score_unit_entry(district["stage"], unit_entry, [0.6, 0.6])
    juror = _held(district["stage"], entry=unit_entry)[0].judge
    province_stage = stages.create_stage(
        db.session, district["contest"], name="Chung khảo", judges_per_entry=2, rubric=DEMO_RUBRIC
    )
    panel_service.add_judge(db.session, province_stage, world["users"]["judge"], 0, 6)
    db.session.commit()
    login(client, world["users"]["province"])
    for judge in (juror, world["users"]["judge"]):
        page = _post(
            client,
            PROVINCE_PANEL,
            {
                "action": "reopen",
                "reopen-judge_id": judge.id,
                "reopen-code": _unit_code(district, unit_entry),
                "reopen-reason": "Mã của huyện",
            },
        ).get_data(as_text=True)
        assert "Đã mở lại điểm" not in page
    # A unit juror is not among the province's judges, and a unit code is not the province's.
    assert "Không có bài mang mã phách này." in page
    db.session.expire_all()
    assert all(a.is_submitted for a in _held(district["stage"], entry=unit_entry))


def test_a_switched_off_judge_is_offered_to_no_panel(client, world, panel):
    judge = panel["judges"][-1]
    set_account_active(db.session, world["users"]["province"], judge, False)
    db.session.commit()
    login(client, world["users"]["province"])
    page = client.get(PROVINCE_PANEL).get_data(as_text=True)
    member_select = page.split('id="member-judge_id"')[1].split("</select>")[0]
    assert judge.full_name not in member_select
    with pytest.raises(InvalidInput, match="đang bị khóa"):
        panel_service.add_judge(db.session, panel["stage"], judge)
