"""Nested units (issue 14): a commune judges its entries and forwards its winner to the
district, which judges again under codes of its own; each level's result is kept apart."""

from __future__ import annotations

from contest.lifecycles import EntryState
from contest.platform.db import db
from judging.demo import DEMO_RUBRIC
from judging.services import blinding, stages, units
from judging.services import panel as panel_service
from tests.plugins.factories import NOW, PASSWORD
from tests.plugins.panels import open_unit, score_unit_entry


def _commune_judging(world, make_entry):
    """Xã Chiềng Sơn with two entries, two jurors, one stage, one prize."""
    round_ = world["rounds"]["MCH-CSO"]
    organiser = world["users"]["organiser_c1"]
    entries = [make_entry(world["users"]["entrant_a"], title=f"Bài của xã {i}") for i in range(2)]
    units.switch_on(db.session, round_, organiser)
    jurors = [
        units.add_juror(
            db.session,
            round_,
            organiser,
            full_name=f"Giám khảo xã {i}",
            email=f"gkx{i}@chiengson.gov.vn",
            phone=None,
            password=PASSWORD,
        )
        for i in range(2)
    ]
    stage = stages.create_stage(
        db.session, world["contest"], name="Chấm cấp xã", rubric=DEMO_RUBRIC, round_=round_
    )
    for judge in jurors:
        panel_service.add_judge(db.session, stage, judge, 0, 5)
    stages.set_prize_ladder(db.session, world["contest"], [("Giải Nhất cấp xã", 1, 50)], round_.id)
    db.session.commit()
    return {
        "round": round_,
        "organiser": organiser,
        "entries": entries,
        "jurors": jurors,
        "stage": stage,
        "contest": world["contest"],
    }


def test_a_commune_forwards_its_winner_and_the_district_judges_it_again(
    world, make_entry, district
):
    commune = _commune_judging(world, make_entry)
    winner, other = commune["entries"]
    open_unit(commune)
    score_unit_entry(commune["stage"], winner, [0.9, 0.9])
    score_unit_entry(commune["stage"], other, [0.6, 0.6])
    units.finalise_unit(db.session, commune["round"], None, NOW)
    proposal = units.forward_proposal(db.session, commune["round"])  # commune quota: 1
    assert proposal.proposed == [winner.id]
    units.forward_by_results(db.session, commune["round"], None, NOW, proposal.proposed)
    db.session.commit()
    assert winner.round_id == district["round"].id and winner.state == EntryState.FORWARDED
    assert other.state == EntryState.NOT_SELECTED
    open_unit(district)
    commune_code = blinding.code_of_entry(db.session, winner.id, commune["round"].id)
    district_code = blinding.code_of_entry(db.session, winner.id, district["round"].id)
    assert commune_code and district_code and commune_code != district_code
    shares = [0.9, 0.8, 0.7, 0.5, 0.45, 0.6]
    for entry, share in zip([*district["entries"], winner], shares, strict=True):
        score_unit_entry(district["stage"], entry, [share, share])
    units.finalise_unit(db.session, district["round"], None, NOW)
    db.session.commit()
    levels = [a.round.unit.code for a in units.unit_results_of(db.session, [winner.id])[winner.id]]
    assert sorted(levels) == ["MCH", "MCH-CSO"]
