"""Day zero from the command line: the first accounts and the unit tree, on an empty database,
for a province that is not the demo's."""

from __future__ import annotations

import io
import json

from openpyxl import load_workbook
from sqlalchemy import func, select

from contest import registry
from contest.lifecycles import Role
from contest.models import Unit, User
from contest.platform.db import db
from contest.platform.models import AuditEvent
from contest.services import accounts, units

PASSWORD = "một-mật-khẩu-đủ-dài-2025"


def _units() -> dict[str, Unit]:
    return {unit.code: unit for unit in db.session.scalars(select(Unit))}


def test_the_first_province_organiser_gets_a_one_time_link(runner):
    done = runner.invoke(
        args=["users", "create", "btc@dienbien.gov.vn", "--role", "province_organiser", "--name",
              "Lò Văn Hùng"]
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "/password/invitation/" in done.output
    user = accounts.find_user_by_login(db.session, "BTC@dienbien.gov.vn")
    assert user.role == Role.PROVINCE_ORGANISER and not user.password_hash
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_id == user.id))
    assert event.action == "account_create" and event.actor_id is None


def test_a_password_from_standard_input_opens_the_account(runner):
    done = runner.invoke(
        args=["users", "create", "gk@dienbien.gov.vn", "--role", "judge", "--name", "Quàng Thị Mai",
              "--password-stdin"],
        input=PASSWORD + "\n",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "/password/" not in done.output
    assert accounts.authenticate(db.session, "gk@dienbien.gov.vn", PASSWORD) is not None


def test_bad_accounts_are_refused_with_a_message_and_nothing_written(runner):
    unit_organiser = runner.invoke(
        args=["users", "create", "x@dienbien.gov.vn", "--role", "unit_organiser", "--name", "X"]
    )
    assert unit_organiser.exit_code == 1 and "phải thuộc một đơn vị" in unit_organiser.output
    entrant = runner.invoke(
        args=["users", "create", "y@dienbien.gov.vn", "--role", "entrant", "--name", "Y"]
    )
    assert entrant.exit_code == 2  # entrants register themselves
    weak = runner.invoke(
        args=["users", "create", "z@dienbien.gov.vn", "--role", "judge", "--name", "Z",
              "--password-stdin"],
        input="123456\n",
    )  # fmt: skip
    assert weak.exit_code == 1
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_an_operator_sets_a_password_by_phone_and_switches_an_account_off(runner, world):
    author = world["users"]["entrant_a"]
    author.phone = "0912345678"
    db.session.commit()
    done = runner.invoke(
        args=["users", "set-password", "+84 912 345 678", "--password-stdin"], input=PASSWORD
    )
    assert done.exit_code == 0, done.output
    assert accounts.authenticate(db.session, "0912345678", PASSWORD).id == author.id
    assert runner.invoke(args=["users", "deactivate", "0912345678"]).exit_code == 0
    db.session.refresh(author)
    assert not author.is_active_account
    listed = json.loads(runner.invoke(args=["users", "list", "--role", "entrant", "--json"]).output)
    assert {(row["phone"], row["active"]) for row in listed} == {
        ("0912345678", False),
        (world["users"]["entrant_b"].phone, True),
    }
    unknown = runner.invoke(args=["users", "deactivate", "ai@example.com"])
    assert unknown.exit_code == 1 and "Không có tài khoản" in unknown.output


def test_a_province_other_than_son_la_loads_from_the_registry(runner):
    done = runner.invoke(args=["units", "load", "--province", "điện biên"])
    assert done.exit_code == 0, done.output
    tree = _units()
    province = tree["11"]
    assert (province.name, province.kind, province.parent) == ("Tỉnh Điện Biên", "province", None)
    districts = sorted(u.name for u in tree.values() if u.kind == "district")
    assert len(districts) == 10 and "Thị xã Mường Lay" in districts  # "Thị Xã" in the data
    assert all(u.parent.kind == "district" for u in tree.values() if u.kind == "commune")
    assert len(tree) == len(registry.province_tree("Điện Biên"))
    again = runner.invoke(args=["units", "load", "--province", "Tỉnh Điện Biên"])
    assert again.exit_code == 0 and "Đã thêm 0 đơn vị" in again.output
    other = runner.invoke(args=["units", "load", "--province", "Sơn La"])
    assert other.exit_code == 1 and "đã có đơn vị cấp tỉnh" in other.output
    missing = runner.invoke(args=["units", "load", "--province", "Atlantis"])
    assert missing.exit_code == 1 and "Không có tỉnh" in missing.output


def test_kind_words_are_spelled_as_documents_write_them():
    assert registry.normalise_name("THỊ XÃ  Mường Lay") == "Thị xã Mường Lay"
    assert registry.normalise_name("thành phố Sơn La") == "Thành phố Sơn La"
    assert registry.normalise_name("Xã Chiềng Xôm") == "Xã Chiềng Xôm"
    # The data's lower-case syllables (Xã Mường é) are capitals; Nông trường keeps its noun.
    assert registry.normalise_name("Xã Mường é") == "Xã Mường É"
    assert registry.normalise_name("Thị trấn Nông trường Mộc Châu") == (
        "Thị trấn Nông trường Mộc Châu"
    )


def test_short_codes_follow_the_documented_rule_and_never_repeat(runner):
    done = runner.invoke(args=["units", "load", "--province", "Sơn La", "--short-codes"])
    assert done.exit_code == 0, done.output
    tree = _units()
    assert tree["SL"].name == "Tỉnh Sơn La"
    assert tree["MCH"].name == "Thị xã Mộc Châu" and tree["MCH"].parent == tree["SL"]
    assert tree["SLA"].name == "Thành phố Sơn La"
    assert tree["MCH-CSO"].name == "Xã Chiềng Sơn" and tree["MCH-CSO"].parent == tree["MCH"]
    # Thị trấn Hát Lót came first in the registry; Xã Hát Lót takes the next number.
    assert (tree["MSO-HLO"].name, tree["MSO-HLO2"].name) == ("Thị trấn Hát Lót", "Xã Hát Lót")
    assert len(tree) == len(registry.province_tree("Sơn La"))
    # The same codes again: loading twice adds nothing.
    again = runner.invoke(args=["units", "load", "--province", "Sơn La", "--short-codes"])
    assert again.exit_code == 0 and "Đã thêm 0 đơn vị" in again.output


def _write(folder, text: str):
    path = folder / "don-vi.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_bad_unit_file_is_refused_whole_with_every_line_named(runner, tmp_path):
    runner.invoke(args=["units", "load", "--province", "Điện Biên"])
    before = len(_units())
    path = _write(
        tmp_path,
        "code,name,kind,parent_code,organiser_email\n"
        "SNV,Sở Nội vụ,department,11,tdkt.snv@dienbien.gov.vn\n"
        "SNV,Sở Nội vụ (lặp),department,11,\n"
        ",Không mã,department,11,\n"
        "SYT,Sở Y tế,ministry,11,\n"
        "HND,Hội Nông dân tỉnh,department,ZZ,khong-phai-thu\n",
    )
    done = runner.invoke(args=["units", "import", path])
    assert done.exit_code == 1
    for expected in (
        "Dòng 3: mã «SNV» trùng dòng 2",
        "Dòng 4: thiếu mã",
        "Dòng 5: loại «ministry»",
        "Dòng 6: không có đơn vị cấp trên mã «ZZ»",
        "Dòng 6: thư điện tử",
    ):
        assert expected in done.output
    assert len(_units()) == before and "SNV" not in _units()
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_departments_come_from_a_file_and_their_organisers_are_invited(runner, tmp_path):
    runner.invoke(args=["units", "load", "--province", "Điện Biên"])
    path = _write(
        tmp_path,
        "code,name,kind,parent_code,organiser_email\n"
        "snv, Sở  Nội vụ ,department,11,TDKT.SNV@dienbien.gov.vn\n"
        "snv-vp,Văn phòng Sở Nội vụ,office,SNV,\n"
        "DN1,Công ty cổ phần Cà phê Mường Ảng,enterprise,102,\n",
    )
    done = runner.invoke(args=["units", "import", path])
    assert done.exit_code == 0, done.output
    tree = _units()
    assert tree["SNV"].name == "Sở Nội vụ" and tree["SNV-VP"].parent.code == "SNV"
    assert tree["DN1"].parent.name == "Huyện Mường Ảng"
    organiser = accounts.find_user_by_login(db.session, "tdkt.snv@dienbien.gov.vn")
    assert organiser.role == Role.UNIT_ORGANISER and organiser.unit.code == "SNV"
    assert "/password/invitation/" in done.output
    listed = json.loads(runner.invoke(args=["units", "list", "--json"]).output)
    assert {"code": "SNV-VP", "name": "Văn phòng Sở Nội vụ", "kind": "office",
            "parent": "SNV", "active": True} in listed  # fmt: skip
    assert listed[0]["code"] == "11" and listed[0]["parent"] is None


def test_the_downloaded_file_goes_back_unchanged_and_a_rename_is_audited(runner, tmp_path):
    runner.invoke(args=["units", "load", "--province", "Điện Biên"])
    workbook = load_workbook(io.BytesIO(units.unit_file(db.session, ".xlsx")))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert list(rows[0]) == units.UNIT_COLUMNS and len(rows) == len(_units()) + 1
    for row in workbook.active.iter_rows(min_row=2):
        if row[0].value == "095":
            row[1].value = "Thị xã Mường Lay (đổi tên)"
    path = tmp_path / "don-vi.xlsx"
    workbook.save(path)
    done = runner.invoke(args=["units", "import", str(path)])
    assert done.exit_code == 0, done.output
    assert "Đã thêm 0 đơn vị, đổi tên 1, chuyển cấp trên 0" in done.output
    assert _units()["095"].name == "Thị xã Mường Lay (đổi tên)"
    renamed = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "unit_rename"))
    assert "Thị xã Mường Lay" in renamed.params_json


def test_a_move_that_would_close_a_loop_is_refused(runner, tmp_path):
    runner.invoke(args=["units", "load", "--province", "Điện Biên"])
    path = _write(
        tmp_path, "code,name,kind,parent_code\n094,Thành phố Điện Biên Phủ,district,03124\n"
    )
    done = runner.invoke(args=["units", "import", path])
    assert done.exit_code == 1 and "vòng lặp" in done.output
    assert _units()["094"].parent.code == "11"


def test_an_operator_s_typing_slips_are_refused_or_cleaned(runner):
    not_an_address = runner.invoke(
        args=["users", "create", "khong-phai-email", "--role", "judge", "--name", "A"]
    )
    assert not_an_address.exit_code == 1 and "không hợp lệ" in not_an_address.output
    blank = runner.invoke(args=["users", "create", "a@dienbien.gov.vn", "--role", "judge",
                                "--name", "   "])  # fmt: skip
    assert blank.exit_code == 1 and "Họ và tên" in blank.output
    assert db.session.scalar(select(func.count(User.id))) == 0
    done = runner.invoke(
        args=["users", "create", "b@dienbien.gov.vn", "--role", "judge", "--name",
              "Lò\u202e Văn\x01  Hùng"]
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert accounts.find_user_by_login(db.session, "b@dienbien.gov.vn").full_name == "Lò Văn Hùng"


def test_a_unit_file_s_hidden_traps_are_refused(runner, tmp_path):
    """Control characters in a code, a cell too long for the csv reader, one e-mail for two
    units (or someone else's), and a code that a spreadsheet turned into a number."""
    runner.invoke(args=["units", "load", "--province", "Điện Biên"])
    runner.invoke(args=["users", "create", "gk@dienbien.gov.vn", "--role", "judge", "--name", "G"])
    before = len(_units())
    path = _write(
        tmp_path,
        "code,name,kind,parent_code,organiser_email\n"
        "SN\u202eV,Sở Nội vụ,department,11,\n"
        "SYT,Sở Y tế,department,11,chung@dienbien.gov.vn\n"
        "SGD,Sở Giáo dục và Đào tạo,department,11,chung@dienbien.gov.vn\n"
        "STC,Sở Tài chính,department,11,gk@dienbien.gov.vn\n"
        "3124,Phường Noong Bua,commune,094,\n"
        "03999,Phường\u200b Noong Bua,commune,094,\n",
    )
    done = runner.invoke(args=["units", "import", path])
    assert done.exit_code == 1
    assert "Dòng 2: mã «SN\u202eV» chỉ gồm chữ không dấu" in done.output
    assert "Dòng 4: thư điện tử «chung@dienbien.gov.vn» đã thuộc tài khoản khác." in done.output
    assert "Dòng 5: thư điện tử «gk@dienbien.gov.vn» đã thuộc tài khoản khác." in done.output
    assert "Dòng 6: đã có đơn vị «Phường Noong Bua» cùng cấp trên, mã «03124»." in done.output
    assert "Dòng 7: đã có đơn vị «Phường Noong Bua» cùng cấp trên, mã «03124»." in done.output
    huge = _write(tmp_path, "code,name,kind,parent_code\nX," + "a" * 200_000 + ",department,11\n")
    refused = runner.invoke(args=["units", "import", huge])
    assert refused.exit_code == 1 and "Không đọc được tệp .csv" in refused.output
    assert len(_units()) == before
