"""The access matrix of a unit round's own judging (issue 14): every unit route × every
role, while the unit scores and once it finalised. Only the unit's organiser and the
province reach its organiser pages; its jurors reach their own codes and nothing else; a
refused POST changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from contest.platform.db import db
from contest.platform.models import AuditEvent
from judging.models import Assignment, BlindCopy, Score
from judging.services import stages, units
from tests.plugins.factories import NOW
from tests.plugins.panels import open_unit, score_unit_entry
from tests.plugins.web import csrf_token, login

ROLES = [
    "anonymous",
    "entrant",
    "unit_organiser",  # of this district
    "other_unit_organiser",  # of another district
    "commune_organiser",  # of a commune below it: runs none of the district's judging
    "province",
    "province_judge",
    "province_head_judge",
    "unit_juror_assigned",
    "unit_juror_other",
    "unit_head_juror",
]
OK, LOGIN, DENIED, MOVED = 200, 302, 404, 302
BASE = "/judging/son-la-2019/unit/MCH"
MANAGERS = ("unit_organiser", "province")


def only(*roles, ok=OK, anonymous=LOGIN):
    found = {r: (ok if r in roles else DENIED) for r in ROLES}
    found["anonymous"] = anonymous
    return found


# While the unit scores (opened, nothing finalised).
SCORING_GETS = {
    f"{BASE}/": only(*MANAGERS),
    f"{BASE}/jury": only(*MANAGERS),
    f"{BASE}/setup": only(*MANAGERS),
    f"{BASE}/flags": only(*MANAGERS),
    f"{BASE}/key": only(*MANAGERS, ok=MOVED),  # not before finalisation: sent back
    f"{BASE}/forward": only(*MANAGERS, ok=MOVED),
    f"{BASE}/export.xlsx": only(*MANAGERS),
    f"{BASE}/winners": only(anonymous=DENIED),
    "/anthology/son-la-2019/unit/MCH/certificates": only(*MANAGERS),
    "/judging/son-la-2019/queue": only(
        "province_judge",
        "province_head_judge",
        "unit_juror_assigned",
        "unit_juror_other",
        "unit_head_juror",
    ),
    "/judging/son-la-2019/e/{code}": only("unit_juror_assigned"),
}
# Once it finalised.
FINAL_GETS = {
    f"{BASE}/": only(*MANAGERS),
    f"{BASE}/jury": only(*MANAGERS),
    f"{BASE}/setup": only(*MANAGERS, ok=MOVED),  # nothing left to set up
    f"{BASE}/key": only(*MANAGERS),
    f"{BASE}/forward": only(*MANAGERS),
    f"{BASE}/winners": only(*MANAGERS, anonymous=DENIED),
    "/anthology/son-la-2019/unit/MCH/certificates": only(*MANAGERS),
    "/judging/son-la-2019/e/{code}": only("unit_juror_assigned"),  # their own marked copy
}
POSTS = [
    f"{BASE}/on",
    f"{BASE}/off",
    f"{BASE}/share-ties",
    f"{BASE}/ties/1",
    f"{BASE}/jury",
    f"{BASE}/setup",
    f"{BASE}/scan",
    f"{BASE}/open",
    f"{BASE}/close-stage",
    f"{BASE}/finalise",
    f"{BASE}/forward",
    "/anthology/son-la-2019/unit/MCH/certificates",
]


@pytest.fixture
def scoring(world, district):
    """The district opened, every entry but the first scored by both its judges."""
    open_unit(district)
    first, *rest = district["entries"]
    for entry, share in zip(rest, [0.85, 0.75, 0.65, 0.55], strict=True):
        score_unit_entry(district["stage"], entry, [share, share])
    held = db.session.scalars(
        select(Assignment).where(Assignment.entry_id == first.id).order_by(Assignment.id)
    ).all()
    code = db.session.scalar(
        select(BlindCopy.code).where(
            BlindCopy.entry_id == first.id, BlindCopy.round_id == district["round"].id
        )
    )
    other = next(j for j in district["jurors"] if j.id not in {a.judge_id for a in held})
    users = {
        "entrant": district["entries"][0].author,
        "unit_organiser": district["organiser"],
        "other_unit_organiser": world["users"]["organiser_d2"],
        "commune_organiser": world["users"]["organiser_c1"],
        "province": world["users"]["province"],
        "province_judge": world["users"]["judge"],
        "province_head_judge": world["users"]["head_judge"],
        "unit_juror_assigned": held[0].judge,
        "unit_juror_other": other,
        "unit_head_juror": district["head"],
    }
    return {"code": code, "users": users, "district": district, "first": first}


def _finalise(scoring):
    district = scoring["district"]
    score_unit_entry(district["stage"], scoring["first"], [0.95, 0.95])
    units.finalise_unit(db.session, district["round"], district["organiser"], NOW)
    db.session.commit()


def _check_gets(client, scoring, role, gets):
    if role != "anonymous":
        login(client, scoring["users"][role])
    for template, expected in gets.items():
        url = template.format(code=scoring["code"])
        response = client.get(url)
        response.close()
        assert response.status_code == expected[role], f"{role} GET {url}"


@pytest.mark.parametrize("role", ROLES)
def test_unit_get_matrix_while_scoring(client, scoring, role):
    _check_gets(client, scoring, role, SCORING_GETS)


@pytest.mark.parametrize("role", ROLES)
def test_unit_get_matrix_once_finalised(client, scoring, role):
    _finalise(scoring)
    _check_gets(client, scoring, role, FINAL_GETS)
    if role == "unit_juror_assigned":  # the key opened to the organiser, not to the judge
        page = client.get("/judging/son-la-2019/e/" + scoring["code"]).get_data(as_text=True)
        assert scoring["first"].author.full_name not in page


@pytest.mark.parametrize("role", [r for r in ROLES if r not in MANAGERS])
def test_unit_post_matrix_denies_and_changes_nothing(client, scoring, role):
    if role != "anonymous":
        login(client, scoring["users"][role])
    token = csrf_token(client.get("/").get_data(as_text=True))
    events = db.session.scalar(select(func.count(AuditEvent.id)))
    scores = db.session.scalar(select(func.count(Score.id)))
    data = {
        "csrf_token": token,
        "reason": "x",
        "action": "juror",
        "juror-full_name": "Kẻ lạ",
        "juror-email": "la@example.com",
        "juror-role": "judge",
        "juror-password": "Mot-mat-khau-dai",
        "entry_id": [str(e.id) for e in scoring["district"]["entries"]],
        "place": "Mộc Châu",
        "signer_authority": "CHỦ TỊCH",
        "signer_name": "A",
    }
    for url in POSTS:
        got = client.post(url, data=data)
        got.close()
        assert got.status_code == (LOGIN if role == "anonymous" else DENIED), f"{role} {url}"
    db.session.expire_all()
    district = scoring["district"]
    assert db.session.scalar(select(func.count(AuditEvent.id))) == events
    assert db.session.scalar(select(func.count(Score.id))) == scores
    assert not stages.is_finalised(db.session, district["contest"], district["round"].id)
    assert district["round"].closed_at is None


def test_the_matrix_covers_every_unit_route(app):
    covered = {*SCORING_GETS, *FINAL_GETS, *POSTS}
    for rule in app.url_map.iter_rules():
        if "/unit/<code>" not in rule.rule:
            continue
        path = (
            rule.rule.replace("<slug>", "son-la-2019")
            .replace("<code>", "MCH")
            .replace("<any('scan','open','close-stage','finalise'):action>", "finalise")
            .replace("<any('xlsx','csv'):fmt>", "xlsx")
            .replace("<int:level_id>", "1")
        )
        assert path in covered, f"{rule.rule} is not in the unit access matrix"
