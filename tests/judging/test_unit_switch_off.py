"""Issue 14: a unit switches its own judging off again while nothing of it has opened — its
draft stage, ladder and blind copies go, its jury's accounts stay — and never after."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from contest.platform.db import db
from contest.platform.models import AuditEvent
from contest.platform.storage import file_store
from contest.services.forwarding import forward_round
from judging.errors import JudgingClosed, StageNotReady
from judging.models import BlindCopy, LeakFlag, PrizeLevel, Stage, UnitJuror
from judging.services import blinding, stages, units
from tests.plugins.factories import NOW
from tests.plugins.panels import open_unit
from tests.plugins.web import csrf_token, login

UNIT = "/judging/son-la-2019/unit/MCH/"


def _count(model, round_id):
    return db.session.scalar(select(func.count(model.id)).where(model.round_id == round_id))


def test_switching_off_before_opening_leaves_a_tick_and_forward_round(world, district):
    round_, organiser = district["round"], district["organiser"]
    blinding.prepare_blind_copies(db.session, file_store(), district["contest"], organiser, round_)
    db.session.commit()
    assert _count(BlindCopy, round_.id) == len(district["entries"])
    units.switch_off(db.session, round_, organiser)
    db.session.commit()
    assert stages.unit_judging(db.session, round_.id) is None
    for model in (Stage, PrizeLevel, BlindCopy, LeakFlag):
        assert _count(model, round_.id) == 0, model
    assert _count(UnitJuror, round_.id) == 4  # the accounts stay for a later switch-on
    assert (
        db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "unit_judging_off")
        ).object_id
        == round_.id
    )
    sent = forward_round(db.session, round_, organiser, NOW, entry_ids=[district["entries"][0].id])
    assert len(sent.forwarded) == 1  # ticks work again
    db.session.rollback()
    units.switch_on(db.session, round_, organiser)
    again = stages.create_stage(db.session, district["contest"], name="Lần hai", round_=round_)
    assert again.position == 1


def test_no_switching_off_once_opened_or_finalised(world, district):
    round_, organiser = district["round"], district["organiser"]
    open_unit(district)
    with pytest.raises(JudgingClosed):
        units.switch_off(db.session, round_, organiser)
    db.session.rollback()
    assert stages.unit_judging(db.session, round_.id) is not None
    assert _count(BlindCopy, round_.id) == len(district["entries"])
    with pytest.raises(StageNotReady):
        units.switch_off(db.session, world["rounds"]["YCH"], world["users"]["organiser_d2"])
    db.session.rollback()


def test_the_organiser_switches_off_from_the_page(client, world, district):
    login(client, district["organiser"])
    page = client.get(UNIT).get_data(as_text=True)
    assert f'action="{UNIT}off"' in page
    token = csrf_token(page)
    assert client.post(f"{UNIT}off", data={"csrf_token": token}).status_code == 302
    assert "Bật chấm thi riêng" in client.get(UNIT).get_data(as_text=True)
    assert stages.unit_judging(db.session, district["round"].id) is None


def test_the_page_offers_no_switch_off_once_opened(client, world, district):
    open_unit(district)
    login(client, district["organiser"])
    assert f'action="{UNIT}off"' not in client.get(UNIT).get_data(as_text=True)
