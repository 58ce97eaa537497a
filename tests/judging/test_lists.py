"""The organisers' judging lists through the test client: the stage's entries on the
overview and the results table — paging, filters, search by code, sorting, bounds — and
no title, author or unit next to a code (nor searchable) before the results are final."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from contest.platform.db import db
from judging.models import Assignment, BlindCopy
from judging.services import lists, scoring
from judging.services.lifecycle import finalise
from tests.plugins.factories import NOW
from tests.plugins.panels import marks_for, open_for_judging
from tests.plugins.web import login

OVERVIEW = "/judging/son-la-2019/"
RESULTS = "/judging/son-la-2019/results"


def _codes(page: str, table: str) -> list[str]:
    body = page.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<td class="code">(?:<a [^>]*>)?([^<]+)(?:</a>)?</td>', body)


@pytest.fixture
def scored(world, panel):
    """The panel's six entries open for judging; the first four scored (0.9 … 0.6)."""
    open_for_judging(panel, world["users"]["province"])
    for entry, share in zip(panel["entries"][:4], (0.9, 0.8, 0.7, 0.6), strict=True):
        for assign_ in db.session.scalars(
            select(Assignment).where(Assignment.entry_id == entry.id, Assignment.is_active)
        ):
            scoring.save_score(
                db.session, assign_, marks_for(panel["stage"], share), "", submit=True, now=NOW
            )
    db.session.commit()
    codes = {
        c.entry_id: c.code for c in db.session.scalars(select(BlindCopy).order_by(BlindCopy.code))
    }
    return {**panel, "codes": [codes[e.id] for e in panel["entries"]]}


def test_overview_lists_the_stage_by_code_paged(client, world, scored, monkeypatch):
    monkeypatch.setattr(lists, "PAGE_SIZE", 4)
    login(client, world["users"]["province"])
    first = client.get(OVERVIEW).get_data(as_text=True)
    second = client.get(f"{OVERVIEW}?page=2").get_data(as_text=True)
    listed = _codes(first, "stage-entries") + _codes(second, "stage-entries")
    assert listed == sorted(scored["codes"])
    assert 'aria-current="page">2</a>' in second
    for crafted in ("x", "-3", "10000000000000000000000000"):
        assert client.get(f"{OVERVIEW}?page={crafted}").status_code == 200
    assert "Bài chưa có điểm chính thức: 2 / 6." in first


def test_overview_filters_searches_and_sorts(client, world, scored):
    login(client, world["users"]["province"])

    def codes(**args) -> list[str]:
        page = client.get(OVERVIEW, query_string=args)
        assert page.status_code == 200
        return _codes(page.get_data(as_text=True), "stage-entries")

    all_codes = scored["codes"]
    assert codes(q=all_codes[2].lower()) == [all_codes[2]]
    assert sorted(codes(state="pending")) == sorted(all_codes[4:])
    assert sorted(codes(state="agreed")) == sorted(all_codes[:4])
    assert sorted(codes(state="nonsense")) == sorted(all_codes)
    assert codes(category="2.4") and codes(category="1.1") == []
    assert codes(sort="-score")[:4] == all_codes[:4]
    assert codes(sort="score")[-4:] == list(reversed(all_codes[:4]))
    assert codes(sort="drop table") == sorted(all_codes)


def test_no_name_next_to_a_code_before_the_results_are_final(client, world, scored):
    login(client, world["users"]["province"])
    entry = scored["entries"][0]
    author = entry.author.full_name
    for args in ({}, {"q": author}, {"q": entry.title}, {"sort": "author"}, {"sort": "title"}):
        for url in (OVERVIEW, RESULTS):
            page = client.get(url, query_string=args).get_data(as_text=True)
            shown = page.split("</form>")[-1]  # all but what was typed into the search box
            assert author not in shown and entry.title not in shown, (url, args)
            assert "Huyện Mộc Châu" not in shown, (url, args)
    # A search by name finds nothing rather than the author's codes.
    assert (
        _codes(
            client.get(OVERVIEW, query_string={"q": author}).get_data(as_text=True), "stage-entries"
        )
        == []
    )


def test_results_are_filtered_searched_sorted_and_paged(client, world, scored, monkeypatch):
    login(client, world["users"]["province"])
    all_codes = scored["codes"]

    def codes(**args) -> list[str]:
        page = client.get(RESULTS, query_string=args)
        assert page.status_code == 200
        return _codes(page.get_data(as_text=True), "results")

    assert codes() == all_codes[:4]  # by rank
    assert codes(sort="-rank") == list(reversed(all_codes[:4]))
    assert codes(sort="code") == sorted(all_codes[:4])
    assert codes(q=all_codes[1]) == [all_codes[1]]
    page = client.get(RESULTS).get_data(as_text=True)
    first_prize = re.search(r'<option value="(\d+)">Giải Nhất</option>', page).group(1)
    assert codes(prize=first_prize) == [all_codes[0]]
    assert codes(prize="999") == all_codes[:4]
    assert codes(category="1.1") == []
    monkeypatch.setattr(lists, "PAGE_SIZE", 3)
    assert codes(page="2") == [all_codes[3]]
    assert codes(page="99999999999999999999999") == [all_codes[3]]


def test_after_finalisation_names_are_shown_and_searchable(client, world, scored):
    for entry, share in zip(scored["entries"][4:], (0.5, 0.4), strict=True):
        for assign_ in db.session.scalars(
            select(Assignment).where(Assignment.entry_id == entry.id, Assignment.is_active)
        ):
            scoring.save_score(
                db.session, assign_, marks_for(scored["stage"], share), "", submit=True, now=NOW
            )
    finalise(db.session, scored["contest"], world["users"]["province"], NOW)
    db.session.commit()
    login(client, world["users"]["province"])
    for url, table in ((OVERVIEW, "stage-entries"), (RESULTS, "results")):
        page = client.get(url, query_string={"q": "cam thi xuan"}).get_data(as_text=True)
        assert sorted(_codes(page, table)) == sorted(scored["codes"][1:4:2]), url
        assert "Cầm Thị Xuân" in page
        titled = client.get(url, query_string={"q": "Bài viết 0"}).get_data(as_text=True)
        assert _codes(titled, table) == [scored["codes"][0]]
