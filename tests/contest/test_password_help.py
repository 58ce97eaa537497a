"""A way back in without e-mail: an organiser finds any account in their reach (an entrant
too, by name with or without accents, phone or e-mail) and issues a temporary password, shown
once; its owner can reach nothing but the change-password page until they change it. Audited,
never logged; nobody resets themselves or an account at or above their own level this way."""

from __future__ import annotations

import re

import pytest
from flask import g
from sqlalchemy import select

from contest import policy
from contest.platform.audit import sentence
from contest.platform.db import db, utcnow
from contest.platform.errors import InvalidInput
from contest.platform.models import AuditEvent
from contest.services import accounts, password_help
from tests.plugins.factories import PASSWORD
from tests.plugins.web import csrf_token, login

NEW_PASSWORD = "Suối Lìn mùa lúa chín 2026"


def _phone_only_entrant(world):
    """Quàng Văn Hặc registered with his phone alone."""
    entrant = world["users"]["entrant_a"]
    entrant.email, entrant.phone = None, "0912345678"
    db.session.commit()
    return entrant


def _names(found) -> set[str]:
    return {user.full_name for user in found}


def test_organisers_find_entrants_accent_and_case_blind_within_their_reach(world):
    _phone_only_entrant(world)
    users = world["users"]
    province, district = users["province"], users["organiser_d1"]
    for text in ("quang van hac", "QUÀNG hặc", "+84 912 345 678", "0912-345"):
        assert _names(password_help.find_accounts(db.session, province, text)) == {
            "Quàng Văn Hặc"
        }, text
    # Mộc Châu's organiser reaches the commune below it, not Yên Châu's entrant.
    assert _names(password_help.find_accounts(db.session, district, "hac")) == {"Quàng Văn Hặc"}
    assert password_help.find_accounts(db.session, district, "cầm thị xuân") == []
    assert _names(password_help.find_accounts(db.session, province, "cam thi xuan")) == {
        "Cầm Thị Xuân"
    }
    # Entrants and judges find nobody; one letter finds nobody.
    assert password_help.find_accounts(db.session, users["entrant_b"], "hac") == []
    assert password_help.find_accounts(db.session, users["judge"], "hac") == []
    assert password_help.find_accounts(db.session, province, "h") == []


def test_nobody_resets_themselves_or_an_account_at_or_above_their_level(world):
    users = world["users"]
    province, mch, cso, ych = (
        users["province"],
        users["organiser_d1"],
        users["organiser_c1"],
        users["organiser_d2"],
    )
    allowed = {
        (province, users["entrant_a"]),
        (province, users["judge"]),
        (province, mch),
        (mch, users["entrant_a"]),  # in the commune below Mộc Châu
        (mch, cso),  # the organiser of a unit below
    }
    refused = {
        (province, province),
        (mch, mch),
        (mch, province),
        (mch, ych),  # another unit's organiser
        (cso, mch),  # the unit above
        (mch, users["entrant_b"]),  # Yên Châu's entrant
        (mch, users["judge"]),  # judges: the province only
        (users["judge"], users["entrant_a"]),
        (users["entrant_b"], users["entrant_a"]),
    }
    for actor, user in allowed:
        assert policy.may_issue_password(actor, user), (actor.email, user.email)
    for actor, user in refused:
        assert not policy.may_issue_password(actor, user), (actor.email, user.email)
        with pytest.raises(InvalidInput):
            password_help.issue_temporary_password(db.session, actor, user, utcnow())
    db.session.rollback()


def test_a_temporary_password_is_strong_audited_and_never_logged(world):
    entrant = _phone_only_entrant(world)
    province = world["users"]["province"]
    version = entrant.session_version
    password = password_help.issue_temporary_password(db.session, province, entrant, utcnow())
    db.session.commit()
    assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", password)
    assert password != password_help.issue_temporary_password(
        db.session, province, entrant, utcnow()
    )
    db.session.rollback()
    assert entrant.must_change_password and entrant.session_version > version
    assert accounts.authenticate(db.session, "0912345678", PASSWORD) is None
    assert accounts.authenticate(db.session, "0912 345 678", password).id == entrant.id
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.action == "password_temporary" and event.actor_id == province.id
    assert password not in event.params_json + event.detail
    assert sentence(event) == (
        f"{province.full_name} đã cấp mật khẩu tạm thời cho Quàng Văn Hặc (phải đổi khi đăng nhập)"
    )


def _fresh_browser() -> None:
    """The test's app context outlives requests; a server's does not."""
    g.pop("_login_user", None)
    g.pop("csrf_token", None)


def _post(client, url: str, data: dict, page: str):
    token = csrf_token(client.get(page).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def test_a_unit_organiser_issues_one_and_the_entrant_must_change_it_first(app, world):
    entrant = _phone_only_entrant(world)
    organiser = app.test_client()
    login(organiser, world["users"]["organiser_d1"])
    home = organiser.get("/").get_data(as_text=True)
    assert "/accounts/password-help" in home  # in the unit organiser's navigation
    found = organiser.get("/accounts/password-help?q=quang+hac").get_data(as_text=True)
    row = found.split(f'id="account-{entrant.id}"')[1].split("</tr>")[0]
    assert "0912345678" in row and "Cấp mật khẩu tạm thời" in row
    answer = _post(
        organiser,
        f"/accounts/{entrant.id}/temporary-password",
        {},
        "/accounts/password-help?q=quang+hac",
    )
    assert answer.status_code == 200 and "no-store" in answer.headers["Cache-Control"]
    shown = re.search(r"<code>([a-z2-9-]{14})</code>", answer.get_data(as_text=True)).group(1)
    # Another unit's entrant is out of reach: not found, and a forged post is a 404.
    other = world["users"]["entrant_b"]
    assert "Cầm Thị Xuân" not in organiser.get("/accounts/password-help?q=xuan").get_data(True)
    forged = _post(organiser, f"/accounts/{other.id}/temporary-password", {}, "/")
    assert forged.status_code == 404

    _fresh_browser()
    person = app.test_client()
    answer = login(person, "0912345678", shown)
    assert answer.status_code == 302 and answer.location.endswith("/account/password")
    for elsewhere in ("/", "/contests/son-la-2019/my-entries", "/account/unit"):
        moved = person.get(elsewhere)
        assert moved.status_code == 302 and moved.location.endswith("/account/password"), elsewhere
    page = person.get("/account/password").get_data(as_text=True)
    assert "mật khẩu tạm thời" in page
    same = _post(
        person,
        "/account/password",
        {"current": shown, "password": shown, "confirm": shown},
        "/account/password",
    )
    assert "phải khác mật khẩu tạm thời" in same.get_data(as_text=True)
    changed = _post(
        person,
        "/account/password",
        {"current": shown, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        "/account/password",
    )
    assert changed.status_code == 302
    assert person.get("/").status_code == 200
    db.session.expire_all()
    assert not entrant.must_change_password


def test_the_province_finds_anyone_and_other_roles_find_no_page(app, world):
    for who in ("entrant_b", "judge", "head_judge"):
        _fresh_browser()
        client = app.test_client()
        login(client, world["users"][who])
        assert client.get("/accounts/password-help?q=hac").status_code == 404, who
    _fresh_browser()
    client = app.test_client()
    login(client, world["users"]["province"])
    accounts_page = client.get("/accounts").get_data(as_text=True)
    assert "/accounts/password-help" in accounts_page
    found = client.get("/accounts/password-help?q=xuan").get_data(as_text=True)
    assert "Cầm Thị Xuân" in found and "Cấp mật khẩu tạm thời" in found
    own = client.get("/accounts/password-help?q=btc@sonla").get_data(as_text=True)
    assert "Tài khoản của bạn" in own and "Cấp mật khẩu tạm thời" not in own


def test_the_forgot_password_page_says_whom_a_phone_only_user_asks(client, world):
    page = client.get("/password/forgot").get_data(as_text=True)
    whom = page.split('id="whom-to-ask"')[1].split("</p>")[0]
    assert "cán bộ thi đua của đơn vị" in whom and "Ban Tổ chức cấp tỉnh" in whom
    assert "mật khẩu tạm thời" in whom


def test_the_operator_issues_a_temporary_password_by_cli(runner, world):
    entrant = _phone_only_entrant(world)
    done = runner.invoke(args=["users", "set-password", "0912 345 678"])
    assert done.exit_code == 0, done.output
    password = re.search(r"([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})", done.output).group(1)
    db.session.expire_all()
    assert entrant.must_change_password
    assert accounts.authenticate(db.session, "0912345678", password).id == entrant.id
    # A chosen password from stdin is forced too, unless --no-force.
    judge = world["users"]["judge"]
    chosen = runner.invoke(
        args=["users", "set-password", judge.email, "--password-stdin", "--no-force"],
        input=NEW_PASSWORD + "\n",
    )
    assert chosen.exit_code == 0, chosen.output
    db.session.expire_all()
    assert not judge.must_change_password
    assert runner.invoke(args=["users", "set-password", judge.email, "--no-force"]).exit_code == 2
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert "(người quản trị đặt)" in sentence(event) and NEW_PASSWORD not in event.params_json


def test_a_unit_organiser_finds_no_judge_of_their_unit(world):
    """Who judges for the province is none of a unit's business: a judge registered in the
    district does not appear in its organiser's search (the province finds them)."""
    judge = accounts.create_user(
        db.session,
        full_name="Giám khảo Mộc Châu",
        email="gk.mch@sonla.gov.vn",
        phone=None,
        password=PASSWORD,
        role="judge",
        unit=world["units"]["MCH"],
    )
    db.session.commit()
    users = world["users"]
    assert judge not in password_help.find_accounts(db.session, users["organiser_d1"], "mộc châu")
    assert judge in password_help.find_accounts(db.session, users["province"], "mộc châu")


def test_the_owner_is_told_by_mail_without_the_password(world, mail_on):
    entrant = world["users"]["entrant_a"]
    password = password_help.issue_temporary_password(
        db.session, world["users"]["organiser_c1"], entrant, utcnow()
    )
    db.session.commit()
    [message] = mail_on.to(entrant.email)
    assert message["Subject"] == "Mật khẩu tài khoản của bạn vừa được cấp lại"
    body = message.get_content()
    assert world["users"]["organiser_c1"].full_name in body and password not in body


def test_the_new_password_is_not_the_temporary_one_in_other_letters(world):
    entrant = world["users"]["entrant_a"]
    temporary = password_help.issue_temporary_password(
        db.session, world["users"]["province"], entrant, utcnow()
    )
    with pytest.raises(InvalidInput, match="khác mật khẩu tạm thời"):
        accounts.change_password(db.session, entrant, temporary, temporary.upper())
