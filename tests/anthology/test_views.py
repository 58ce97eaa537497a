"""The anthology's pages: access for every role, the build with its progress, downloads."""

from __future__ import annotations

import pytest

from anthology import services
from contest.db import db
from tests.conftest import csrf_token, login

ROLES = ["anonymous", "entrant_a", "organiser_c1", "judge", "head_judge", "province"]
URLS = [
    "/anthology/son-la-2019/",
    "/anthology/son-la-2019/certificates.docx",
    "/anthology/son-la-2019/items/e/1/edit",
    "/anthology/son-la-2019/builds/1/status",
    "/anthology/son-la-2019/builds/1/docx",
]
POSTS = [
    "/anthology/son-la-2019/items/add",
    "/anthology/son-la-2019/settings",
    "/anthology/son-la-2019/cover",
    "/anthology/son-la-2019/certificate-template",
    "/anthology/son-la-2019/items/e/1/move",
    "/anthology/son-la-2019/items/e/1/include",
    "/anthology/son-la-2019/build",
    "/anthology/son-la-2019/items/e/1/edit",
]


@pytest.mark.parametrize("role", ROLES)
def test_only_the_province_reaches_the_anthology(client, world, finalised, role):
    if role != "anonymous":
        login(client, world["users"][role])
    token = csrf_token(client.get("/").get_data(as_text=True))
    for url in URLS:
        response = client.get(url)
        response.close()
        if role == "province":
            assert response.status_code in (200, 404), url  # build 1 does not exist yet
        else:
            assert response.status_code == (302 if role == "anonymous" else 404), (role, url)
    if role != "province":
        for url in POSTS:
            got = client.post(url, data={"csrf_token": token}).status_code
            assert got == (302 if role == "anonymous" else 404), (role, url)
        assert services.builds(db.session, finalised["contest"]) == []


def test_organiser_builds_and_downloads(app, client, world, finalised):
    app.config["ANTHOLOGY_BUILD_INLINE"] = True
    login(client, world["users"]["province"])
    page = client.get("/anthology/son-la-2019/").get_data(as_text=True)
    assert "Phần I. Những bài viết đoạt giải" in page and "Người giữ rừng bản Mòng" in page
    response = client.post(
        "/anthology/son-la-2019/build", data={"csrf_token": csrf_token(page)}, follow_redirects=True
    )
    page = response.get_data(as_text=True)
    build = services.last_good_build(db.session, finalised["contest"])
    assert build is not None and f"/builds/{build.id}/docx" in page
    status = client.get(f"/anthology/son-la-2019/builds/{build.id}/status").get_json()
    assert status == {"state": "done", "step": "Hoàn tất", "percent": 100, "error": ""}
    for fmt, magic in (("docx", b"PK"), ("epub", b"PK")):
        response = client.get(f"/anthology/son-la-2019/builds/{build.id}/{fmt}")
        assert response.status_code == 200 and response.data[:2] == magic
        assert f"son-la-2019.{fmt}" in response.headers["Content-Disposition"]
        response.close()


def test_settings_are_validated_and_saved(client, world, finalised):
    login(client, world["users"]["province"])
    page = client.get("/anthology/son-la-2019/").get_data(as_text=True)
    data = {
        "csrf_token": csrf_token(page),
        "title": "",
        "subtitle": "",
        "publisher": "Hội đồng",
        "year": "2020",
        "rights": "",
        "foreword": "Lời giới thiệu.",
        "page_size": "A5",
        "margin_mm": "18",
    }
    client.post("/anthology/son-la-2019/settings", data=data)
    assert services.settings_for(db.session, finalised["contest"]).id is None
    client.post("/anthology/son-la-2019/settings", data={**data, "title": "Những bông hoa đẹp"})
    settings = services.settings_for(db.session, finalised["contest"])
    assert (settings.title, settings.page_size, settings.margin_mm) == (
        "Những bông hoa đẹp",
        "A5",
        18,
    )


def test_a_bad_certificate_template_is_refused(client, world, finalised):
    import io

    login(client, world["users"]["province"])
    page = client.get("/anthology/son-la-2019/").get_data(as_text=True)
    response = client.post(
        "/anthology/son-la-2019/certificate-template",
        data={"csrf_token": csrf_token(page), "file": (io.BytesIO(b"not a docx"), "mau.docx")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Mẫu giấy chứng nhận phải là tệp .docx hợp lệ." in response.get_data(as_text=True)
