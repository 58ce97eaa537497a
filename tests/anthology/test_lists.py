"""The book's contents: move an item to a typed position, one part at a time in pages,
searched by title, author, unit or name."""

from __future__ import annotations

import re

from anthology.services import contents
from anthology.views import book as views
from contest.platform.db import db
from tests.plugins.web import csrf_token, login

BOOK = "/anthology/son-la-2019/"


def _essay_ids(page: str) -> list[int]:
    part = page.split('id="book-essays"', 1)[1].split("</table>", 1)[0]
    return [int(n) for n in re.findall(r'id="item-e(\d+)"', part)]


def _order(contest) -> list[int]:
    return [i.entry_id for i in contents.items(db.session, contest) if i.is_essay]


def test_an_essay_moves_to_the_position_typed(client, world, finalised):
    contest = finalised["contest"]
    login(client, world["users"]["province"])
    page = client.get(BOOK).get_data(as_text=True)
    before = _order(contest)
    assert _essay_ids(page) == before and len(before) >= 4
    last = before[-1]
    assert 'aria-label="Vị trí mới của' in page and 'name="position"' in page
    response = client.post(
        f"{BOOK}items/e/{last}/move", data={"csrf_token": csrf_token(page), "position": "2"}
    )
    assert response.status_code == 302 and response.location.endswith(f"#item-e{last}")
    assert _order(contest) == [before[0], last, *before[1:-1]]
    # Beyond the end means the end; 0 means the start; one step with ↑ still works.
    client.post(
        f"{BOOK}items/e/{last}/move", data={"csrf_token": csrf_token(page), "position": "999"}
    )
    assert _order(contest) == before
    client.post(
        f"{BOOK}items/e/{last}/move", data={"csrf_token": csrf_token(page), "position": "0"}
    )
    assert _order(contest)[0] == last
    client.post(
        f"{BOOK}items/e/{last}/move", data={"csrf_token": csrf_token(page), "direction": "down"}
    )
    assert _order(contest)[1] == last


def test_a_position_that_is_not_a_number_changes_nothing(client, world, finalised):
    contest = finalised["contest"]
    login(client, world["users"]["province"])
    page = client.get(BOOK).get_data(as_text=True)
    before = _order(contest)
    for crafted in ("", "abc", "-2", "1e3", "9" * 5000):
        response = client.post(
            f"{BOOK}items/e/{before[0]}/move",
            data={"csrf_token": csrf_token(page), "position": crafted},
            follow_redirects=True,
        )
        assert response.status_code == 200, crafted
        assert _order(contest) == before, crafted
    assert "Hãy gõ vị trí bằng một số" in response.get_data(as_text=True)


def test_the_parts_are_paged_and_a_moved_item_is_shown_where_it_lands(
    client, world, finalised, monkeypatch
):
    monkeypatch.setattr(views, "BOOK_PAGE_SIZE", 2)
    contest = finalised["contest"]
    login(client, world["users"]["province"])
    order = _order(contest)
    first = client.get(BOOK).get_data(as_text=True)
    assert _essay_ids(first) == order[:2]
    assert 'aria-current="page">1</a>' in first and "epage=2" in first
    second = client.get(f"{BOOK}?epage=2").get_data(as_text=True)
    assert _essay_ids(second) == order[2:4]
    assert client.get(f"{BOOK}?epage=zz&ppage=99999999999").status_code == 200
    response = client.post(
        f"{BOOK}items/e/{order[0]}/move", data={"csrf_token": csrf_token(first), "position": "4"}
    )
    assert "epage=2" in response.location


def test_the_book_is_searched_by_title_author_or_name(client, world, finalised):
    login(client, world["users"]["province"])
    rich = finalised["rich"]
    page = client.get(BOOK, query_string={"q": "dieu thi xuan"}).get_data(as_text=True)
    assert _essay_ids(page) == [rich.id]
    page = client.get(BOOK, query_string={"q": "nguoi giu rung"}).get_data(as_text=True)
    assert _essay_ids(page) == [rich.id]
    page = client.get(BOOK, query_string={"q": "chè Shan tuyết"}).get_data(as_text=True)
    assert _essay_ids(page) == [] and "Hợp tác xã chè Shan tuyết Tà Xùa" in page
