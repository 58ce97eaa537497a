"""Screens for hundreds of entries: every list page reads one page in SQL (the number of
queries does not grow with the entries), a round page shows one page of its entries (its size
does not grow either), and with 600 entries each stays under 200 KB.

One small and one large demo serve all three: 30 and 600 entries on SQLite; on PostgreSQL,
whose pass leaves out the page sizes (render_once), 30 and 120."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from contest.cli import run_package_stages
from contest.demo import DEMO_PASSWORD, STAGES, load_demo
from contest.models import Entry, Round
from contest.platform.db import db, utcnow
from contest.platform.storage import file_store
from contest.platform.uow import unit_of_work
from contest.services import forwarding
from tests.plugins.apps import ON_POSTGRESQL, copy_schema, make_app
from tests.plugins.web import login

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
    "/rounds/{unit_round}",
    "/rounds/{unit_round}?dpage=2",
)
# A judge's own queue (the province board is no judge: it answers 404 there).
JUDGE = "giamkhao1@sonla.gov.vn"
JUDGE_PAGES = ("/judging/son-la-2019/queue",)
ROUND_PAGES = ("/rounds/{round}", "/rounds/{unit_round}")
# Rows a round page lists at once in the measured demos: fewer than the smaller demo's rounds
# hold, so that both show a full page.
SMALL_ROUND_PAGE = 2

MAX_BYTES = 200 * 1024
SMALL, LARGE = 30, 120 if ON_POSTGRESQL else 600
# The busiest unit round of all (in the large demo, a district's with communes' rounds below
# it, and more sections): its size is measured, not compared with the small demo's.
SIZE_PAGES = (*PAGES, "/rounds/{busiest_unit_round}")

pytestmark = pytest.mark.first


def _demo_app(folder, migrated_database, entries: int):
    """The demo with `entries` essays, judged, awarded and finalised, its book set up."""
    copy_schema(migrated_database, folder)
    app = make_app(folder)
    with app.app_context():
        with unit_of_work() as uow:
            contest, _accounts = load_demo(
                uow.session, file_store(), seed=5, entries=entries, now=utcnow(), through="awarded"
            )
        # The jury's loads grow with the entries sent up (judging.demo.make_room).
        run_package_stages(contest, 5, STAGES[-1], file_store())
        db.session.remove()
    return app


def _measure(app, count_queries, pages=PAGES) -> dict[str, tuple[int, int, int, str]]:
    """Each page: (status, bytes, SQL statements run to answer it, its HTML)."""
    out = {}
    with app.app_context():
        # The round holding the most entries (the province's, with every entry sent up); the
        # busiest unit round with no round below its own, compared between the demos (a
        # district's round with communes' rounds under it has more sections, so the large
        # demo's busiest unit round would not be the small one's page); and that busiest
        # unit round, whose size alone is measured (SIZE_PAGES).
        busiest = (
            select(Entry.round_id)
            .join(Round, Round.id == Entry.round_id)
            .group_by(Entry.round_id)
            .order_by(func.count().desc(), Entry.round_id)
        )
        below = select(Round.parent_id).where(Round.parent_id.is_not(None))
        unit_rounds = busiest.where(Round.parent_id.is_not(None))
        rounds = {
            "round": db.session.scalars(busiest).first(),
            "unit_round": db.session.scalars(unit_rounds.where(Round.id.not_in(below))).first(),
            "busiest_unit_round": db.session.scalars(unit_rounds).first(),
        }
        engine = db.engine
        db.session.remove()
    # Requests run outside that context: inside it they would share one (Flask reuses a pushed
    # app context), with its session and its cached current user — queries left uncounted, and
    # the judge's page asked as the board (a 404: the board is no judge).
    try:
        for who, urls in (("btc@sonla.gov.vn", pages), (JUDGE, JUDGE_PAGES)):
            client = app.test_client()
            login(client, who, DEMO_PASSWORD)
            for url in urls:
                with count_queries(engine) as statements:
                    response = client.get(url.format(**rounds))
                html = response.get_data(as_text=True)
                out[url] = (response.status_code, len(response.data), len(statements), html)
    finally:
        engine.dispose()
    return out


def _round_rows(html: str) -> tuple[int, int]:
    """(entries waiting, entries decided) listed on a round page."""
    decided = html.partition('id="decided"')[2].split("</ul>", 1)[0]
    return html.count('<tr id="entry-'), decided.count("<li>")


@pytest.fixture(scope="module")
def demos(tmp_path_factory, migrated_database):
    return {
        n: _demo_app(tmp_path_factory.mktemp(f"demo{n}"), migrated_database, n)
        for n in (SMALL, LARGE)
    }


@pytest.fixture(scope="module")
def measured(demos, count_queries):
    """Each demo's pages with rounds listing a few rows at once."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(forwarding, "ROUND_PAGE_SIZE", SMALL_ROUND_PAGE)
        return {n: _measure(app, count_queries) for n, app in demos.items()}


def test_queries_per_page_do_not_grow_with_the_entries(measured):
    small, large = measured[SMALL], measured[LARGE]
    for url in (*PAGES, *JUDGE_PAGES):
        assert small[url][0] == large[url][0] == 200, url
        assert large[url][2] <= small[url][2], (url, small[url][2], large[url][2])
    print({url: (small[url][2], large[url][2]) for url in (*PAGES, *JUDGE_PAGES)})
    # The judge's queue is really theirs, and longer with more entries.
    assert (
        0
        < small["/judging/son-la-2019/queue"][3].count('class="code"')
        < large["/judging/son-la-2019/queue"][3].count('class="code"')
    )


def test_a_round_page_shows_one_page_of_its_entries(measured):
    """Many times the entries, the same page: at most a page of rows in each list, a pager
    to the rest, and no more bytes than the small demo's page (a longer title or a wider
    pager aside)."""
    small, large = measured[SMALL], measured[LARGE]
    for url in ROUND_PAGES:
        waiting, decided = _round_rows(large[url][3])
        assert waiting + decided > 0, url
        assert waiting <= SMALL_ROUND_PAGE and decided <= SMALL_ROUND_PAGE, (url, waiting, decided)
        assert 'class="pager"' in large[url][3], url
        assert large[url][1] <= small[url][1] + 2048, (url, small[url][1], large[url][1])
    second = large["/rounds/{unit_round}?dpage=2"][3]
    assert 0 < _round_rows(second)[1] <= SMALL_ROUND_PAGE
    assert (
        second.split('id="decided"')[1] != large["/rounds/{unit_round}"][3].split('id="decided"')[1]
    )


@pytest.mark.render_once
def test_every_list_page_stays_small_with_600_entries(demos, count_queries):
    assert LARGE == 600
    pages = _measure(demos[LARGE], count_queries, SIZE_PAGES)
    too_big = {url: size for url, (status, size, _n, _html) in pages.items() if size > MAX_BYTES}
    assert all(status == 200 for status, _size, _n, _html in pages.values()), pages
    assert too_big == {}
    print({url: (size, n) for url, (_status, size, n, _html) in pages.items()})
