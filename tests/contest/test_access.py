"""The access matrix: every route of the core × every role, by link or by guessed URL."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from sqlalchemy import func, select

from contest.platform.db import db
from contest.platform.models import AuditEvent
from contest.platform.storage import file_store
from contest.services.profiles import create_profile
from judging.services import units
from tests.plugins.factories import PASSWORD, uploaded_entry, vietnamese_essay
from tests.plugins.web import csrf_token, login

ROLES = [
    "anonymous",
    "entrant_a",
    "entrant_b",
    "organiser_other",
    "organiser_own",
    "organiser_parent",
    "province",
    "judge",
    "unit_juror",  # a judge of Huyện Mộc Châu's own jury (issue 14): no more than a judge
]
USER_OF_ROLE = {
    "entrant_a": "entrant_a",
    "entrant_b": "entrant_b",
    "organiser_other": "organiser_d2",
    "organiser_own": "organiser_c1",
    "organiser_parent": "organiser_d1",
    "province": "province",
    "judge": "judge",
}

OK, LOGIN, DENIED, FORBIDDEN = 200, 302, 404, 403
ALL_LOGGED_IN = {r: OK for r in ROLES if r != "anonymous"}


def allowed(*roles, otherwise=DENIED):
    return {r: (OK if r in roles else otherwise) for r in ROLES if r != "anonymous"}


GET_MATRIX = {
    "/": {**ALL_LOGGED_IN, "anonymous": OK},
    "/login": {**ALL_LOGGED_IN, "anonymous": OK},
    "/register": {**ALL_LOGGED_IN, "anonymous": OK},
    "/password/forgot": {**ALL_LOGGED_IN, "anonymous": OK},
    "/password/password-reset/forged": {r: LOGIN for r in ROLES},
    "/password/invitation/forged": {r: LOGIN for r in ROLES},
    # Without a checked link in the session: back to "forgot password".
    "/password/password-reset": {r: LOGIN for r in ROLES},
    "/password/invitation": {r: LOGIN for r in ROLES},
    "/account/password": ALL_LOGGED_IN,
    "/account/unit": ALL_LOGGED_IN,
    "/c/{slug}/entries": allowed("entrant_a", "entrant_b", otherwise=FORBIDDEN),
    "/c/{slug}/entries/new": allowed("entrant_a", "entrant_b", otherwise=FORBIDDEN),
    "/entries/{entry}": allowed("entrant_a", "organiser_own", "organiser_parent", "province"),
    "/entries/{entry}/edit": allowed("entrant_a"),
    "/entries/{entry}/original": allowed(
        "entrant_a", "organiser_own", "organiser_parent", "province"
    ),
    "/entries/{entry}/media/none.png": {r: DENIED for r in ALL_LOGGED_IN},
    "/rounds/{round}": allowed("organiser_own", "province"),
    "/rounds/{round}/entries/{entry}/disqualify": allowed("organiser_own", "province"),
    "/rounds/{round}/paper-entry": allowed("organiser_own", "province"),
    "/rounds/{round}/profiles/new": allowed("organiser_own", "province"),
    "/profiles/{profile}": allowed("organiser_own", "organiser_parent", "province"),
    "/profiles/{profile}/photo": allowed("organiser_own", "organiser_parent", "province"),
    "/profiles/{profile}/edit": allowed("organiser_own", "province"),
    "/c/{slug}/dashboard": allowed("province"),
    "/c/{slug}/audit": allowed("province"),
    "/accounts": allowed("province"),
    "/jobs": allowed("province"),
    "/accounts/{staff}/edit": allowed("province"),
    # Every organiser finds, within their reach, whom to give a temporary password.
    "/accounts/password-help": allowed(
        "organiser_other", "organiser_own", "organiser_parent", "province"
    ),
    "/c/{slug}/settings": allowed("province"),
    "/units": allowed("province"),
    "/units.csv": allowed("province"),
    "/units.xlsx": allowed("province"),
    "/units/MCH": allowed("province"),
    "/contests/new": allowed("province"),
    "/c/{slug}/contest.toml": allowed("province"),
    # No such document (the pages' own test downloads real ones): nobody learns more.
    "/c/{slug}/documents/999": {r: DENIED for r in ROLES},
}

POST_ROUTES = [
    "/c/{slug}/entries/new",
    "/entries/{entry}/edit",
    "/accounts",
    "/accounts/{staff}/reset",
    "/jobs/{job}/retry",
    "/accounts/{staff}/edit",
    "/accounts/{staff}/active",
    "/accounts/{staff}/temporary-password",
    "/c/{slug}/settings",
    "/entries/{entry}/submit",
    "/entries/{entry}/withdraw",
    "/rounds/{round}/entries/{entry}/mark",
    "/rounds/{round}/entries/mark",
    "/rounds/{round}/profiles/{profile}/mark",
    "/rounds/{round}/entries/{entry}/disqualify",
    "/rounds/{round}/forward",
    "/rounds/{round}/paper-entry",
    "/rounds/{round}/profiles/new",
    "/profiles/{profile}/edit",
    "/units",
    "/units/upload",
    "/units/MCH",
    "/units/SGD/active",
    "/contests/new",
    "/c/{slug}/publish",
    "/c/{slug}/documents/999/remove",
]
POST_ALLOWED = {
    "/c/{slug}/entries/new": {"entrant_a", "entrant_b"},
    "/entries/{entry}/edit": {"entrant_a"},
    "/entries/{entry}/submit": {"entrant_a"},
    "/entries/{entry}/withdraw": {"entrant_a"},
    "/accounts": {"province"},
    "/accounts/{staff}/reset": {"province"},
    "/jobs/{job}/retry": {"province"},
    "/accounts/{staff}/edit": {"province"},
    "/accounts/{staff}/active": {"province"},
    # A judge: only the province gives one a temporary password.
    "/accounts/{staff}/temporary-password": {"province"},
    "/units": {"province"},
    "/units/upload": {"province"},
    "/units/MCH": {"province"},
    "/units/SGD/active": {"province"},
    "/contests/new": {"province"},
    "/c/{slug}/publish": {"province"},
    "/c/{slug}/documents/999/remove": {"province"},
    "/profiles/{profile}/edit": {"organiser_own", "province"},
}
# Entrants' own pages answer the jury and the board with a 403: they may not enter at all.
POST_DENIED = {"/c/{slug}/entries/new": FORBIDDEN}
ROUND_ROLES = {"organiser_own", "province"}


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "green").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def objects(world):
    # Sent as a file, so that its original can be downloaded by those who may see it.
    data = vietnamese_essay(60).encode()
    entry = uploaded_entry(world["contest"], world["users"]["entrant_a"], "bai.txt", data)
    profile = create_profile(
        db.session,
        contest=world["contest"],
        round_=world["rounds"]["MCH-CSO"],
        actor=world["users"]["organiser_c1"],
        name="Hợp tác xã Chiềng Sơn",
        kind="collective",
        category="1.1",
        achievements="Thành tích",
        photo=("anh.png", _png()),
        files=file_store(),
    )
    db.session.commit()
    return {
        "slug": "son-la-2019",
        "entry": entry.id,
        "round": world["rounds"]["MCH-CSO"].id,
        "profile": profile.id,
        "staff": world["users"]["judge"].id,
        "job": _failed_mail_job().id,
    }


def _failed_mail_job():
    """A job to retry (the retry is refused to everyone but the province)."""
    from contest.platform import jobs
    from contest.platform.mail import MAIL
    from contest.platform.models import JobState

    job = jobs.enqueue(db.session, MAIL, {"to": "a@example.com", "subject": "s", "body": "b"})
    job.state, job.last_error = JobState.FAILED, "SMTP down"
    db.session.commit()
    return job


def login_as(client, world, role):
    if role == "anonymous":
        return
    user = _unit_juror(world) if role == "unit_juror" else world["users"][USER_OF_ROLE[role]]
    assert login(client, user).status_code == 302


def _unit_juror(world):
    """A judge account created by the district's organiser for its own jury."""
    round_, organiser = world["rounds"]["MCH"], world["users"]["organiser_d1"]
    units.switch_on(db.session, round_, organiser)
    juror = units.add_juror(
        db.session,
        round_,
        organiser,
        full_name="Giám khảo huyện",
        email="gkh@mocchau.gov.vn",
        phone=None,
        password=PASSWORD,
    )
    db.session.commit()
    return juror


@pytest.mark.parametrize("role", ROLES)
def test_get_matrix(client, world, objects, role):
    login_as(client, world, role)
    for template, expected in GET_MATRIX.items():
        url = template.format(**objects)
        want = expected.get(role, LOGIN)
        response = client.get(url)
        got = response.status_code
        response.close()  # a file sent whole (a photo) stays open until then
        assert got == want, f"{role} GET {url}: {got}, expected {want}"


@pytest.mark.parametrize("role", ROLES)
def test_post_matrix_denies_and_changes_nothing(client, world, objects, role):
    login_as(client, world, role)
    token = csrf_token(client.get("/").get_data(as_text=True))
    before = db.session.scalar(select(func.count(AuditEvent.id)))
    for template in POST_ROUTES:
        allowed_roles = POST_ALLOWED.get(template, ROUND_ROLES)
        if role in allowed_roles:
            continue
        url = template.format(**objects)
        got = client.post(
            url, data={"csrf_token": token, "marked": "1", "reason": "x", "title": "x"}
        ).status_code
        want = LOGIN if role == "anonymous" else POST_DENIED.get(template, DENIED)
        assert got == want, f"{role} POST {url}: {got}, expected {want}"
    db.session.expire_all()
    assert db.session.scalar(select(func.count(AuditEvent.id))) == before


def test_every_post_needs_its_csrf_token(app, client, world, objects):
    login_as(client, world, "province")
    posts = [r for r in app.url_map.iter_rules() if "POST" in r.methods]
    assert len(posts) >= len(POST_ROUTES)
    before = db.session.scalar(select(func.count(AuditEvent.id)))
    values = {
        "slug": objects["slug"],
        "entry_id": objects["entry"],
        "round_id": objects["round"],
        "profile_id": objects["profile"],
        "code": "vi",
        "kind": "e",
    }
    adapter = app.url_map.bind("localhost")
    for rule in posts:
        arguments = {name: values.get(name, 1) for name in rule.arguments}
        for name, converter in rule._converters.items():
            if hasattr(converter, "items"):  # an any(...) segment: take its first choice
                arguments[name] = sorted(converter.items)[0]
        url = adapter.build(rule.endpoint, arguments, method="POST")
        response = client.post(url, data={"marked": "1", "reason": "x"})
        assert response.status_code == 400, f"POST {url} without a token: {response.status_code}"
    assert db.session.scalar(select(func.count(AuditEvent.id))) == before


def test_the_matrix_covers_every_route_of_the_core(app, objects):
    """A new page of the core must be added to the matrix above."""
    urls = {
        "GET": [t.format(**objects) for t in GET_MATRIX],
        "POST": [t.format(**objects) for t in POST_ROUTES],
    }
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in ("contest", "auth") or rule.endpoint == "static":
            continue
        pattern = re.compile("^" + re.sub(r"<[^>]+>", "[^/]+", rule.rule) + "$")
        for method in ("GET", "POST"):
            if method in rule.methods and not any(pattern.match(u) for u in urls[method]):
                missing.append(f"{method} {rule.rule}")
    # Open to everyone, or to every account for its own password (tested in test_passwords).
    assert sorted(missing) == [
        "POST /account/password",
        "POST /account/unit",
        "POST /lang/<code>",
        "POST /login",
        "POST /logout",
        "POST /password/<any('password-reset', 'invitation'):purpose>",
        "POST /password/forgot",
        "POST /register",
    ]
