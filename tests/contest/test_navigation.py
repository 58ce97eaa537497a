"""Every role's header leads to its work on the newest contest, the current page marked."""

from __future__ import annotations

import re

import pytest

from tests.plugins.web import login

EXPECTED = {
    "entrant_a": ["Bài dự thi của tôi"],
    "organiser_d1": ["Vòng thi của đơn vị"],
    "province": [
        "Bảng điều khiển",
        "Thể lệ và các vòng",
        "Chấm thi",
        "Kết quả",
        "Nhật ký",
        "Đơn vị",
        "Tài khoản",
        "Việc chạy nền",
    ],
    "judge": [],  # no stage yet: nothing to score
}


def _nav(page: str) -> list[str]:
    nav = page.split("<nav", 1)[1].split("</nav>", 1)[0]
    return re.findall(r'<a href="[^"]+"(?: aria-current="page")?>([^<]+)</a>', nav)


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_sees_its_places(client, world, role):
    login(client, world["users"][role])
    links = _nav(client.get("/").get_data(as_text=True))
    assert links[: len(EXPECTED[role])] == EXPECTED[role]


def test_the_current_page_is_marked_and_every_link_opens(client, world):
    login(client, world["users"]["province"])
    page = client.get("/c/son-la-2019/dashboard").get_data(as_text=True)
    assert 'href="/c/son-la-2019/dashboard" aria-current="page">Bảng điều khiển' in page
    nav = page.split("<nav", 1)[1].split("</nav>", 1)[0]
    for url in re.findall(r'<a href="(/[^"]*)"', nav):
        assert client.get(url).status_code == 200, url


def test_visitors_see_only_log_in_and_sign_up(client, world):
    assert _nav(client.get("/").get_data(as_text=True)) == ["Đăng nhập", "Đăng ký dự thi"]
