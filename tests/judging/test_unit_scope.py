"""Issue 14, first step: a stage may belong to a unit round without touching the province's."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from contest.platform.db import db
from judging.models import Stage
from judging.services import stages


def test_a_unit_stage_stays_out_of_the_province_judging(world, panel):
    contest = panel["contest"]
    district = world["rounds"]["MCH"]
    unit_stage = Stage(contest=contest, round_id=district.id, position=1, name="Sơ khảo huyện")
    db.session.add(unit_stage)
    db.session.commit()

    assert stages.stages(db.session, contest) == [panel["stage"]]
    assert stages.stages(db.session, contest, district.id) == [unit_stage]
    assert stages.current_stage(db.session, contest) is panel["stage"]


def test_positions_stay_unique_within_each_judging(world, panel):
    contest = panel["contest"]
    db.session.add(Stage(contest=contest, round_id=None, position=1, name="Trùng vị trí"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    district = world["rounds"]["MCH"]
    db.session.add(Stage(contest=contest, round_id=district.id, position=1, name="Vòng 1"))
    db.session.commit()
    db.session.add(Stage(contest=contest, round_id=district.id, position=1, name="Vòng 1 bis"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
