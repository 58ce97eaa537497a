"""A provincial round ready to judge (`panel`): entries forwarded, a stage, a panel, a head
judge; and a district holding its own judging (`district`, issue 14); with the steps the
judging tests take on them (open, score, tie)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from contest.models import Unit
from contest.platform.db import db
from contest.platform.storage import file_store
from contest.services.accounts import create_user
from contest.services.forwarding import forward_round
from judging.demo import DEMO_RUBRIC
from judging.models import Assignment
from judging.services import assigning, blinding, scoring, stages, units
from judging.services import panel as panel_service
from tests.plugins.factories import NOW, PASSWORD, entrant


@pytest.fixture
def panel(world, make_entry, reuse):
    """Six entries at the province (authors in two districts), four judges from a department
    and a district, a head judge, the demo rubric and prize ladder (built once per process,
    restored for the tests after: tests/plugins/snapshots.py)."""
    return reuse("panel", lambda: _panel(world, make_entry))


def _panel(world, make_entry):
    dep2 = Unit(
        code="SVH",
        name="Sở Văn hóa, Thể thao và Du lịch",
        kind="department",
        parent=world["units"]["SL"],
    )
    db.session.add(dep2)
    users = world["users"]
    judges = [users["judge"]]
    for index, unit in enumerate([dep2, world["units"]["MCH"], dep2], start=2):
        judges.append(
            create_user(
                db.session,
                full_name=f"Giám khảo {index}",
                email=f"gk{index}@sonla.gov.vn",
                phone=None,
                password=PASSWORD,
                role="judge",
                unit=unit,
            )
        )
    entries = []
    for index in range(6):
        author = users["entrant_a"] if index % 2 == 0 else users["entrant_b"]
        author_unit = world["units"]["MCH"] if index % 2 == 0 else world["units"]["YCH"]
        entries.append(
            make_entry(author, unit=author_unit, title=f"Bài viết {index}")
            if index < 4
            else make_entry(extra_author(world, index), unit=author_unit, title=f"Bài viết {index}")
        )
    for code in ("MCH", "YCH"):
        round_ = world["rounds"][code]
        ids = [e.id for e in entries if e.round_id == round_.id]
        round_.quota = 10
        # A unit holding its own judging sends up by its results; its jury's work is not the
        # point here, so its round closes as if it had (the others' by ticks).
        by_results = stages.unit_judging(db.session, round_.id) is not None
        forward_round(db.session, round_, None, NOW, entry_ids=ids, by_results=by_results)
    contest = world["contest"]
    stage = stages.create_stage(
        db.session, contest, name="Chung khảo", judges_per_entry=2, rubric=DEMO_RUBRIC, seed=7
    )
    for judge in judges:
        panel_service.add_judge(db.session, stage, judge, 0, 6)
    panel_service.set_head_judge(db.session, stage, users["head_judge"])
    stages.set_prize_ladder(
        db.session,
        contest,
        [("Giải Nhất", 1, 80), ("Giải Nhì", 2, 70), ("Giải Khuyến khích", 3, 50)],
    )
    db.session.commit()
    return {"stage": stage, "judges": judges, "entries": entries, "contest": contest}


def extra_author(world, index):
    user = create_user(
        db.session,
        full_name=f"Tác giả Số {index}",
        email=f"tg{index}@example.com",
        phone=None,
        password=PASSWORD,
        unit=world["units"]["MCH"],
    )
    db.session.flush()
    return user


def open_for_judging(panel, actor=None):
    """Scan, settle flags as an organiser would, open and release."""
    contest, stage = panel["contest"], panel["stage"]
    organiser = actor
    blinding.prepare_blind_copies(db.session, file_store(), contest, organiser)
    for flag in blinding.open_flags(db.session, contest):
        if flag.kind in ("name", "signature", "phone", "email"):
            blinding.redact_flag(db.session, flag, organiser)
        else:
            blinding.clear_flag(db.session, flag, organiser, "Địa danh trong nội dung bài.")
    assigning.open_stage(db.session, file_store(), stage, organiser)
    assigning.release_assignments(db.session, stage, organiser, NOW)
    db.session.commit()


def marks_for(stage, total_share: float) -> dict[int, float]:
    """Marks on every criterion at `total_share` of its maximum, on the 0.5 step."""
    return {c.id: round(c.max_points * total_share * 2) / 2 for c in stage.criteria}


UNIT_LADDER = [
    ("Giải A cấp huyện", 1, 80),
    ("Giải B cấp huyện", 2, 60),
    ("Giải C cấp huyện", 2, 40),
]


@pytest.fixture
def district(world, make_entry, reuse):
    """Huyện Mộc Châu switched on by its organiser: five entries waiting in its round, a jury
    of three judges and a head judge created by that organiser, one stage, its own ladder
    (built once per process, like `panel`)."""
    return reuse("district", lambda: _district(world, make_entry))


def _district(world, make_entry):
    round_ = world["rounds"]["MCH"]
    organiser = world["users"]["organiser_d1"]
    authors = [
        entrant(world, f"mch{i}@example.com", "MCH", name=f"Tác giả Mộc Châu {i}") for i in range(5)
    ]
    entries = [make_entry(a, title=f"Bài huyện {i}") for i, a in enumerate(authors)]
    assert all(e.round_id == round_.id for e in entries)
    units.switch_on(db.session, round_, organiser)
    jurors = [
        units.add_juror(
            db.session,
            round_,
            organiser,
            full_name=f"Giám khảo huyện {i}",
            email=f"gkh{i}@mocchau.gov.vn",
            phone=None,
            password=PASSWORD,
        )
        for i in range(3)
    ]
    head = units.add_juror(
        db.session,
        round_,
        organiser,
        full_name="Trưởng ban huyện",
        email="tbh@mocchau.gov.vn",
        phone=None,
        password=PASSWORD,
        is_head=True,
    )
    stage = stages.create_stage(
        db.session,
        world["contest"],
        name="Chấm cấp huyện",
        judges_per_entry=2,
        rubric=DEMO_RUBRIC,
        seed=11,
        round_=round_,
    )
    for judge in jurors:
        panel_service.add_judge(db.session, stage, judge, 0, 5)
    panel_service.set_head_judge(db.session, stage, head)
    stages.set_prize_ladder(db.session, world["contest"], UNIT_LADDER, round_.id)
    db.session.commit()
    return {
        "round": round_,
        "organiser": organiser,
        "entries": entries,
        "jurors": jurors,
        "head": head,
        "stage": stage,
        "contest": world["contest"],
    }


def open_unit(district):
    """Scan at the unit, settle its flags as its organiser would, open and release."""
    round_, organiser, contest = district["round"], district["organiser"], district["contest"]
    blinding.prepare_blind_copies(db.session, file_store(), contest, organiser, round_)
    for flag in blinding.open_flags(db.session, contest, round_.id):
        blinding.clear_flag(db.session, flag, organiser, "Địa danh trong nội dung bài.")
    assigning.open_stage(db.session, file_store(), district["stage"], organiser)
    assigning.release_assignments(db.session, district["stage"], organiser, NOW)
    db.session.commit()


def score_unit_entry(stage, entry, shares):
    active = db.session.scalars(
        select(Assignment)
        .where(Assignment.stage_id == stage.id, Assignment.entry_id == entry.id)
        .where(Assignment.is_active)
        .order_by(Assignment.id)
    ).all()
    for held, share in zip(active, shares, strict=False):
        if not held.is_submitted:
            scoring.save_score(db.session, held, marks_for(stage, share), "", submit=True, now=NOW)
    db.session.commit()


def tied_unit_prize(district):
    """The unit's ladder A/B, scored so that B has one seat and two entries tied for it;
    returns the entries and level B."""
    entries, round_, contest = district["entries"], district["round"], district["contest"]
    stages.set_prize_ladder(
        db.session, contest, [("Giải A cấp huyện", 1, 80), ("Giải B cấp huyện", 1, 60)], round_.id
    )
    db.session.commit()
    open_unit(district)
    for entry, share in zip(entries, [0.9, 0.7, 0.7, 0.5, 0.45], strict=True):
        score_unit_entry(district["stage"], entry, [share, share])
    level_b = stages.prize_levels(db.session, contest, round_.id)[1]
    return entries, level_b
