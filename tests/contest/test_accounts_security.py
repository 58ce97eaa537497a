"""Accounts under attack and in everyday use: the password rule, throttled logins, one hash
check per login, reset and invitation links (single use, one owner, expiring), a password
change that ends the other sessions."""

from __future__ import annotations

import re

import pytest
from flask import g
from sqlalchemy import func, select

from contest.models import User
from contest.platform import passwords
from contest.platform.db import db
from contest.platform.models import AuditEvent
from contest.services import accounts
from tests.contest.test_views import post_form
from tests.plugins.factories import PASSWORD
from tests.plugins.web import csrf_token, login

NEW_PASSWORD = "hoa ban nở trắng rừng"


def _register(client, world, password: str, email: str = "mai@example.com"):
    return post_form(
        client,
        "/register",
        {
            "full_name": "Vì Thị Mai",
            "phone": "0912000111",
            "email": email,
            "unit_id": world["units"]["MCH-CSO"].id,
            "address": "Bản Lướt",
            "password": password,
            "confirm": password,
        },
    )


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("ngan-qua", "ít nhất 10 ký tự"),
        ("1234567890", "quá phổ biến"),
        ("matkhau123", "quá phổ biến"),
        ("Password123", "quá phổ biến"),
        ("mai@example.com", "không được chứa"),
        ("0912000111x", "không được chứa"),
    ],
)
def test_weak_passwords_are_refused_beside_the_field(client, world, password, message):
    response = _register(client, world, password)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page
    assert 'aria-invalid="true"' in page  # the field says it is wrong, not only the text
    assert db.session.scalar(select(User).where(User.email == "mai@example.com")) is None


def test_the_rule_is_shown_before_typing(client, world):
    page = client.get("/register").get_data(as_text=True)
    assert "ít nhất 10 ký tự" in page and 'aria-describedby="password-help"' in page


def test_the_service_refuses_what_the_form_would(world):
    with pytest.raises(accounts.InvalidInput):
        accounts.create_user(
            db.session, full_name="X", email="x@example.com", phone=None, password="qwertyuiop"
        )


def test_failed_logins_are_throttled_per_account_with_a_vietnamese_page(client, world):
    judge = world["users"]["judge"]
    for _ in range(5):
        assert login(client, judge, "sai-mat-khau-roi").status_code == 200
    response = login(client, judge)  # even the right password now waits
    page = response.get_data(as_text=True)
    assert response.status_code == 429 and "thử lại sau" in page
    assert int(response.headers["Retry-After"]) > 0
    # Spelled differently, it is the same account.
    assert login(client, judge.email.upper()).status_code == 429
    # Another account from the same address is not locked out by it.
    assert login(client, world["users"]["province"]).status_code == 302


def test_failed_logins_are_throttled_per_address(client, world):
    for n in range(30):
        login(client, f"nobody{n}@example.com", "sai-mat-khau-roi")
    assert login(client, world["users"]["province"]).status_code == 429


def test_successful_logins_do_not_count(client, world):
    for _ in range(8):
        assert login(client, world["users"]["judge"]).status_code == 302
        client.get("/")  # still a session


def test_one_password_hash_is_checked_whatever_the_login(app, world, monkeypatch):
    """Unknown logins and paper authors without a password cost the same as a wrong password,
    so timing tells nothing (the hash is the only slow step)."""
    import contest.models
    import contest.services.accounts as module

    calls = []
    real = module.check_password_hash

    def counting(stored, password):
        calls.append(stored)
        return real(stored, password)

    monkeypatch.setattr(module, "check_password_hash", counting)
    monkeypatch.setattr(contest.models, "check_password_hash", counting)
    for login_name in ("gk1@sonla.gov.vn", "khong-co@example.com", "0999999999"):
        calls.clear()
        assert accounts.authenticate(db.session, login_name, "sai-mat-khau") is None
        assert len(calls) == 1, login_name


def test_logins_and_failures_are_audited(client, world):
    login(client, world["users"]["judge"], "sai-mat-khau-roi")
    login(client, "khong-co@example.com", "sai-mat-khau-roi")
    login(client, world["users"]["judge"])
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-3:] == ["login_failed", "login_failed", "login"]


def _link_in(message) -> str:
    return re.search(r"https://thi\.example\.vn(/password/\S+)", message.get_content()).group(1)


def test_reset_link_sets_a_password_once(client, world, mail_on):
    entrant = world["users"]["entrant_a"]
    for login_name in ("A@example.com", "khong-co@example.com"):
        response = post_form(client, "/password/forgot", {"login": login_name})
        assert response.status_code == 302
        flashed = client.get("/login").get_data(as_text=True)
        assert "Nếu thông tin này thuộc một tài khoản" in flashed  # the same for both
    [message] = mail_on.messages
    assert message["To"] == entrant.email and "Đặt lại mật khẩu" in message["Subject"]
    link = _link_in(message)
    opened = client.get(link)  # the token goes into the session; the page has none
    assert opened.status_code == 302 and opened.location == "/password/password-reset"
    page = client.get(opened.location)
    assert "Referrer-Policy" in page.headers and link.split("/")[-1] not in page.get_data(True)
    response = post_form(
        client, opened.location, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 302 and response.location.endswith("/login")
    assert login(client, entrant, NEW_PASSWORD).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").get_data(as_text=True))})
    # Spent: the same link cannot set a password again.
    response = client.get(link)
    assert response.status_code == 302
    assert "đã được dùng" in client.get(response.location).get_data(as_text=True)


def test_reset_links_expire_and_cannot_be_forged(client, world, mail_on, monkeypatch):
    entrant = world["users"]["entrant_a"]
    post_form(client, "/password/forgot", {"login": entrant.email})
    link = _link_in(mail_on.messages[-1])
    # Another account's id in the token breaks the signature.
    other = world["users"]["province"]
    purpose, token = link.split("/")[2:4]
    forged = passwords.make_token("not-the-secret", purpose, other.id, "x")
    for url in (f"/password/{purpose}/{forged}", f"/password/invitation/{token}"):
        response = client.get(url)
        assert response.status_code == 302, url
    # An hour later the link has expired.
    import itsdangerous.timed

    real_time = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real_time() + 3601)
    response = client.get(link)
    assert "hết hạn" in client.get(response.location).get_data(as_text=True)


def test_reset_requests_are_throttled(client, world):
    for _ in range(3):
        assert post_form(client, "/password/forgot", {"login": "a@example.com"}).status_code == 302
    assert post_form(client, "/password/forgot", {"login": "a@example.com"}).status_code == 429


def test_an_organiser_invites_a_judge_who_sets_their_own_password(client, world, mail_on):
    login(client, world["users"]["province"])
    response = post_form(
        client,
        "/accounts",
        {
            "full_name": "Giám khảo Mới",
            "email": "gk.moi@sonla.gov.vn",
            "phone": "",
            "role": "judge",
            "unit_id": world["units"]["SGD"].id,
            "password": "",
        },
    )
    assert response.status_code == 302
    [message] = mail_on.to("gk.moi@sonla.gov.vn")
    assert "72 giờ" in message.get_content()
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").get_data(as_text=True))})
    link = _link_in(message)
    assert "/password/invitation/" in link
    opened = client.get(link).location
    post_form(client, opened, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert login(client, "gk.moi@sonla.gov.vn", NEW_PASSWORD).status_code == 302


def test_an_account_without_mail_needs_a_first_password(client, world):
    login(client, world["users"]["province"])
    page = post_form(
        client,
        "/accounts",
        {
            "full_name": "Cán bộ",
            "email": "",
            "phone": "0911222333",
            "role": "judge",
            "unit_id": world["units"]["SGD"].id,
            "password": "",
        },
    ).get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.phone == "0911222333")) is None
    assert "Cần nhập mật khẩu ban đầu" in client.get("/accounts").get_data(as_text=True) or (
        "Cần nhập mật khẩu ban đầu" in page
    )


def test_the_organiser_reset_mails_the_same_link(client, world, mail_on):
    login(client, world["users"]["province"])
    judge = world["users"]["judge"]
    page = client.get("/accounts").get_data(as_text=True)
    client.post(f"/accounts/{judge.id}/reset", data={"csrf_token": csrf_token(page)})
    [message] = mail_on.to(judge.email)
    assert "/password/password-reset/" in _link_in(message)


def test_changing_the_password_ends_every_other_session(app, world):
    judge = world["users"]["judge"]
    here, elsewhere = app.test_client(), app.test_client()
    login(here, judge)
    login(elsewhere, judge)
    response = post_form(
        here,
        "/account/password",
        {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert here.get("/judging/son-la-2019/queue").status_code != 302  # this browser stays in
    g.pop("_login_user", None)  # the test's app context outlives requests; a server's does not
    assert elsewhere.get("/judging/son-la-2019/queue").status_code == 302  # sent to log in
    assert accounts.authenticate(db.session, judge.email, NEW_PASSWORD) is judge


def test_a_wrong_current_password_changes_nothing(client, world):
    login(client, world["users"]["judge"])
    post_form(
        client,
        "/account/password",
        {"current": "khong-dung-dau", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert login(client, world["users"]["judge"]).status_code == 302  # the old one still works
    count = db.session.scalar(select(func.count()).where(AuditEvent.action == "password_set"))
    assert count == 0


def test_a_burst_of_parallel_guesses_is_counted_on_arrival(app, world):
    from tests.plugins.races import run_together

    email = world["users"]["judge"].email
    db.session.commit()

    def guess(ready):
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        ready()
        status = client.post(
            "/login",
            data={"csrf_token": csrf_token(page), "login": email, "password": "sai-mat-khau-x"},
        ).status_code
        return [status]

    statuses = run_together([guess] * 20)
    assert statuses.count(200) <= 10 and statuses.count(429) >= 10, statuses


def test_guessing_the_current_password_is_throttled_too(client, world):
    login(client, world["users"]["judge"])
    for _ in range(5):
        post_form(
            client,
            "/account/password",
            {"current": "khong-dung-dau", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        )
    response = post_form(
        client,
        "/account/password",
        {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 429


def test_a_forged_host_never_reaches_a_password_link(client, world, mail_on):
    page = client.get("/password/forgot", headers={"Host": "evil.example"}).get_data(True)
    client.post(
        "/password/forgot",
        data={"csrf_token": csrf_token(page), "login": "a@example.com"},
        headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"},
    )
    [message] = mail_on.messages
    assert "evil.example" not in message.get_content()
    assert "https://thi.example.vn/password/password-reset/" in message.get_content()


def test_no_mail_without_the_public_address(app, world, mail_on):
    from contest.platform.mail import mail_enabled

    app.config["PUBLIC_URL"] = ""
    assert not mail_enabled()


def test_a_link_sent_to_a_mistyped_address_dies_when_it_is_corrected(client, world, mail_on):
    judge = world["users"]["judge"]
    post_form(client, "/password/forgot", {"login": judge.email})
    link = _link_in(mail_on.messages[-1])
    judge.email = "gk.dung@sonla.gov.vn"  # the organiser corrects the address
    db.session.commit()
    response = client.get(link)
    assert response.status_code == 302 and "/password/forgot" in response.location
