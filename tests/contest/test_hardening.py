"""The smaller holes of the last attack: a password link's token stays out of logs and later
requests, a switched-off account gets no reset mail, signed-in pages are never cached, a
typed essay too long comes back with its text and a Vietnamese message, a certificate value
is printed as written, a CSV cell cannot smuggle a formula past a semicolon, nobody locks the
board out by guessing, and every web process counts guesses in the same place."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import time

import docx
import pytest
from flask import g

from anthology.render.certificates import _fill
from contest.platform import throttle_store
from contest.platform.db import db
from contest.platform.logs import TokenMaskFilter
from contest.platform.spreadsheets import csv_safe, from_csv_safe
from contest.platform.throttle_store import SQLiteFileStorage
from contest.services import accounts
from tests.contest.test_views import post_form
from tests.plugins.apps import make_app
from tests.plugins.factories import PASSWORD, vietnamese_essay
from tests.plugins.web import csrf_token, login


def test_an_access_log_line_keeps_the_request_but_not_the_token():
    record = logging.LogRecord(
        "werkzeug", logging.INFO, __file__, 1, '%s - - "%s" %s',
        ("127.0.0.1", "GET /password/password-reset/eyJhbGciOi.abc-DEF_12 HTTP/1.1", "302"),
        None,
    )  # fmt: skip
    assert TokenMaskFilter().filter(record)
    line = record.getMessage()
    assert "eyJhbGciOi" not in line and "GET /password/password-reset/… HTTP/1.1" in line


def test_a_switched_off_account_gets_no_reset_mail(client, world, mail_on):
    judge = world["users"]["judge"]
    accounts.set_account_active(db.session, world["users"]["province"], judge, False)
    db.session.commit()
    post_form(client, "/password/forgot", {"login": judge.email})
    assert mail_on.to(judge.email) == []


def test_signed_in_pages_are_not_cached_and_public_ones_may_be(client, world):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    login(client, world["users"]["entrant_a"])
    for url in ("/", "/c/son-la-2019/entries"):
        assert "no-store" in client.get(url).headers["Cache-Control"], url
    static = client.get("/static/style.css")
    static.close()
    assert "no-store" not in static.headers.get("Cache-Control", "")


def test_a_typed_essay_too_long_comes_back_with_a_message(client, world):
    login(client, world["users"]["entrant_a"])
    text = vietnamese_essay(60_000)  # about 270,000 characters: past the form's limit of text
    page = post_form(
        client,
        "/c/son-la-2019/entries/new",
        {"title": "Bài rất dài", "subject_name": "Lò Văn Pánh", "subject_address": "Bản Mòng",
         "subject_kind": "individual", "subject_category": "2.4", "body": text, "save": "1"},
    )  # fmt: skip
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Bài gõ dài quá 200000 ký tự" in body and text[:2000] in body


def test_a_certificate_value_is_printed_as_written():
    paragraph = docx.Document().add_paragraph("Tặng {ho_ten}, {noi_cap}")
    _fill(paragraph, {"ho_ten": "Ông {nguoi_ky}", "noi_cap": "Sơn La", "nguoi_ky": "Chủ tịch"})
    assert paragraph.text == "Tặng Ông {nguoi_ky}, Sơn La"


@pytest.mark.parametrize(
    "cell",
    ['=HYPERLINK("x")', 'Nguyễn;=HYPERLINK("x")', "a, +1+1", "b; @SUM(A1)", "\tx", "-5"],
)
def test_a_formula_after_a_separator_is_guarded_and_read_back(cell):
    guarded = csv_safe(cell)
    assert guarded == "'" + cell and from_csv_safe(guarded) == cell


def test_plain_text_and_numbers_stay_as_they_are():
    for value in ("Lò Thị Hoa", "Bản Mòng, xã Chiềng Sơn", "Giải Nhì - 90,25 điểm", 90.25):
        assert csv_safe(value) == value


def test_a_stranger_s_guesses_never_lock_the_board_out(app, client, world):
    """Five wrong passwords from one address slow that address down; the board, signing in
    from its office, is let in."""
    board = world["users"]["province"]
    for _ in range(5):
        assert login(client, board, "sai-mat-khau-roi").status_code == 200
    assert login(client, board).status_code == 429  # the stranger's address waits
    office = app.test_client()
    g.pop("csrf_token", None)  # the test's app context outlives requests: a fresh browser
    page = office.get("/login", environ_base={"REMOTE_ADDR": "10.9.8.7"}).get_data(as_text=True)
    answer = office.post(
        "/login",
        data={"csrf_token": csrf_token(page), "login": board.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.9.8.7"},
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)[-600:]


def test_every_web_process_shares_the_counters_in_one_file(tmp_path, monkeypatch):
    """Two processes' storages on one file count together; a window ends on time."""
    uri = f"sqlite-file://{tmp_path}/throttle.sqlite"
    first, second = SQLiteFileStorage(uri), SQLiteFileStorage(uri)
    assert [first.incr("login:x", 60), second.incr("login:x", 60)] == [1, 2]
    assert first.get("login:x") == second.get("login:x") == 2
    assert second.get_expiry("login:x") > time.time() + 50
    now = time.time()
    monkeypatch.setattr(throttle_store.time, "time", lambda: now + 61)
    assert first.get("login:x") == 0 and second.incr("login:x", 60) == 1
    first.clear("login:x")
    assert second.get("login:x") == 0 and first.check()


def test_a_forked_web_process_counts_on_its_own_connection_into_the_same_file(tmp_path):
    """The connection kept between hits is the thread's and the process's: a worker forked
    from a process that already counted opens its own, and both count together. A hit that
    fails midway leaves the kept connection out of its transaction."""
    storage = SQLiteFileStorage(f"sqlite-file://{tmp_path}/throttle.sqlite")
    assert storage.incr("login:y", 60) == 1
    parents = storage._connect()
    with pytest.raises(TypeError):
        storage.incr("login:z", "sixty")  # fails after BEGIN: rolled back
    child = os.fork()
    if child == 0:  # the child answers by its exit code alone, and never returns to pytest
        try:
            hits = storage.incr("login:y", 60)
            os._exit(hits if storage._connect() is not parents else 100)
        except BaseException:
            os._exit(101)
    for _ in range(300):
        pid, status = os.waitpid(child, os.WNOHANG)
        if pid:
            break
        time.sleep(0.1)
    else:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
        pytest.fail("the forked process did not finish")
    assert os.waitstatus_to_exitcode(status) == 2
    assert storage.incr("login:y", 60) == 3 and storage.get("login:y") == 3


def test_a_counter_file_deleted_meanwhile_is_opened_anew(tmp_path):
    """Every process counts in the file that is there now, not in one deleted under it."""
    path = tmp_path / "throttle.sqlite"
    storage = SQLiteFileStorage(f"sqlite-file://{path}")
    assert storage.incr("login:x", 60) == 1
    for name in os.listdir(tmp_path):
        os.remove(tmp_path / name)
    other = SQLiteFileStorage(f"sqlite-file://{path}")
    assert storage.incr("login:x", 60) == 1  # in the new file, not on with the old count
    assert other.incr("login:x", 60) == 2 and storage.get("login:x") == 2


def test_without_redis_the_counters_live_in_the_instance_folder(tmp_path):
    app = make_app(tmp_path, RATELIMIT_STORAGE_URI="")
    assert app.config["RATELIMIT_STORAGE_URI"] == (
        "sqlite-file://" + os.path.join(app.instance_path, "throttle.sqlite")
    )


def test_unsent_mail_holds_no_readable_link(app, client, world, monkeypatch):
    """Queued but not yet sent (mail runner stopped), a reset message sits sealed in the jobs
    table: a backup taken now shows no link; the sender opens it."""
    from contest.platform import mail
    from contest.platform.models import Job

    app.config.update(MAIL_SERVER="127.0.0.1", PUBLIC_URL="https://thi.example.vn")
    post_form(client, "/password/forgot", {"login": world["users"]["judge"].email})
    job = db.session.query(Job).filter_by(kind="mail").one()
    assert "/password/" not in job.payload_json and "thi.example.vn" not in job.payload_json
    payload = json.loads(job.payload_json)
    assert "https://thi.example.vn/password/password-reset/" in mail.unseal(payload["sealed"])
    app.config["SECRET_KEY"] = "another"
    with pytest.raises(ValueError, match="another SECRET_KEY"):
        mail.unseal(payload["sealed"])


def _sign_up(client, world, email: str, phone: str):
    answer = post_form(
        client,
        "/register",
        {"full_name": "Vì Thị Mai", "phone": phone, "email": email,
         "unit_id": world["units"]["MCH-CSO"].id, "address": "Bản Lướt",
         "password": "hoa ban nở trắng", "confirm": "hoa ban nở trắng"},
    )  # fmt: skip
    page = client.get(answer.location).get_data(as_text=True)
    page = re.sub(r'name="csrf_token"[^>]*>|value="[^"]{40,}"', "", page)  # each its own token
    return answer.status_code, answer.location, page.replace(email or phone, "LOGIN")


def test_registration_tells_nobody_who_is_registered(app, world, mail_on):
    """A taken e-mail gets the answer a new one gets; nothing is created and its owner is
    told by mail. A taken phone gets the same answer too."""
    from contest.models import User

    owner = world["users"]["entrant_a"]
    new = _sign_up(app.test_client(), world, "moi@example.com", "0912000111")
    g.pop("csrf_token", None)
    taken = _sign_up(app.test_client(), world, owner.email, "0912000222")
    g.pop("csrf_token", None)
    taken_phone = _sign_up(app.test_client(), world, "", "0912000111")  # `new`'s phone
    assert new == taken == taken_phone and new[1] == "/login"
    assert "Đã nhận đăng ký" in new[2]
    assert db.session.query(User).filter(User.phone == "0912000222").first() is None
    assert db.session.query(User).filter(User.phone == "0912000111").count() == 1
    [message] = mail_on.to(owner.email)
    assert "không có tài khoản mới nào được tạo" in message.get_content()
