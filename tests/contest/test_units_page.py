"""The province's units page: the tree searched, a unit added, renamed and moved (audited),
the list downloaded and uploaded back, a bad file refused whole with its lines named."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from contest.models import Unit, User
from contest.platform.db import db
from contest.platform.models import AuditEvent
from tests.plugins.web import csrf_token, login


def _province(client, world):
    assert login(client, world["users"]["province"]).status_code == 302
    return csrf_token(client.get("/units").get_data(as_text=True))


def _unit(code: str) -> Unit:
    db.session.expire_all()
    return db.session.scalar(select(Unit).where(Unit.code == code))


def test_the_tree_is_searched_accents_aside(client, world):
    _province(client, world)
    page = client.get("/units?q=chieng son").get_data(as_text=True)
    assert 'id="unit-MCH-CSO"' in page and 'id="unit-YCH"' not in page
    assert 'class="depth-2"' in page  # province → district → commune


def test_a_unit_is_added_and_a_taken_code_refused(client, world):
    token = _province(client, world)
    data = {"csrf_token": token, "code": "hnd", "name": "Hội Nông dân tỉnh", "kind": "department",
            "parent_id": str(world["units"]["SL"].id)}  # fmt: skip
    assert client.post("/units", data=data).status_code == 302
    assert _unit("HND").parent.code == "SL"
    again = client.post("/units", data=data, follow_redirects=True).get_data(as_text=True)
    assert "Mã đơn vị «HND» đã có." in again
    assert db.session.scalar(select(func.count(Unit.id)).where(Unit.code == "HND")) == 1


def test_a_rename_and_a_move_are_audited_and_a_loop_refused(client, world):
    token = _province(client, world)
    units = world["units"]
    moved = client.post(
        "/units/mch-cso",
        data={
            "csrf_token": token,
            "name": "Xã Chiềng Sơn (mới)",
            "parent_id": str(units["YCH"].id),
        },
    )
    assert moved.status_code == 302
    commune = _unit("MCH-CSO")
    assert (commune.name, commune.parent.code) == ("Xã Chiềng Sơn (mới)", "YCH")
    actions = set(
        db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "Unit"))
    )
    assert {"unit_rename", "unit_move"} <= actions
    # A district may not go under its own commune: that choice is not even offered.
    page = client.get("/units/YCH").get_data(as_text=True)
    assert f'value="{commune.id}"' not in page
    refused = client.post(
        "/units/YCH",
        data={"csrf_token": token, "name": "Huyện Yên Châu", "parent_id": str(commune.id)},
    )
    assert refused.status_code == 200 and _unit("YCH").parent.code == "SL"


def test_the_downloaded_list_goes_back_unchanged(client, world):
    token = _province(client, world)
    unit = world["units"]["SGD"]
    unit.name = '=HYPERLINK("http://x")'  # a name that would run in a spreadsheet
    db.session.commit()
    csv = client.get("/units.csv")
    assert csv.status_code == 200 and b"'=HYPERLINK" in csv.data
    before = {u.code: (u.name, u.parent_id) for u in db.session.scalars(select(Unit))}
    done = client.post(
        "/units/upload",
        data={"csrf_token": token, "file": (io.BytesIO(csv.data), "don-vi.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Đã thêm 0 đơn vị, đổi tên 0, chuyển cấp trên 0." in done.get_data(as_text=True)
    db.session.expire_all()
    assert {u.code: (u.name, u.parent_id) for u in db.session.scalars(select(Unit))} == before


def test_a_bad_upload_names_every_line_and_writes_nothing(client, world):
    token = _province(client, world)
    count = db.session.scalar(select(func.count(Unit.id)))
    data = (
        "code,name,kind,parent_code\nHND,Hội Nông dân tỉnh,department,SL\nXYZ,,ministry,ZZ\n"
    ).encode()
    page = client.post(
        "/units/upload",
        data={"csrf_token": token, "file": (io.BytesIO(data), "don-vi.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Dòng 3: thiếu mã hoặc tên đơn vị." in page and "Dòng 3: loại «ministry»" in page
    assert "Dòng 3: không có đơn vị cấp trên mã «ZZ»." in page
    not_a_table = client.post(
        "/units/upload",
        data={"csrf_token": token, "file": (io.BytesIO(b"%PDF-1.4"), "don-vi.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Chỉ nhận tệp .csv hoặc .xlsx." in not_a_table
    assert db.session.scalar(select(func.count(Unit.id))) == count


def test_a_unit_is_switched_off_only_while_it_holds_nothing(client, world, runner):
    """A department nobody belongs to goes off (and out of the registration's list), comes
    back on; a district with accounts and entries below it stays on."""
    token = _province(client, world)
    assert "Sở Giáo dục và Đào tạo" in client.get("/register").get_data(as_text=True)
    # A judge of the department is an account in it: off only once the judge has moved.
    refused = client.post(
        "/units/SGD/active", data={"csrf_token": token, "active": "0"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "không ngừng được" in refused and _unit("SGD").is_active
    for user in db.session.scalars(select(User).where(User.unit_id == world["units"]["SGD"].id)):
        user.unit = world["units"]["SL"]
    db.session.commit()
    off = client.post("/units/SGD/active", data={"csrf_token": token, "active": "0"})
    assert off.status_code == 302 and not _unit("SGD").is_active
    assert "Sở Giáo dục và Đào tạo" not in client.get("/register").get_data(as_text=True)
    listed = client.get("/units?q=giao duc").get_data(as_text=True)
    assert "đã ngừng" in listed
    refused = client.post(
        "/units/MCH/active", data={"csrf_token": token, "active": "0"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "không ngừng được" in refused and _unit("MCH").is_active
    back = runner.invoke(args=["units", "deactivate", "sgd", "--on"])
    assert back.exit_code == 0, back.output
    assert _unit("SGD").is_active
    province = runner.invoke(args=["units", "deactivate", "SL"])
    assert province.exit_code == 1 and "cấp tỉnh" in province.output
    logged = select(AuditEvent.action).where(AuditEvent.object_type == "Unit")
    assert {"unit_off", "unit_on"} <= set(db.session.scalars(logged))
