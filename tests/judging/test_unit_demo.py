"""Issue 14 in the demo: Huyện Mộc Châu has its own jury, judges blind (a third judge and
the head judge included), finalises with its own prizes and forwards by results before the
province opens; the province's jury and results stay its own."""

from __future__ import annotations

from sqlalchemy import func, select

from contest.demo import JUDGED_AT_UNIT
from contest.lifecycles import EntryState
from contest.models import Contest, Entry, Round, Unit
from contest.platform.db import db
from judging.models import Assignment, Award, StageResult
from judging.services import panel, stages, units
from judging.states import ResultState


def _district() -> Round:
    return db.session.scalar(select(Round).join(Unit).where(Unit.code == JUDGED_AT_UNIT[0]))


def test_the_demo_leaves_the_district_judged_and_waiting_to_forward(runner):
    result = runner.invoke(args=["demo", "--entries", "40", "--seed", "1"])
    assert result.exit_code == 0, result.output
    assert "giamkhao1.mch@sonla.gov.vn" in result.output
    assert "truongban.mch@sonla.gov.vn" in result.output
    round_ = _district()
    assert stages.is_finalised(db.session, round_.contest, round_.id)
    assert round_.closed_at is None  # its organiser forwards by results, live
    proposal = units.forward_proposal(db.session, round_)
    assert proposal.proposed and len(proposal.proposed) <= round_.quota
    jury = {u.id for u in panel.judge_accounts(db.session, round_.id)}
    province = stages.current_stage(db.session, round_.contest)
    assert jury and jury.isdisjoint(m.judge_id for m in province.members)
    assert province.head_judge_id not in jury


def test_demo_through_awarded_leaves_the_unit_finalised_with_prizes(runner):
    result = runner.invoke(args=["demo", "--entries", "40", "--seed", "1", "--through", "awarded"])
    assert result.exit_code == 0, result.output
    contest = db.session.scalar(select(Contest))
    round_ = _district()
    assert contest.is_finalised and round_.closed_at is not None
    stage = stages.current_stage(db.session, contest, round_.id)
    won = units.winners(db.session, round_)
    assert won and won[0].prize_level.name == "Giải A cấp huyện"
    assert db.session.scalar(
        select(func.count(Assignment.id)).where(
            Assignment.stage_id == stage.id, Assignment.is_third
        )
    )
    decided = db.session.scalar(
        select(func.count(StageResult.id)).where(
            StageResult.stage_id == stage.id, StageResult.state == ResultState.DECIDED
        )
    )
    assert decided
    # What went up is the unit's best within its quota; the rest stays below.
    ranked = units.awards(db.session, round_)
    sent = [a for a in ranked if a.entry.state != EntryState.NOT_SELECTED]
    assert len(sent) == min(len(ranked), round_.quota)
    assert max(a.rank for a in sent) <= min(
        (a.rank for a in ranked if a.entry.state == EntryState.NOT_SELECTED), default=99
    )
    # The province judged them among the others and gave its own prizes.
    province_awards = db.session.scalars(select(Award).where(Award.round_id.is_(None))).all()
    assert {a.entry_id for a in sent} <= {a.entry_id for a in province_awards}
    assert sum(1 for a in province_awards if a.prize_level_id) >= 5
    assert db.session.scalar(
        select(func.count(Entry.id)).where(Entry.state == EntryState.FORWARDED)
    )
