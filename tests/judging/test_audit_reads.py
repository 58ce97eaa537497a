"""Reads of the blind-code key and of the results export are in the audit log, by whom."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from contest.platform.audit import sentence, verify_chain
from contest.platform.db import db
from contest.platform.models import AuditEvent
from judging.audit import JudgingAction
from judging.models import BlindCopy
from tests.plugins.panels import open_for_judging
from tests.plugins.web import login


@pytest.fixture
def opened(world, panel):
    open_for_judging(panel, world["users"]["province"])
    return panel


def _count() -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)))


def _last() -> AuditEvent:
    return db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()


@pytest.mark.parametrize(
    ("url", "action", "params"),
    [
        ("/judging/son-la-2019/key", JudgingAction.KEY_VIEWED, {}),
        ("/judging/son-la-2019/export.xlsx", JudgingAction.RESULTS_EXPORTED, {"format": "xlsx"}),
        ("/judging/son-la-2019/export.csv", JudgingAction.RESULTS_EXPORTED, {"format": "csv"}),
    ],
)
def test_a_read_of_secrets_is_recorded_with_its_reader(client, world, opened, url, action, params):
    province = world["users"]["province"]
    login(client, province)
    before = _count()
    response = client.get(url)
    assert response.status_code == 200
    if action == JudgingAction.KEY_VIEWED:
        code = db.session.scalars(select(BlindCopy.code)).first()
        assert code in response.get_data(as_text=True)
    assert _count() == before + 1
    event = _last()
    assert (event.action, event.actor_id, event.contest_id) == (
        action,
        province.id,
        world["contest"].id,
    )
    assert (event.object_type, event.object_id) == ("Contest", world["contest"].id)
    for name, value in params.items():
        assert value in sentence(event)
        assert name in event.params_json
    assert province.full_name in sentence(event)
    assert verify_chain(db.session).broken is None


@pytest.mark.parametrize("who", ["judge", "head_judge", "organiser_d1", "entrant_a"])
def test_a_refused_read_records_nothing(client, world, opened, who):
    login(client, world["users"][who])
    before = _count()
    for url in ("/judging/son-la-2019/key", "/judging/son-la-2019/export.xlsx"):
        assert client.get(url).status_code == 404
    assert _count() == before


def test_the_reading_views_start_as_writers(app):
    """On SQLite their transaction begins IMMEDIATE, like a POST's (contest.platform.db)."""
    for endpoint in ("judging.key", "judging.export_results", "contest.entry_original"):
        assert getattr(app.view_functions[endpoint], "records_reads", False), endpoint
