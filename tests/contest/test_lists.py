"""The province's long lists through the test client: the dashboard's entries and units,
the audit log — paging, each filter, search, sorting, and query strings out of bounds."""

from __future__ import annotations

import re

import pytest

from contest.models import EntryState
from contest.platform.db import db, utcnow
from contest.platform.i18n import local_day
from contest.services import lists
from contest.services.forwarding import forward_round
from tests.plugins.factories import NOW, entrant
from tests.plugins.web import login

DASHBOARD = "/c/son-la-2019/dashboard"
AUDIT = "/c/son-la-2019/audit"
CRAFTED = ("abc", "-1", "0", "1e9", "%00", "２", "")


def _rows(page: str, table: str) -> list[str]:
    body = page.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>", 1)[1], re.S)


def _titles(page: str) -> list[str]:
    found = (
        re.search(r'<a href="/entries/\d+">([^<]+)</a>', row) for row in _rows(page, "entry-list")
    )
    return [match.group(1) for match in found if match]


@pytest.fixture
def five(world, make_entry):
    """Five entries: three by Quàng Văn Hặc (Xã Chiềng Sơn, under Mộc Châu), two by
    Cầm Thị Xuân (Yên Châu); one still a draft, one about a collective (1.1)."""
    users = world["users"]
    other = entrant(world, "c@example.com", "MCH-CSO", "Lò Thị Ánh")
    made = [
        make_entry(users["entrant_a"], title="Người giữ rừng bản Mòng"),
        make_entry(users["entrant_a"], title="Bông hoa ban"),
        make_entry(users["entrant_b"], title="Đường lên bản", submit=False),
        make_entry(users["entrant_b"], title="Cô giáo vùng cao"),
        make_entry(other, title="Ánh sáng"),
    ]
    made[4].subject_category = "1.1"
    db.session.commit()
    login_as = users["province"]
    return made, login_as


def test_entries_are_paged_with_the_current_page_marked(client, five, monkeypatch):
    monkeypatch.setattr(lists, "ENTRY_PAGE_SIZE", 2)
    login(client, five[1])
    first = client.get(DASHBOARD).get_data(as_text=True)
    assert len(_rows(first, "entry-list")) == 2
    assert 'aria-current="page">1</a>' in first and "?page=2" in first and "?page=3" in first
    last = client.get(f"{DASHBOARD}?page=3").get_data(as_text=True)
    assert _titles(last) == ["Ánh sáng"] and 'aria-current="page">3</a>' in last
    # A page past the end shows the last one; anything that is not a page number, the first.
    for beyond in ("4", "4000000", "9" * 5000):
        assert _titles(client.get(f"{DASHBOARD}?page={beyond}").get_data(as_text=True)) == [
            "Ánh sáng"
        ]
    for crafted in CRAFTED:
        response = client.get(f"{DASHBOARD}?page={crafted}")
        assert response.status_code == 200, crafted
        assert len(_rows(response.get_data(as_text=True), "entry-list")) == 2


def test_search_by_title_author_and_unit_ignores_accents_and_case(client, five):
    login(client, five[1])

    def found(q: str) -> list[str]:
        return sorted(_titles(client.get(DASHBOARD, query_string={"q": q}).get_data(as_text=True)))

    assert found("nguoi giu RUNG") == ["Người giữ rừng bản Mòng"]
    assert found("Cầm Thị") == ["Cô giáo vùng cao", "Đường lên bản"]
    assert found("yen chau") == ["Cô giáo vùng cao", "Đường lên bản"]
    assert found("ánh") == ["Ánh sáng"]  # the title, and the author Lò Thị Ánh
    assert found("100%_") == [] and found("x" * 5000) == []
    page = client.get(DASHBOARD, query_string={"q": "không có gì"}).get_data(as_text=True)
    assert "Không có bài nào khớp." in page


def test_filters_by_state_unit_and_category(client, five, world):
    login(client, five[1])

    def found(**args) -> list[str]:
        return sorted(_titles(client.get(DASHBOARD, query_string=args).get_data(as_text=True)))

    assert found(state="draft") == ["Đường lên bản"]
    assert len(found(state="submitted")) == 4
    assert len(found(state="no-such-state")) == 5  # unknown: ignored
    # A district takes in its communes' entries.
    district = world["units"]["MCH"].id
    assert found(unit=district) == ["Bông hoa ban", "Người giữ rừng bản Mòng", "Ánh sáng"]
    assert found(unit=world["units"]["YCH"].id) == ["Cô giáo vùng cao", "Đường lên bản"]
    assert len(found(unit="99999999999999999999999")) == 5
    assert found(category="1.1") == ["Ánh sáng"]
    assert found(category="1.1", unit=world["units"]["YCH"].id) == []
    assert len(found(category="9.9")) == 5
    # The filters stay chosen in the form, and page links keep them.
    page = client.get(DASHBOARD, query_string={"state": "draft"}).get_data(as_text=True)
    assert '<option value="draft" selected>' in page
    assert '<label for="f-state">' in page and '<label for="f-q">' in page


def test_sorting_by_columns_and_unknown_keys_ignored(client, five):
    login(client, five[1])

    def order(sort: str) -> list[str]:
        return _titles(client.get(DASHBOARD, query_string={"sort": sort}).get_data(as_text=True))

    by_id = order("id")
    assert by_id == [e.title for e in five[0]]
    assert order("title") == [
        "Ánh sáng",
        "Bông hoa ban",
        "Cô giáo vùng cao",
        "Đường lên bản",
        "Người giữ rừng bản Mòng",
    ]
    assert order("-title") == list(reversed(order("title")))
    # Cầm Thị Xuân, Lò Thị Ánh, Quàng Văn Hặc.
    by_author = order("author")
    assert set(by_author[:2]) == {"Cô giáo vùng cao", "Đường lên bản"}
    assert by_author[2] == "Ánh sáng"
    assert order("password_hash") == by_id and order("-") == by_id
    page = client.get(DASHBOARD, query_string={"sort": "title"}).get_data(as_text=True)
    assert 'aria-sort="ascending"' in page and "sort=-title" in page


def test_units_without_entries_are_listed_with_their_round(client, five, world):
    forward_round(db.session, world["rounds"]["YCH"], None, NOW, entry_ids=[five[0][3].id])
    db.session.commit()
    login(client, five[1])
    page = client.get(DASHBOARD).get_data(as_text=True)
    units = page.split('id="unit-list"', 1)[1].split("</table>", 1)[0]
    assert "Sở Giáo dục và Đào tạo" in units and "chưa có bài" in units
    for code in ("SL", "MCH", "YCH", "MCH-CSO", "SGD"):
        assert f'href="/rounds/{world["rounds"][code].id}"' in units, code
    assert '<strong id="at-province">1</strong>' in page


def test_audit_log_filters_by_person_action_and_days(client, five):
    login(client, five[1])

    def sentences(**args) -> list[str]:
        page = client.get(AUDIT, query_string=args)
        assert page.status_code == 200
        return _rows(page.get_data(as_text=True), "audit-list")

    everything = sentences()
    assert len(everything) >= 5
    by_b = sentences(who="cam thi xuan")
    assert by_b and all("Cầm Thị Xuân" in row for row in by_b)
    assert sentences(who="b@example.com") == by_b
    submitted = sentences(action="submitted")
    assert len(submitted) == 4 and all("đã nộp bài" in row for row in submitted)
    assert sentences(action="submitted", who="Ánh") == [r for r in submitted if "Ánh sáng" in r]
    assert len(sentences(action="no-such-action")) == len(everything)
    day = local_day(utcnow())  # the events were recorded now, on the province's calendar
    assert sentences(since=str(day), until=str(day)) == everything
    assert len(sentences(since="2999-01-01")) == 1  # the "nothing found" row
    assert sentences(until="2000-01-01")[0].count("Không có thay đổi nào khớp.") == 1
    for crafted in ("2019-02-30", "yesterday", "9" * 40):
        assert sentences(since=crafted, until=crafted) == everything
    page = client.get(AUDIT).get_data(as_text=True)
    assert '<label for="f-who">' in page and '<label for="f-action">' in page
    assert '<option value="submitted">' in page


def test_audit_log_is_paged(client, five, monkeypatch):
    monkeypatch.setattr(lists, "AUDIT_PAGE_SIZE", 2)
    login(client, five[1])
    first = client.get(f"{AUDIT}?action=submitted").get_data(as_text=True)
    assert len(_rows(first, "audit-list")) == 2
    assert 'aria-current="page">1</a>' in first and "action=submitted" in first.split("pager")[1]
    second = client.get(f"{AUDIT}?action=submitted&page=2").get_data(as_text=True)
    assert set(_rows(second, "audit-list")).isdisjoint(_rows(first, "audit-list"))
    for crafted in (*CRAFTED, "9" * 5000):
        assert client.get(f"{AUDIT}?page={crafted}").status_code == 200


def test_states_offered_are_the_entry_states(client, five):
    login(client, five[1])
    page = client.get(DASHBOARD).get_data(as_text=True)
    for state in EntryState:
        assert f'<option value="{state.value}"' in page
