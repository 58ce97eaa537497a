"""Issue 14: a unit round's page links to the unit's own judging (off, on or finalised) and,
once it finalised, to its winners — for those who run it; the province's round has none."""

from __future__ import annotations

from contest.platform.db import db
from judging.services import units
from tests.plugins.factories import NOW
from tests.plugins.panels import open_unit, score_unit_entry
from tests.plugins.web import login

UNIT = "/judging/son-la-2019/unit/MCH/"


def test_the_round_page_links_to_the_units_judging(client, world, district):
    round_ = district["round"]
    login(client, district["organiser"])
    page = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    assert f'href="{UNIT}"' in page and "Chấm thi riêng của đơn vị: " in page
    assert f'href="{UNIT}winners"' not in page
    open_unit(district)
    for entry, share in zip(district["entries"], [0.9, 0.8, 0.7, 0.6, 0.5], strict=True):
        score_unit_entry(district["stage"], entry, [share, share])
    units.finalise_unit(db.session, round_, district["organiser"], NOW)
    db.session.commit()
    page = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    assert f'href="{UNIT}winners"' in page


def test_a_round_without_its_judging_offers_to_switch_it_on(client, world):
    login(client, world["users"]["organiser_d2"])
    page = client.get(f"/rounds/{world['rounds']['YCH'].id}").get_data(as_text=True)
    assert "Chấm thi riêng của đơn vị: chưa bật" in page
    assert 'href="/judging/son-la-2019/unit/YCH/"' in page


def test_the_provinces_round_has_no_unit_judging_link(client, world):
    login(client, world["users"]["province"])
    page = client.get(f"/rounds/{world['rounds']['SL'].id}").get_data(as_text=True)
    assert "Chấm thi riêng của đơn vị" not in page
