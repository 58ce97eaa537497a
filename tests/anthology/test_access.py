"""Every route of the anthology's organiser blueprint, for every role, read from the URL map
itself (a new route is in the matrix the day it is written): the book, the certificates, the
board's publishing, papers, proposals and statistics are the province's; a unit's
certificates and forwarding letter its own organiser's too; nobody else reaches any."""

from __future__ import annotations

import pytest

from anthology.models import Announcement, CommendationProposal
from anthology.services import letters, proposals
from contest.models import Contest
from contest.platform.db import db
from tests.anthology.test_letters import _issuance
from tests.plugins.factories import NOW
from tests.plugins.web import csrf_token, login

ROLES = ["anonymous", "entrant_a", "judge", "head_judge", "organiser_d1", "organiser_d2"]
REFUSED = (302, 400, 403, 404, 405)
# The routes a unit's organiser may reach for their own unit (MCH is organiser_d1's).
UNIT_OWN = ("/unit/<code>/certificates", "/rounds/<int:round_id>/letter")


@pytest.fixture
def objects(world, finalised):
    """One of each thing the anthology's addresses name, so every address exists."""
    contest = finalised["contest"]
    letters.save_letter(db.session, world["rounds"]["SGD"], None, _issuance(), {}, NOW)
    news = Announcement(contest_id=contest.id, title="Tin", body="", posted_at=NOW)
    db.session.add(news)
    proposal = proposals.propose(
        db.session, proposals.candidates(db.session, contest)[0], None, "Tiêu biểu"
    )
    db.session.commit()
    return {
        "slug": contest.slug,
        "code": "MCH",
        "round_id": world["rounds"]["MCH"].id,
        "entry_id": finalised["rich"].id,
        "object_id": finalised["rich"].id,
        "kind": "e",
        "build_id": 1,
        "fmt": "docx",
        "what": "cover",
        "news_id": news.id,
        "proposal_id": proposal.id,
    }


def _urls(app, objects, method: str) -> list[tuple[str, str]]:
    adapter = app.url_map.bind("localhost")
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("anthology.") or method not in rule.methods:
            continue
        values = {name: objects[name] for name in rule.arguments}
        found.append((rule.rule, adapter.build(rule.endpoint, values, method=method)))
    return found


@pytest.mark.parametrize("role", ROLES)
def test_no_one_but_the_province_reaches_the_anthology(app, client, world, objects, role):
    if role != "anonymous":
        login(client, world["users"][role])
    token = csrf_token(client.get("/login").get_data(as_text=True))
    gets, posts = _urls(app, objects, "GET"), _urls(app, objects, "POST")
    assert len(gets) >= 14 and len(posts) >= 14
    before = (
        db.session.query(Announcement).count(),
        db.session.query(CommendationProposal).filter_by(withdrawn_at=None).count(),
    )
    for rule, url in gets:
        own = role == "organiser_d1" and any(rule.endswith(tail) for tail in UNIT_OWN)
        status = client.get(url).status_code
        if own:
            assert status == 200, (role, url)
        else:
            assert status in REFUSED, (role, url, status)
    for rule, url in posts:
        if role == "organiser_d1" and any(rule.endswith(tail) for tail in UNIT_OWN):
            continue  # their own unit's forms, tested with their pages
        status = client.post(url, data={"csrf_token": token}).status_code
        assert status in REFUSED, (role, url, status)
    db.session.expire_all()
    after = (
        db.session.query(Announcement).count(),
        db.session.query(CommendationProposal).filter_by(withdrawn_at=None).count(),
    )
    assert after == before and not finalised_public(objects)


def finalised_public(objects) -> bool:
    return db.session.query(Contest).filter_by(slug=objects["slug"]).one().are_results_public


def test_the_province_reaches_every_page_of_the_anthology(app, client, world, objects):
    login(client, world["users"]["province"])
    for rule, url in _urls(app, objects, "GET"):
        status = client.get(url).status_code
        if "/builds/" in rule:
            assert status == 404, url  # no build was made: nothing to show
        elif "/certificates/<code>." in rule:
            assert status == 404, url  # a unit winner's own paper, its author's alone
        else:
            assert status in (200, 302), (url, status)
