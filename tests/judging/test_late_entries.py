"""No entry is ever left at the province unjudged: judging does not open while unit rounds
still hold submitted entries, and nothing can be sent up once it has opened."""

from __future__ import annotations

import json

import pytest

from contest.platform.db import db
from contest.platform.errors import IllegalTransition
from contest.platform.storage import file_store
from contest.services.accounts import create_user
from contest.services.forwarding import forward_round, rounds_still_holding_entries
from judging.errors import StageNotReady
from judging.services import assigning, blinding, stages
from tests.plugins.factories import NOW, PASSWORD
from tests.plugins.panels import open_for_judging
from tests.plugins.web import csrf_token, login


def _teacher(world):
    return create_user(
        db.session,
        full_name="Hà Thị Lan",
        email="lan@example.com",
        phone=None,
        password=PASSWORD,
        unit=world["units"]["SGD"],
    )


def test_judging_waits_for_rounds_that_still_hold_entries(runner, world, panel, make_entry):
    late = make_entry(_teacher(world), title="Bài đến muộn")
    contest = panel["contest"]
    assert [(r.unit.code, n) for r, n in rounds_still_holding_entries(db.session, contest)] == [
        ("SGD", 1)
    ]
    refused = runner.invoke(args=["judging", "open", "son-la-2019"])
    assert refused.exit_code != 0
    assert "Sở Giáo dục và Đào tạo: 1 bài" in refused.output
    db.session.rollback()
    with pytest.raises(StageNotReady):
        assigning.open_stage(
            db.session, file_store(), stages.current_stage(db.session, contest), None
        )
    db.session.rollback()

    forward_round(db.session, world["rounds"]["SGD"], None, NOW, entry_ids=[late.id])
    db.session.commit()
    open_for_judging(panel)
    status = json.loads(runner.invoke(args=["judging", "status", "son-la-2019", "--json"]).output)
    assert sum(status["results_by_state"].values()) == 7  # the late entry is judged too


def test_nothing_is_sent_up_once_judging_has_opened(world, panel):
    open_for_judging(panel)
    with pytest.raises(IllegalTransition, match="đã mở chấm"):
        forward_round(db.session, world["rounds"]["SGD"], None, NOW, forward_all=True)


def test_the_overview_lists_the_rounds_before_the_organiser_tries(client, world, panel, make_entry):
    make_entry(_teacher(world))
    login(client, world["users"]["province"])
    page = client.get("/judging/son-la-2019/").get_data(as_text=True)
    assert 'id="rounds-holding-entries"' in page and "Sở Giáo dục và Đào tạo" in page
    assert f'/rounds/{world["rounds"]["SGD"].id}"' in page
    assert "Mở chấm và phân công" not in page
    # Even a crafted POST is refused, and says why.
    response = client.post(
        "/judging/son-la-2019/open",
        data={"csrf_token": csrf_token(page)},
        follow_redirects=True,
    )
    assert "Chưa mở chấm được" in response.get_data(as_text=True)


def test_entrants_are_no_longer_invited_to_send_once_judging_opens(client, world, panel):
    # Of Sở Giáo dục và Đào tạo, whose round is still open (the districts' went up).
    teacher = _teacher(world)
    db.session.commit()
    login(client, teacher)
    assert "Gửi bài mới" in client.get("/").get_data(as_text=True)
    open_for_judging(panel)
    assert "Gửi bài mới" not in client.get("/").get_data(as_text=True)
    assert "Gửi bài mới" not in client.get("/c/son-la-2019/entries").get_data(as_text=True)


def test_the_open_confirmation_counts_the_entries_and_judges(client, world, panel):
    # Codes given and the scan settled: opening is the step offered.
    blinding.prepare_blind_copies(db.session, file_store(), panel["contest"], None)
    for flag in blinding.open_flags(db.session, panel["contest"]):
        blinding.clear_flag(db.session, flag, None, "Địa danh trong nội dung bài.")
    db.session.commit()
    login(client, world["users"]["province"])
    page = client.get("/judging/son-la-2019/").get_data(as_text=True)
    assert 'data-confirm="Mở chấm 6 bài ở cấp tỉnh, mỗi bài 2 giám khảo?' in page
