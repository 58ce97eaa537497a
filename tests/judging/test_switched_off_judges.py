"""A judge whose account is switched off is offered nowhere: not in the panel's lists, not to
the assignment (their entries would wait for someone who cannot log in), and the panel and
jury tables say why they are left out."""

from __future__ import annotations

from sqlalchemy import select

from contest.platform.db import db
from contest.services.accounts import set_account_active
from judging.models import Assignment
from tests.plugins.panels import open_for_judging
from tests.plugins.web import login

PROVINCE_PANEL = "/judging/son-la-2019/panel"
UNIT_JURY = "/judging/son-la-2019/unit/MCH/jury"


def test_a_switched_off_panel_member_is_given_no_entries(world, panel):
    switched_off = panel["judges"][-1]
    set_account_active(db.session, world["users"]["province"], switched_off, False)
    db.session.commit()
    open_for_judging(panel, world["users"]["province"])
    held = db.session.scalars(select(Assignment).where(Assignment.stage_id == panel["stage"].id))
    judges_of = {}
    for assignment in held:
        judges_of.setdefault(assignment.entry_id, set()).add(assignment.judge_id)
    assert len(judges_of) == len(panel["entries"])
    assert all(len(judges) == 2 for judges in judges_of.values())
    assert all(switched_off.id not in judges for judges in judges_of.values())


def test_the_panel_table_marks_a_switched_off_member(client, world, panel):
    switched_off = panel["judges"][-1]
    set_account_active(db.session, world["users"]["province"], switched_off, False)
    db.session.commit()
    login(client, world["users"]["province"])
    page = client.get(PROVINCE_PANEL).get_data(as_text=True)
    members = page.split('id="panel-members"')[1].split("</table>")[0]
    row = members.split(switched_off.full_name)[1].split("</tr>")[0]
    assert "đang khóa" in row
    options = page.split('id="member-judge_id"')[1].split("</select>")[0]
    assert switched_off.full_name not in options


def test_the_unit_jury_marks_a_switched_off_juror_and_does_not_count_it(client, world, district):
    juror = district["jurors"][0]
    set_account_active(db.session, district["organiser"], juror, False)
    db.session.commit()
    login(client, district["organiser"])
    page = client.get(UNIT_JURY).get_data(as_text=True)
    jury = page.split('id="unit-jurors"')[1].split("</table>")[0]
    assert "đang khóa" in jury.split(juror.full_name)[1].split("</tr>")[0]
    options = page.split('id="member-judge_id"')[1].split("</select>")[0]
    assert juror.full_name not in options
    overview = client.get("/judging/son-la-2019/unit/MCH/").get_data(as_text=True)
    assert "Giám khảo của đơn vị: 3." in overview  # four accounts, one switched off
