"""The anthology's pages: access for every role, the build with its progress, downloads."""

from __future__ import annotations

import pytest

from anthology.services import builds, publication, settings
from contest.platform.db import db
from tests.plugins.books import last_good_build
from tests.plugins.factories import NOW
from tests.plugins.web import csrf_token, login

ROLES = ["anonymous", "entrant_a", "organiser_c1", "judge", "head_judge", "province"]
POSTS = [
    "/anthology/son-la-2019/items/add",
    "/anthology/son-la-2019/settings",
    "/anthology/son-la-2019/cover",
    "/anthology/son-la-2019/certificate-template",
    "/anthology/son-la-2019/items/e/1/move",
    "/anthology/son-la-2019/items/e/1/include",
    "/anthology/son-la-2019/build",
    "/anthology/son-la-2019/items/e/1/edit",
    "/anthology/son-la-2019/items/e/1/pictures",
]


def _urls(entry_id: int) -> dict[str, int]:
    """Each page and what the province gets: no build exists yet, so the build pages 404."""
    base = "/anthology/son-la-2019"
    return {
        f"{base}/": 200,
        f"{base}/certificates.docx": 200,
        f"{base}/items/e/{entry_id}/edit": 200,
        f"{base}/builds/1/status": 404,
        f"{base}/builds/1/docx": 404,
    }


@pytest.mark.parametrize("role", ROLES)
def test_only_the_province_reaches_the_anthology(client, world, finalised, role):
    if role != "anonymous":
        login(client, world["users"][role])
    token = csrf_token(client.get("/").get_data(as_text=True))
    for url, province_gets in _urls(finalised["rich"].id).items():
        response = client.get(url)
        response.close()
        if role == "province":
            assert response.status_code == province_gets, url
        else:
            assert response.status_code == (302 if role == "anonymous" else 404), (role, url)
    if role != "province":
        for url in POSTS:
            got = client.post(url, data={"csrf_token": token}).status_code
            assert got == (302 if role == "anonymous" else 404), (role, url)
        assert builds.builds(db.session, finalised["contest"]) == []


def test_organiser_builds_and_downloads(app, client, world, finalised):
    app.config["JOBS_RUNNER"] = "inline"
    login(client, world["users"]["province"])
    page = client.get("/anthology/son-la-2019/").get_data(as_text=True)
    assert "Phần I. Những bài viết đoạt giải" in page and "Người giữ rừng bản Mòng" in page
    response = client.post(
        "/anthology/son-la-2019/build", data={"csrf_token": csrf_token(page)}, follow_redirects=True
    )
    page = response.get_data(as_text=True)
    build = last_good_build(finalised["contest"])
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
    assert settings.settings_for(db.session, finalised["contest"]).title.startswith("Tuyển tập")
    client.post("/anthology/son-la-2019/settings", data={**data, "title": "Những bông hoa đẹp"})
    book = settings.settings_for(db.session, finalised["contest"])
    assert (book.title, book.page_size, book.margin_mm) == (
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


def test_a_book_without_settings_cannot_be_queued(app, client, world, finalised):
    app.config["JOBS_RUNNER"] = "inline"
    db.session.delete(settings.settings_for(db.session, finalised["contest"]))
    db.session.commit()
    login(client, world["users"]["province"])
    page = client.get("/anthology/son-la-2019/").get_data(as_text=True)
    assert "Chưa đủ thông tin sách: cần điền tên sách, đơn vị xuất bản" in page
    assert "Sơn La năm 2019" not in page  # no demo front matter for a contest's own book
    response = client.post(
        "/anthology/son-la-2019/build", data={"csrf_token": csrf_token(page)}, follow_redirects=True
    )
    assert "Chưa đủ thông tin sách" in response.get_data(as_text=True)
    assert builds.builds(db.session, finalised["contest"]) == []


def test_once_the_board_published_an_authors_list_shows_the_result(client, world, finalised):
    author = finalised["rich"].author
    login(client, author.email, "matkhau-2019")
    page = client.get("/c/son-la-2019/entries").get_data(as_text=True)
    assert "Người giữ rừng bản Mòng" in page and "Kết quả:" not in page  # final, not public
    publication.publish_results(db.session, finalised["contest"], world["users"]["province"], NOW)
    db.session.commit()
    page = client.get("/c/son-la-2019/entries").get_data(as_text=True)
    assert "Người giữ rừng bản Mòng" in page and "Kết quả:" in page and "điểm" in page
