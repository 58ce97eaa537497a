"""Organisers manage the accounts they made: correct them, switch them off (the person is
logged out at once and cannot log in) and on again."""

from __future__ import annotations

from sqlalchemy import select

from contest.platform.audit import sentence
from contest.platform.db import db
from contest.platform.models import AuditEvent
from contest.services.accounts import open_account
from tests.contest.test_views import post_form
from tests.plugins.web import csrf_token, login


def test_an_organiser_corrects_a_judge_s_account(client, world):
    judge = world["users"]["judge"]
    login(client, world["users"]["province"])
    response = post_form(
        client,
        f"/accounts/{judge.id}/edit",
        {
            "full_name": "Nguyễn Văn Giám",
            "email": "GK.MOI@sonla.gov.vn",
            "phone": "",
            "role": "head_judge",
            "unit_id": world["units"]["SGD"].id,
        },
    )
    assert response.status_code == 302
    db.session.rollback()
    assert (judge.full_name, judge.email, judge.role) == (
        "Nguyễn Văn Giám",
        "gk.moi@sonla.gov.vn",
        "head_judge",
    )
    taken = post_form(
        client,
        f"/accounts/{judge.id}/edit",
        {
            "full_name": "X",
            "email": "btc@sonla.gov.vn",
            "phone": "",
            "role": "judge",
            "unit_id": world["units"]["SGD"].id,
        },
        page_url="/accounts",
    )
    assert "Thư điện tử này đã được đăng ký." in client.get("/accounts").get_data(True) or (
        "Thư điện tử này đã được đăng ký." in taken.get_data(True)
    )


def test_switching_an_account_off_logs_it_out_and_keeps_it_out(app, world):
    """Two people at once: each request in an app context of its own, as on a server."""
    judge, province = world["users"]["judge"].email, world["users"]["province"].email
    organiser, judge_browser = app.test_client(), app.test_client()

    def alone(call):
        with app.app_context():
            return call()

    alone(lambda: login(judge_browser, judge))
    alone(lambda: login(organiser, province))
    judge_id = world["users"]["judge"].id
    page = alone(lambda: organiser.get("/accounts").get_data(as_text=True))
    assert "Tạm khóa" in page
    off = {"csrf_token": csrf_token(page), "active": "0"}
    alone(lambda: organiser.post(f"/accounts/{judge_id}/active", data=off))
    assert alone(lambda: judge_browser.get("/judging/son-la-2019/queue").status_code) == 302
    refused = alone(lambda: login(app.test_client(), judge).get_data(as_text=True))
    assert "đang bị tạm khóa" in refused
    page = alone(lambda: organiser.get("/accounts").get_data(as_text=True))
    assert "đang khóa" in page
    on = {"csrf_token": csrf_token(page), "active": "1"}
    alone(lambda: organiser.post(f"/accounts/{judge_id}/active", data=on))
    assert alone(lambda: login(app.test_client(), judge).status_code) == 302


def test_nobody_switches_themselves_off(client, world):
    province = world["users"]["province"]
    login(client, province)
    page = client.get("/accounts").get_data(as_text=True)
    response = client.post(
        f"/accounts/{province.id}/active",
        data={"csrf_token": csrf_token(page), "active": "0"},
        follow_redirects=True,
    )
    assert "Không thể tự khóa" in response.get_data(as_text=True)
    db.session.rollback()
    assert province.is_active_account


def test_the_audit_log_names_an_account_s_role_in_words(app, world):
    """The role is recorded as its code and read in the viewer's language (issue 24)."""
    open_account(db.session, world["users"]["province"], full_name="Giám khảo Mới",
                 email="gk.moi@sonla.gov.vn", phone=None, role="judge",
                 unit=world["units"]["SL"], password="một-mật-khẩu-đủ-dài")  # fmt: skip
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "account_create")
    ).all()[-1]
    with app.test_request_context():
        line = sentence(event)
    assert line.endswith("(Giám khảo)") and "(judge)" not in line
