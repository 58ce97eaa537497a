"""Logging out ends the session for every copy of its cookie; every response carries the
browser security headers, the essays' pictures their own stricter policy."""

from __future__ import annotations

from contest.platform.headers import CONTENT_SECURITY_POLICY
from tests.plugins.web import csrf_token, login


def test_a_cookie_saved_before_logout_opens_nothing_afterwards(client, world):
    login(client, world["users"]["province"])
    dashboard = "/c/son-la-2019/dashboard"
    assert client.get(dashboard).status_code == 200
    saved = client.get_cookie("session").value
    page = client.get("/").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(page)})
    client.set_cookie("session", saved)  # the attacker's copy, taken before the logout
    replayed = client.get(dashboard)
    assert replayed.status_code == 302 and "/login" in replayed.headers["Location"]
    # Logging in again works, with a new session.
    login(client, world["users"]["province"])
    assert client.get(dashboard).status_code == 200


def test_a_session_cookie_of_the_old_form_is_refused(client, world, app):
    """A cookie naming only the user id (as before the session version existed)."""
    with client.session_transaction() as session:
        session["_user_id"] = str(world["users"]["province"].id)
        session["_fresh"] = True
    assert client.get("/c/son-la-2019/dashboard").status_code == 302


def test_every_response_carries_the_security_headers(client, world):
    for url in ("/", "/login", "/static/app.js", "/no-such-page"):
        response = client.get(url)
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, url
        assert "script-src 'self'" in CONTENT_SECURITY_POLICY
        assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "same-origin"
        response.close()
