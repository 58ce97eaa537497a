"""What a browser does before a form: log in, read the CSRF token of a page."""

from __future__ import annotations

import re

from tests.plugins.factories import PASSWORD


def login(client, who, password: str = PASSWORD):
    """Log in through the form, by a user object or an e-mail / phone."""
    name = getattr(who, "email", who)
    page = client.get("/login")
    return client.post(
        "/login",
        data={
            "login": name,
            "password": password,
            "csrf_token": csrf_token(page.get_data(as_text=True)),
        },
    )


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)
