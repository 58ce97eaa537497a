"""Judging services: opening, conflicts, scoring rules, third judge, head judge, prizes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from contest.db import db
from contest.errors import InvalidInput
from judging import services
from judging.errors import JudgingClosed, LeaksUnresolved, ScoreInvalid, TiesUndecided
from judging.models import Assignment, BlindCopy, StageResult
from tests.conftest import NOW
from tests.judging.conftest import marks_for, open_for_judging


def test_codes_are_random_and_opening_waits_for_flags(world, panel):
    entry = panel["entries"][0]
    entry.body_markdown += "\n\nQuàng Văn Hặc\n"
    db.session.commit()
    services.prepare_blind_copies(db.session, panel["contest"], world["users"]["province"])
    codes = db.session.scalars(select(BlindCopy.code)).all()
    assert len(codes) == 6 and len(set(codes)) == 6
    assert all(c.startswith("SL19-") and len(c) == 9 for c in codes)
    flagged = services.open_flags(db.session, panel["contest"])
    assert {f.kind for f in flagged if f.entry_id == entry.id} >= {"name", "signature"}
    with pytest.raises(LeaksUnresolved):
        services.open_stage(db.session, panel["stage"], None, NOW)


def test_redaction_changes_only_the_judges_copy(world, panel):
    entry = panel["entries"][0]
    entry.body_markdown += "\n\nQuàng Văn Hặc\n"
    db.session.commit()
    services.prepare_blind_copies(db.session, panel["contest"], None)
    flag = next(f for f in services.open_flags(db.session, panel["contest"]) if f.kind == "name")
    services.redact_flag(db.session, flag, world["users"]["province"])
    copy = db.session.scalar(select(BlindCopy).where(BlindCopy.entry_id == entry.id))
    assert "Quàng Văn Hặc" not in copy.markdown and "[…]" in copy.markdown
    assert "Quàng Văn Hặc" in entry.body_markdown
    with pytest.raises(InvalidInput):
        services.clear_flag(db.session, flag, world["users"]["province"], "  ")


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
        services.save_score(db.session, assign_, marks_for(stage, share), "", submit=True, now=NOW)
    db.session.commit()
    return db.session.scalar(select(StageResult).where(StageResult.entry_id == entry.id))


def test_score_validation_and_lock(world, panel):
    open_for_judging(panel)
    stage = panel["stage"]
    assign_ = db.session.scalars(select(Assignment)).first()
    criteria = stage.criteria
    with pytest.raises(ScoreInvalid, match="bước"):
        services.save_score(db.session, assign_, {criteria[0].id: 10.3}, "", submit=False, now=NOW)
    with pytest.raises(ScoreInvalid, match="từ 0 đến 30"):
        services.save_score(db.session, assign_, {criteria[0].id: 31}, "", submit=False, now=NOW)
    with pytest.raises(ScoreInvalid, match="Chưa cho điểm"):
        services.save_score(db.session, assign_, {criteria[0].id: 20}, "", submit=True, now=NOW)
    draft = services.save_score(
        db.session, assign_, {criteria[0].id: 20}, "Tốt", submit=False, now=NOW
    )
    assert draft.total == 20 and not draft.is_submitted
    score = services.save_score(
        db.session, assign_, marks_for(stage, 0.8), "", submit=True, now=NOW
    )
    assert score.total == 80 and score.is_submitted
    with pytest.raises(JudgingClosed):
        services.save_score(db.session, assign_, marks_for(stage, 0.5), "", submit=True, now=NOW)
    services.reopen_score(db.session, score, world["users"]["province"], "Giám khảo nhập nhầm")
    assert not score.is_submitted


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
    services.save_score(
        db.session, third_assign, marks_for(panel["stage"], 0.80), "", submit=True, now=NOW
    )
    result = db.session.scalar(select(StageResult).where(StageResult.entry_id == e3.id))
    assert (result.state, result.official_score) == ("agreed", 80.0)
    with pytest.raises(Exception, match="trưởng ban"):
        services.head_decide(db.session, head, world["users"]["province"], 78, "Lý do")
    services.head_decide(db.session, head, world["users"]["head_judge"], 78, "Đã đọc lại bài")
    assert (head.state, head.official_score) == ("decided", 78.0)


def test_recusal_and_withdrawal_reassign_keeping_scores(world, panel):
    open_for_judging(panel)
    stage = panel["stage"]
    first = db.session.scalars(select(Assignment).order_by(Assignment.id)).first()
    replacement = services.recuse(db.session, first, "Người quen của nhân vật")
    assert first.state == "recused" and replacement.judge_id != first.judge_id
    assert replacement.entry_id == first.entry_id
    scored = db.session.scalars(
        select(Assignment).where(
            Assignment.judge_id == panel["judges"][1].id, Assignment.state == "active"
        )
    ).first()
    services.save_score(db.session, scored, marks_for(stage, 0.7), "", submit=True, now=NOW)
    moved = services.withdraw_judge(
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
    view = services.compute_prizes(db.session, panel["contest"])
    levels = services.prize_levels(db.session, panel["contest"])
    assert view.allocation.prizes[levels[0].id] == [panel["entries"][0].id]
    assert view.allocation.prizes[levels[1].id] == sorted(
        [panel["entries"][1].id, panel["entries"][2].id]
    )
    # Khuyến khích: 3 seats, 60 and 55 qualify (≥ 50); 40 does not.
    assert view.allocation.prizes[levels[2].id] == [panel["entries"][3].id, panel["entries"][4].id]
    assert not view.allocation.ties
    services.set_prize_ladder(
        db.session, panel["contest"], [("Giải Nhất", 2, 80), ("Giải Nhì", 1, 70)]
    )
    db.session.commit()
    view = services.compute_prizes(db.session, panel["contest"])
    nhi = services.prize_levels(db.session, panel["contest"])[1]
    assert view.allocation.ties == {
        nhi.id: sorted([panel["entries"][1].id, panel["entries"][2].id])
    }
    with pytest.raises(TiesUndecided):
        services.finalise(db.session, panel["contest"], None, NOW)
    db.session.rollback()
    services.decide_tie(
        db.session,
        panel["contest"],
        nhi,
        world["users"]["province"],
        "choose",
        [panel["entries"][2].id],
        "Bài có giá trị nêu gương cao hơn",
    )
    assert services.finalise(db.session, panel["contest"], None, NOW) == 2
    assert panel["contest"].phase == "finalised"


def test_two_stages_advance_the_top(world, panel):
    contest = panel["contest"]
    first = panel["stage"]
    first.advance_top_n = 3
    second = services.create_stage(
        db.session, contest, name="Chung khảo vòng 2", judges_per_entry=2
    )
    for judge in panel["judges"]:
        services.add_judge(db.session, second, judge, 0, 6)
    db.session.commit()
    open_for_judging(panel)
    _score_everything(panel, [0.9, 0.85, 0.8, 0.6, 0.55, 0.4])
    advanced = services.close_stage(db.session, first, None)
    assert advanced == [e.id for e in panel["entries"][:3]]
    services.open_stage(db.session, second, None, NOW)
    assert {e.id for e in services.stage_entries(db.session, second)} == set(advanced)
    assert services.current_stage(db.session, contest) is second
