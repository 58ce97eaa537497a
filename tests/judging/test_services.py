"""Judging services: opening, conflicts, scoring rules, third judge, head judge, prizes."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from contest.platform.db import db
from contest.platform.errors import InvalidInput
from contest.platform.storage import file_store
from judging.demo import DEMO_RUBRIC
from judging.errors import (
    ConflictOfInterest,
    JudgingClosed,
    LeaksUnresolved,
    ScoreInvalid,
    StageNotReady,
    TiesUndecided,
)
from judging.models import Assignment, BlindCopy, StageResult
from judging.services import assigning, blinding, lifecycle, prizes, results, scoring, stages
from judging.services import panel as panel_service
from judging.states import ResultState
from tests.plugins.factories import NOW
from tests.plugins.panels import marks_for, open_for_judging
from tests.plugins.web import login

LATER = NOW + timedelta(hours=2)


def test_codes_are_random_and_opening_waits_for_flags(world, panel):
    entry = panel["entries"][0]
    entry.body_markdown += "\n\nQuàng Văn Hặc\n"
    db.session.commit()
    blinding.prepare_blind_copies(
        db.session, file_store(), panel["contest"], world["users"]["province"]
    )
    codes = db.session.scalars(select(BlindCopy.code)).all()
    assert len(codes) == 6 and len(set(codes)) == 6
    assert all(c.startswith("SL19-") and len(c) == 9 for c in codes)
    flagged = blinding.open_flags(db.session, panel["contest"])
    assert {f.kind for f in flagged if f.entry_id == entry.id} >= {"name", "signature"}
    with pytest.raises(LeaksUnresolved):
        assigning.open_stage(db.session, file_store(), panel["stage"], None)


def test_redaction_changes_only_the_judges_copy(world, panel):
    entry = panel["entries"][0]
    entry.body_markdown += "\n\nQuàng Văn Hặc\n"
    db.session.commit()
    blinding.prepare_blind_copies(db.session, file_store(), panel["contest"], None)
    flag = next(f for f in blinding.open_flags(db.session, panel["contest"]) if f.kind == "name")
    blinding.redact_flag(db.session, flag, world["users"]["province"])
    copy = db.session.scalar(select(BlindCopy).where(BlindCopy.entry_id == entry.id))
    assert "Quàng Văn Hặc" not in copy.markdown and "[…]" in copy.markdown
    assert "Quàng Văn Hặc" in entry.body_markdown
    with pytest.raises(InvalidInput):
        blinding.clear_flag(db.session, flag, world["users"]["province"], "  ")


def test_assignment_respects_unit_conflicts(world, panel):
    open_for_judging(panel)
    district_judge = panel["judges"][2]  # unit: Huyện Mộc Châu
    mine = db.session.scalars(
        select(Assignment).where(Assignment.judge_id == district_judge.id)
    ).all()
    assert mine and all(not a.entry.author_unit.is_within(district_judge.unit) for a in mine)
    per_entry = {}
    for a in db.session.scalars(select(Assignment)):
        per_entry.setdefault(a.entry_id, set()).add(a.judge_id)
    assert all(len(js) == 2 for js in per_entry.values()) and len(per_entry) == 6


def _score(panel, entry, shares):
    stage = panel["stage"]
    active = db.session.scalars(
        select(Assignment)
        .where(Assignment.entry_id == entry.id, Assignment.state == "active")
        .order_by(Assignment.id)
    ).all()
    for assign_, share in zip(active, shares, strict=False):
        scoring.save_score(db.session, assign_, marks_for(stage, share), "", submit=True, now=NOW)
    db.session.commit()
    return db.session.scalar(select(StageResult).where(StageResult.entry_id == entry.id))


def test_score_validation_and_lock(world, panel):
    open_for_judging(panel)
    stage = panel["stage"]
    assign_ = db.session.scalars(select(Assignment)).first()
    criteria = stage.criteria
    with pytest.raises(ScoreInvalid, match="bước"):
        scoring.save_score(db.session, assign_, {criteria[0].id: 10.3}, "", submit=False, now=NOW)
    with pytest.raises(ScoreInvalid, match="từ 0 đến 30"):
        scoring.save_score(db.session, assign_, {criteria[0].id: 31}, "", submit=False, now=NOW)
    with pytest.raises(ScoreInvalid, match="Chưa cho điểm"):
        scoring.save_score(db.session, assign_, {criteria[0].id: 20}, "", submit=True, now=NOW)
    draft = scoring.save_score(
        db.session, assign_, {criteria[0].id: 20}, "Tốt", submit=False, now=NOW
    )
    db.session.commit()
    assert draft.total == 20 and not draft.is_submitted and draft.updated_at == NOW
    score = scoring.save_score(
        db.session, assign_, marks_for(stage, 0.8), "", submit=True, now=NOW + timedelta(hours=1)
    )
    db.session.commit()
    db.session.expire(score)
    assert score.total == 80 and score.is_submitted
    assert score.updated_at == NOW + timedelta(hours=1)
    with pytest.raises(JudgingClosed):
        scoring.save_score(db.session, assign_, marks_for(stage, 0.5), "", submit=True, now=NOW)
    scoring.reopen_score(
        db.session, score, world["users"]["province"], "Giám khảo nhập nhầm", LATER
    )
    db.session.commit()
    db.session.expire(score)
    assert not score.is_submitted and score.updated_at == LATER
    result = scoring.result_of(db.session, stage, assign_.entry_id)
    assert result.state == ResultState.PENDING and result.rule == ""


def test_gaps_bring_the_mean_the_head_judge_or_a_third_judge(world, panel):
    open_for_judging(panel)
    e1, e2, e3 = panel["entries"][:3]
    assert _score(panel, e1, [0.80, 0.90]).state == "agreed"
    head = _score(panel, e2, [0.70, 0.82])
    assert head.state == "needs_head" and head.official_score == 76.0
    third = _score(panel, e3, [0.60, 0.80])
    assert third.state == "needs_third"
    judges = db.session.scalars(
        select(Assignment).where(Assignment.entry_id == e3.id, Assignment.state == "active")
    ).all()
    assert len(judges) == 3 and sum(a.is_third for a in judges) == 1
    assert len({a.judge_id for a in judges}) == 3
    third_assign = next(a for a in judges if a.is_third)
    assert not third_assign.entry.author_unit.is_within(third_assign.judge.unit)
    scoring.save_score(
        db.session, third_assign, marks_for(panel["stage"], 0.80), "", submit=True, now=NOW
    )
    result = db.session.scalar(select(StageResult).where(StageResult.entry_id == e3.id))
    assert (result.state, result.official_score) == ("agreed", 80.0)
    with pytest.raises(ConflictOfInterest):
        scoring.head_decide(db.session, head, world["users"]["province"], 78, "Lý do")
    scoring.head_decide(db.session, head, world["users"]["head_judge"], 78, "Đã đọc lại bài")
    assert (head.state, head.official_score) == ("decided", 78.0)


def test_recusal_and_withdrawal_reassign_keeping_scores(world, panel):
    open_for_judging(panel)
    stage = panel["stage"]
    first = db.session.scalars(select(Assignment).order_by(Assignment.id)).first()
    replacement = scoring.recuse(db.session, first, "Người quen của nhân vật")
    assert first.state == "recused" and replacement.judge_id != first.judge_id
    assert replacement.entry_id == first.entry_id
    scored = db.session.scalars(
        select(Assignment).where(
            Assignment.judge_id == panel["judges"][1].id, Assignment.state == "active"
        )
    ).first()
    scoring.save_score(db.session, scored, marks_for(stage, 0.7), "", submit=True, now=NOW)
    moved = panel_service.withdraw_judge(
        db.session, stage, panel["judges"][1], world["users"]["province"]
    )
    db.session.refresh(scored)
    assert scored.state == "active" and scored.score.is_submitted
    assert moved == len(
        db.session.scalars(
            select(Assignment).where(
                Assignment.judge_id == panel["judges"][1].id, Assignment.state == "withdrawn"
            )
        ).all()
    )
    for entry in panel["entries"]:
        active = db.session.scalars(
            select(Assignment).where(Assignment.entry_id == entry.id, Assignment.state == "active")
        ).all()
        assert len(active) == 2


def _score_everything(panel, shares):
    for entry, share in zip(panel["entries"], shares, strict=True):
        _score(panel, entry, [share, share])


def test_ties_at_a_boundary_block_finalisation_until_decided(world, panel):
    open_for_judging(panel)
    _score_everything(panel, [0.9, 0.75, 0.75, 0.6, 0.55, 0.4])
    view = prizes.compute_prizes(db.session, panel["contest"])
    levels = stages.prize_levels(db.session, panel["contest"])
    assert view.allocation.prizes[levels[0].id] == [panel["entries"][0].id]
    assert view.allocation.prizes[levels[1].id] == sorted(
        [panel["entries"][1].id, panel["entries"][2].id]
    )
    # Khuyến khích: 3 seats, 60 and 55 qualify (≥ 50); 40 does not.
    assert view.allocation.prizes[levels[2].id] == [panel["entries"][3].id, panel["entries"][4].id]
    assert not view.allocation.ties
    stages.set_prize_ladder(
        db.session, panel["contest"], [("Giải Nhất", 2, 80), ("Giải Nhì", 1, 70)]
    )
    db.session.commit()
    view = prizes.compute_prizes(db.session, panel["contest"])
    nhi = stages.prize_levels(db.session, panel["contest"])[1]
    assert view.allocation.ties == {
        nhi.id: sorted([panel["entries"][1].id, panel["entries"][2].id])
    }
    with pytest.raises(TiesUndecided):
        lifecycle.finalise(db.session, panel["contest"], None, NOW)
    db.session.rollback()
    prizes.decide_tie(
        db.session,
        panel["contest"],
        nhi,
        world["users"]["province"],
        "choose",
        [panel["entries"][2].id],
        "Bài có giá trị nêu gương cao hơn",
    )
    assert lifecycle.finalise(db.session, panel["contest"], None, NOW) == 2
    assert panel["contest"].phase == "finalised"


def test_two_stages_advance_the_top(world, panel):
    contest = panel["contest"]
    first = panel["stage"]
    first.advance_top_n = 3
    second = stages.create_stage(db.session, contest, name="Chung khảo vòng 2", judges_per_entry=2)
    assert second.criteria == []  # no rubric by default: the organiser types it in
    for judge in panel["judges"]:
        panel_service.add_judge(db.session, second, judge, 0, 6)
    db.session.commit()
    open_for_judging(panel)
    _score_everything(panel, [0.9, 0.85, 0.8, 0.6, 0.55, 0.4])
    advanced = results.close_stage(db.session, first, None)
    assert advanced == [e.id for e in panel["entries"][:3]]
    with pytest.raises(StageNotReady):
        assigning.open_stage(db.session, file_store(), second, None)
    stages.configure_stage(
        db.session,
        second,
        name=second.name,
        judges_per_entry=2,
        agree_gap=10,
        head_gap=15,
        three_mean_gap=25,
        advance_top_n=None,
        advance_min_score=None,
        rubric=DEMO_RUBRIC,
    )
    assigning.open_stage(db.session, file_store(), second, None)
    assert {e.id for e in stages.stage_entries(db.session, second)} == set(advanced)
    assert stages.current_stage(db.session, contest) is second


def test_finalising_needs_a_prize_ladder(world, panel):
    open_for_judging(panel)
    _score_everything(panel, [0.9, 0.85, 0.8, 0.6, 0.55, 0.4])
    stages.set_prize_ladder(db.session, panel["contest"], [])
    with pytest.raises(StageNotReady):
        lifecycle.finalise(db.session, panel["contest"], None, NOW)
    assert panel["contest"].phase == "judging"


def test_rule_is_stored_as_a_code_and_shown_translated(world, panel):
    open_for_judging(panel)
    result = _score(panel, panel["entries"][1], [0.70, 0.82])
    assert json.loads(result.rule) == {"code": "two_head", "gap": 12.0, "agree": 10.0, "head": 15.0}
    assert result.rule_text == "Chênh 12 trong khoảng (10; 15]: trưởng ban giám khảo quyết định."
    with force_locale("en"):
        assert result.rule_text.startswith("Gap of 12")


def test_results_are_listed_in_rank_order_when_the_criteria_break_a_tie(world, panel):
    """Equal totals, ordered by the first criterion (the rules' tie-break): the list follows
    the ranks, whatever the codes, and equal keys share a rank."""
    open_for_judging(panel)
    stage = panel["stage"]
    first, second = stage.criteria[0], stage.criteria[1]  # both weight 1, 30 points
    entries = panel["entries"]
    for index, entry in enumerate(entries):
        marks = marks_for(stage, 0.7)
        if index == 1:  # same total as the others, more on the first criterion
            marks[first.id] += 1
            marks[second.id] -= 1
        for assign_ in db.session.scalars(
            select(Assignment).where(Assignment.entry_id == entry.id, Assignment.state == "active")
        ):
            scoring.save_score(db.session, assign_, marks, "", submit=True, now=NOW)
    db.session.commit()
    view = prizes.compute_prizes(db.session, panel["contest"])
    ranks = [view.allocation.ranks[r.entry.id] for r in view.results]
    assert ranks == sorted(ranks) == [1, 2, 2, 2, 2, 2]
    assert view.results[0].entry.id == entries[1].id
    assert {r.result.official_score for r in view.results} == {70}


def test_the_calibration_flag_says_which_prize_calibrated_scores_would_give(
    client, world, panel, monkeypatch
):
    open_for_judging(panel)
    _score_everything(panel, [0.9, 0.75, 0.7, 0.6, 0.55, 0.4])
    first_prize = stages.prize_levels(db.session, panel["contest"])[0]
    real = prizes.compute_prizes

    def with_a_change(session, contest, results=None):
        view = real(session, contest, results)
        view.calibration_changes = {panel["entries"][3].id: (None, first_prize.id)}
        return view

    monkeypatch.setattr(prizes, "compute_prizes", with_a_change)
    login(client, world["users"]["province"])
    page = client.get("/judging/son-la-2019/results").get_data(as_text=True)
    assert f"Nếu dùng điểm hiệu chỉnh: {first_prize.name}" in page
