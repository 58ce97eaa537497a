"""Screens for hundreds of entries: every list page reads one page in SQL (the number of
queries does not grow with the entries), and with 600 entries each stays under 200 KB."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from contest.cli import demo_stage_handlers
from contest.db import db, utcnow
from contest.demo import DEMO_PASSWORD, STAGES, load_demo
from contest.models import Entry
from contest.uow import unit_of_work
from judging.models import PanelMember
from tests.conftest import copy_schema, login, make_app

PAGES = (
    "/c/son-la-2019/dashboard",
    "/c/son-la-2019/dashboard?page=2&sort=-title",
    "/c/son-la-2019/dashboard?q=nguyen&state=forwarded",
    "/c/son-la-2019/audit",
    "/c/son-la-2019/audit?page=3&action=submitted",
    "/judging/son-la-2019/",
    "/judging/son-la-2019/?page=2&sort=-score",
    "/judging/son-la-2019/results",
    "/judging/son-la-2019/results?page=2&sort=code",
    "/anthology/son-la-2019/",
    "/rounds/{round}",
)

MAX_BYTES = 200 * 1024


def _demo_app(folder, migrated_database, entries: int):
    """The demo with `entries` essays, judged, awarded and finalised, its book set up."""
    copy_schema(migrated_database, folder)
    app = make_app(folder)
    with app.app_context():
        with unit_of_work() as uow:
            contest, _accounts = load_demo(
                uow.session, seed=5, entries=entries, now=utcnow(), through="awarded"
            )
        handlers = demo_stage_handlers(app)
        for stage in STAGES:
            if stage in handlers:
                with unit_of_work() as uow:
                    handlers[stage](contest, 5)
                    if stage == "forwarded":
                        # The demo's jury is sized for 80 entries; give it room for 600.
                        for member in uow.session.scalars(select(PanelMember)):
                            member.max_load = 1000
        db.session.remove()
    return app


def _measure(app) -> dict[str, tuple[int, int, int]]:
    """Each page: (status, bytes, SQL statements run to answer it)."""
    statements = [0]

    def count(*_args) -> None:
        statements[0] += 1

    out = {}
    with app.app_context():
        # The unit round with the most entries.
        busiest = db.session.scalars(
            select(Entry.round_id).group_by(Entry.round_id).order_by(func.count().desc())
        ).first()
        db.session.remove()
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            client = app.test_client()
            login(client, "btc@sonla.gov.vn", DEMO_PASSWORD)
            for url in PAGES:
                statements[0] = 0
                response = client.get(url.format(round=busiest))
                out[url] = (response.status_code, len(response.data), statements[0])
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        db.session.remove()
        db.engine.dispose()
    return out


@pytest.fixture(scope="module")
def measured(tmp_path_factory, migrated_database):
    return {
        n: _measure(_demo_app(tmp_path_factory.mktemp(f"demo{n}"), migrated_database, n))
        for n in (30, 120)
    }


def test_queries_per_page_do_not_grow_with_the_entries(measured):
    small, large = measured[30], measured[120]
    for url in PAGES:
        assert small[url][0] == large[url][0] == 200, url
        assert large[url][2] <= small[url][2], (url, small[url][2], large[url][2])


def test_every_list_page_stays_small_with_600_entries(tmp_path, migrated_database):
    pages = _measure(_demo_app(tmp_path, migrated_database, 600))
    too_big = {url: size for url, (status, size, _n) in pages.items() if size > MAX_BYTES}
    assert all(status == 200 for status, _size, _n in pages.values()), pages
    assert too_big == {}
    print({url: (size, n) for url, (_status, size, n) in pages.items()})
