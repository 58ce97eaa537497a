"""Issue 24: a unit that judges itself is offered only what its state allows (no ticks, no
forward by ticks; no switching on after it forwarded), its irreversible acts ask first saying
what goes up, and the command line forwards by results as the page does."""

from __future__ import annotations

import re

from sqlalchemy import select

from contest.lifecycles import EntryState
from contest.platform.db import db
from contest.platform.storage import file_store
from contest.quotas import Forwarding
from contest.services import forwarding, profiles
from judging.demo import DEMO_RUBRIC
from judging.services import panel as panel_service
from judging.services import stages, units
from tests.plugins.factories import NOW
from tests.plugins.panels import open_unit, score_unit_entry
from tests.plugins.web import csrf_token, login

ROUND_PAGE = "/rounds/{id}"
UNIT_PAGE = "/judging/son-la-2019/unit/MCH/"
FORWARD_PAGE = "/judging/son-la-2019/unit/MCH/forward"


def _finalised(district, shares):
    open_unit(district)
    for entry, share in zip(district["entries"], shares, strict=True):
        score_unit_entry(district["stage"], entry, [share, share])
    units.finalise_unit(db.session, district["round"], district["organiser"], NOW)
    db.session.commit()


def _ticked_profile(district):
    profile = profiles.create_profile(
        db.session,
        contest=district["contest"],
        round_=district["round"],
        actor=district["organiser"],
        name="Lò Văn Mạnh",
        kind="individual",
        category="2.1",
        files=file_store(),
    )
    forwarding.mark_profile(db.session, district["round"], profile, True)
    db.session.commit()
    return profile


def test_a_unit_judging_itself_is_offered_no_ticks_and_no_forward_by_ticks(client, world, district):
    round_ = district["round"]
    _ticked_profile(district)
    login(client, district["organiser"])
    html = client.get(ROUND_PAGE.format(id=round_.id)).get_data(as_text=True)
    assert not re.search(r"/rounds/\d+/entries/\d+/mark", html)
    assert "Gửi kết quả lên cấp trên" not in html
    assert "đang chấm thi riêng" in html  # why, where the button was
    # Profiles are still ticked here: forwarding by results sends the ticked ones up.
    assert re.search(r"/rounds/\d+/profiles/\d+/mark", html)


def test_a_forwarded_unit_is_not_offered_its_own_judging(client, world, make_entry):
    round_ = world["rounds"]["YCH"]
    forwarding.forward_round(db.session, round_, world["users"]["organiser_d2"], NOW)
    db.session.commit()
    login(client, world["users"]["organiser_d2"])
    html = client.get("/judging/son-la-2019/unit/YCH/").get_data(as_text=True)
    assert "/unit/YCH/on" not in html  # no switch to press
    assert "Vòng này đã gửi kết quả lên cấp trên." in html


def test_forward_by_results_asks_with_entries_and_profiles_and_says_both(client, world, district):
    entries = district["entries"]
    _finalised(district, [0.9, 0.8, 0.7, 0.5, 0.45])
    _ticked_profile(district)
    login(client, district["organiser"])
    page = client.get(FORWARD_PAGE).get_data(as_text=True)
    form = re.search(r'<form[^>]*data-count-checked="entry_id"[^>]*>', page)
    assert form, "the forward form asks first, counting the ticked entries"
    question = re.search(r'data-confirm="([^"]*)"', form.group(0)).group(1)
    assert "{checked}" in question and "1 hồ sơ" in question and "{unchecked}" in question
    done = client.post(
        FORWARD_PAGE,
        data={"csrf_token": csrf_token(page), "entry_id": [entries[0].id, entries[1].id]},
        follow_redirects=True,
    )
    html = done.get_data(as_text=True)
    assert "Đã gửi 2 bài và 1 hồ sơ lên Tỉnh Sơn La theo kết quả chấm." in html
    counter = re.search(r'<strong id="quota-counter".*?</strong>', html, re.S).group(0)
    assert "Đã gửi 2 / chỉ tiêu 2 bài" in counter and "1 / 1 hồ sơ" in counter
    assert "Đã chọn" not in counter  # nothing is being chosen any more


def test_closing_a_unit_stage_asks_first(client, world, district):
    contest, round_ = district["contest"], district["round"]
    second = stages.create_stage(
        db.session, contest, name="Chung khảo huyện", rubric=DEMO_RUBRIC, round_=round_
    )
    for judge in district["jurors"]:
        panel_service.add_judge(db.session, second, judge, 0, 5)
    db.session.commit()
    open_unit(district)
    login(client, district["organiser"])
    html = client.get(UNIT_PAGE).get_data(as_text=True)
    form = re.search(r'<form[^>]*action="[^"]*/close-stage"[^>]*>', html)
    assert form and "data-confirm=" in form.group(0)
    assert "không mở lại được" in form.group(0)


def test_rounds_forward_by_results_from_the_command_line(runner, world, district):
    """`rounds forward --by-results`: the page's rule, its tie handling and its reason."""
    round_, entries = district["round"], district["entries"]
    base = ["rounds", "forward", "--contest", "son-la-2019", "--unit", "mch", "--by-results"]
    early = runner.invoke(args=base)
    assert early.exit_code == 1 and "chưa công bố kết quả" in early.stdout + early.output
    _finalised(district, [0.9, 0.7, 0.7, 0.5, 0.45])  # quota 2: one seat for a tie of two
    tied = runner.invoke(args=base)
    assert tied.exit_code == 1 and "đồng hạng" in tied.output
    chosen = f"{entries[0].id},{entries[2].id}"
    no_reason = runner.invoke(args=[*base, "--entries", chosen])
    assert no_reason.exit_code == 1 and "cần ghi rõ lý do" in no_reason.output
    done = runner.invoke(args=[*base, "--entries", chosen, "--reason", "Bài 2 sát chủ đề hơn"])
    assert done.exit_code == 0, done.output
    assert "Đã gửi 2 bài và 0 hồ sơ lên Tỉnh Sơn La theo kết quả chấm" in done.stdout
    db.session.expire_all()
    assert entries[1].state == EntryState.NOT_SELECTED and round_.closed_at is not None
    sent = db.session.scalars(
        select(Forwarding.entry_id).where(Forwarding.from_round_id == round_.id)
    )
    assert sorted(sent) == sorted([entries[0].id, entries[2].id])


def test_by_results_needs_a_unit_judging_and_ticks_refuse_it(runner, world, district):
    plain = runner.invoke(
        args=["rounds", "forward", "--contest", "son-la-2019", "--unit", "YCH", "--by-results"]
    )
    assert plain.exit_code == 1 and "chưa bật chấm thi riêng" in plain.output
    both = runner.invoke(
        args=["rounds", "forward", "--contest", "son-la-2019", "--unit", "MCH", "--all",
              "--by-results"]
    )  # fmt: skip
    assert both.exit_code == 2
    reason_alone = runner.invoke(
        args=["rounds", "forward", "--contest", "son-la-2019", "--unit", "YCH", "--all",
              "--reason", "x"]
    )  # fmt: skip
    assert reason_alone.exit_code == 2


def test_the_demo_label_follows_the_unit_judging(runner, world, district):
    _finalised(district, [0.9, 0.8, 0.7, 0.5, 0.45])
    lines = runner.invoke(args=["demo", "--if-empty"]).output.splitlines()
    mch = next(line for line in lines if "tdkt.mch@" in line)
    assert "vòng thi còn mở" not in mch
    assert "không nhận thêm bài" in mch
    ych = next(line for line in lines if "tdkt.ych@" in line)
    assert "vòng thi còn mở" in ych
