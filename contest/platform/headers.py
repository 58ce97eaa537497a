"""Browser security headers on every response. Pages carry no inline script (a test checks the
templates), so the Content-Security-Policy allows scripts from this origin only; inline
`style` attributes (progress bars) are still allowed. A response that set its own policy (the
essays' pictures: `sandbox`) keeps it."""

from __future__ import annotations

import re

from flask import Flask, Response, abort, request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f]")
HSTS = "max-age=31536000; includeSubDomains"
# Stylesheets, scripts and icons: kept by browsers and proxies for an hour, then revalidated
# by their ETag (their URLs carry no version, so a new release shows within the hour).
STATIC_MAX_AGE_SECONDS = 3600


def init_app(app: Flask) -> None:
    """With HTTPS on (GUONGSANG_HTTPS=true, behind a TLS proxy), cookies travel only over
    HTTPS and browsers are told never to use plain HTTP for the site again. Behind
    PROXY_HOPS proxies, the client's address and scheme come from their X-Forwarded headers
    (never the host: links in mail use PUBLIC_URL)."""
    hops = int(app.config["PROXY_HOPS"])
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # never the host
    https = bool(app.config.get("HTTPS"))
    if https:
        app.config.update(
            SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True, PREFERRED_URL_SCHEME="https"
        )

    @app.before_request
    def refuse_control_characters() -> None:
        """No page's address holds a control character; a NUL byte would otherwise reach
        PostgreSQL, which refuses it with a server error, through any slug or code."""
        if CONTROL_CHARACTERS.search(request.path):
            abort(404)

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]:
            # A page made to be framed (the winners widget) names its framers in its own
            # policy; the older header cannot list them, so it gives way.
            del response.headers["X-Frame-Options"]
        if https:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        if request.endpoint == "static" and response.status_code in (200, 304):
            response.cache_control.public = True
            response.cache_control.max_age = STATIC_MAX_AGE_SECONDS
            response.cache_control.no_cache = None
        elif current_user.is_authenticated and not response.cache_control.max_age:
            # A signed-in page (an essay, a score sheet, a list of names) stays in no cache,
            # the browser's included: the next person at a shared office computer cannot
            # bring it back with the Back button after logout.
            response.cache_control.no_store = True
            response.cache_control.private = True
        return response
