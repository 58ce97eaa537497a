"""Every page each role can reach, crawled by following links: each answer carries the
security headers, and no page carries inline script (a `<script>` without `src`, an `on…=`
handler, a `javascript:` link), so the strict Content-Security-Policy breaks nothing."""

from __future__ import annotations

import re

import pytest

from contest.platform.headers import CONTENT_SECURITY_POLICY
from tests.judging.test_blindness import crawl
from tests.plugins.panels import open_for_judging
from tests.plugins.web import login

INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|javascript:", re.IGNORECASE
)


@pytest.mark.parametrize(
    "role", [None, "entrant_a", "organiser_d1", "province", "judge", "head_judge"]
)
def test_every_page_a_role_reaches_is_covered_by_the_headers(app, world, panel, make_entry, role):
    open_for_judging(panel, world["users"]["province"])
    client = app.test_client()
    if role:
        login(client, world["users"][role])
    pages = crawl(client, ["/"])
    assert len(pages) > (3 if role is None else 5), sorted(pages)
    for url, saved in pages.items():
        status, headers, body = saved.split("\n", 2)
        assert repr(CONTENT_SECURITY_POLICY) in headers or "sandbox" in headers, url
        assert "'X-Content-Type-Options': 'nosniff'" in headers, url
        if "text/html" in headers:
            assert not INLINE_SCRIPT.search(body), (url, INLINE_SCRIPT.search(body).group(0))
