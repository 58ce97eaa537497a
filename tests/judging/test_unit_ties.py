"""Issue 14: a unit's prize tied at a boundary may be decided by choosing among the tied
entries (by code: nothing names an author before finalisation), with the reason recorded."""

from __future__ import annotations

from sqlalchemy import select

from contest.platform.db import db
from judging.models import TieDecision
from judging.services import stages, units
from tests.judging.test_services import _score_everything
from tests.plugins.panels import open_for_judging, tied_unit_prize
from tests.plugins.web import csrf_token, login

BASE = "/judging/son-la-2019/unit/MCH/"


def test_the_organiser_chooses_one_of_the_tied_by_code(client, world, district):
    entries, level_b = tied_unit_prize(district)
    login(client, district["organiser"])
    page = client.get(BASE).get_data(as_text=True)
    action = f'action="{BASE}ties/{level_b.id}"'
    assert action in page and f'value="{entries[1].id}"' in page
    assert entries[1].author.full_name not in page and entries[1].title not in page
    token = csrf_token(page)
    refused = client.post(
        f"{BASE}ties/{level_b.id}",
        data={
            "csrf_token": token,
            "decision": "choose",
            "reason": "x",
            "chosen": [str(entries[1].id), str(entries[2].id)],
        },
        follow_redirects=True,
    )
    assert "Hãy chọn tối đa 1 bài" in refused.get_data(as_text=True)
    client.post(
        f"{BASE}ties/{level_b.id}",
        data={
            "csrf_token": token,
            "decision": "choose",
            "chosen": [str(entries[2].id)],
            "reason": "Bài sát chủ đề hơn",
        },
    )
    client.post(f"{BASE}finalise", data={"csrf_token": token})
    round_ = district["round"]
    assert stages.is_finalised(db.session, district["contest"], round_.id)
    won = {a.entry_id: a.prize_level.name for a in units.winners(db.session, round_)}
    assert won == {entries[0].id: "Giải A cấp huyện", entries[2].id: "Giải B cấp huyện"}


def test_the_provinces_level_is_not_decided_here(client, world, district):
    tied_unit_prize(district)
    stages.set_prize_ladder(db.session, district["contest"], [("Giải Nhất", 1, 80)])
    db.session.commit()
    province_level = stages.prize_levels(db.session, district["contest"])[0]
    login(client, district["organiser"])
    token = csrf_token(client.get(BASE).get_data(as_text=True))
    got = client.post(
        f"{BASE}ties/{province_level.id}",
        data={"csrf_token": token, "decision": "share", "reason": "x"},
    )
    assert got.status_code == 404


def _province_tied_at_the_second_prize(client, world, panel):
    """The province's stage scored with two entries tied at "Giải Nhì"'s one seat, its
    organiser logged in; returns that level."""
    open_for_judging(panel)
    _score_everything(panel, [0.9, 0.75, 0.75, 0.6, 0.55, 0.4])
    stages.set_prize_ladder(
        db.session, panel["contest"], [("Giải Nhất", 2, 80), ("Giải Nhì", 1, 70)]
    )
    db.session.commit()
    login(client, world["users"]["province"])
    return stages.prize_levels(db.session, panel["contest"])[1]


def test_the_provinces_results_page_keeps_its_tie_form(client, world, panel):
    """The tie card is shared with the unit's page; the province's still posts to its own."""
    nhi = _province_tied_at_the_second_prize(client, world, panel)
    page = client.get("/judging/son-la-2019/results").get_data(as_text=True)
    assert f'action="/judging/son-la-2019/ties/{nhi.id}"' in page
    assert f'value="{panel["entries"][1].id}"' in page


def test_the_provinces_results_page_does_not_decide_a_units_level(client, world, district):
    _, level_b = tied_unit_prize(district)
    login(client, world["users"]["province"])
    token = csrf_token(client.get(BASE).get_data(as_text=True))
    got = client.post(
        f"/judging/son-la-2019/ties/{level_b.id}",
        data={"csrf_token": token, "decision": "share", "reason": "x"},
    )
    assert got.status_code == 404
    assert db.session.scalars(select(TieDecision)).all() == []


def test_the_results_page_says_how_each_tie_was_decided(client, world, panel):
    """A decision recorded at a boundary is read back in words: share or choose, and why."""
    nhi = _province_tied_at_the_second_prize(client, world, panel)
    results = "/judging/son-la-2019/results"
    token = csrf_token(client.get(results).get_data(as_text=True))
    client.post(
        f"/judging/son-la-2019/ties/{nhi.id}",
        data={"csrf_token": token, "decision": "share", "reason": "Hai bài ngang nhau"},
    )
    assert db.session.scalars(select(TieDecision)).one().decision == "share"
    page = client.get(results).get_data(as_text=True)
    assert (
        "Quyết định đồng điểm — Giải Nhì: Đồng giải: trao cho tất cả các bài đồng điểm. "
        "Lý do: Hai bài ngang nhau"
    ) in page
