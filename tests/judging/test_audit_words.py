"""The audit log says in words what kind of thing an event is about: a redacted leak by its
kind ("Đơn vị của tác giả", never a raw `unit`), a level by its kind of unit ("cấp Huyện,
thành phố", never `district`), how a password was set."""

from __future__ import annotations

from contest.audit import ContestAction
from contest.platform.audit import record_event, sentence
from contest.platform.db import db
from contest.platform.storage import file_store
from judging.audit import LEAK_KIND_LABELS
from judging.rules import leakscan
from judging.services import blinding
from tests.plugins.web import login

AUDIT = "/c/son-la-2019/audit"


def _audit_rows(client) -> list[str]:
    page = client.get(AUDIT).get_data(as_text=True)
    table = page.split('id="audit-list"')[1].split("</table>")[0]
    return table.split("<tr>")[2:]


def test_a_redacted_unit_leak_is_named_in_words(client, world, panel):
    entry = panel["entries"][0]
    entry.body_markdown += "\n\nBài viết gửi từ Huyện Mộc Châu.\n"
    db.session.commit()
    blinding.prepare_blind_copies(db.session, file_store(), panel["contest"], None)
    flag = next(
        f
        for f in blinding.open_flags(db.session, panel["contest"])
        if f.kind == "unit" and f.entry_id == entry.id
    )
    blinding.redact_flag(db.session, flag, world["users"]["province"])
    db.session.commit()
    login(client, world["users"]["province"])
    [row] = [r for r in _audit_rows(client) if "đã che một đoạn lộ danh tính" in r]
    assert "Đơn vị của tác giả" in row
    assert "<td>unit</td>" not in row and ">unit<" not in row


def test_every_kind_of_leak_has_its_words():
    kinds = {"name", "name_is_subject", "phone", "email", "unit", "self_reference", "signature"}
    assert kinds | {"unscanned"} <= set(LEAK_KIND_LABELS)
    assert leakscan.Flag("unit", "x").kind in LEAK_KIND_LABELS


def test_a_level_and_a_password_are_told_in_words(world):
    province, contest = world["users"]["province"], world["contest"]
    level = record_event(
        db.session, province, contest, ContestAction.LEVELS_CHANGED, kind="district"
    )
    how = record_event(db.session, province, province, ContestAction.PASSWORD_SET, how="change")
    db.session.flush()
    assert sentence(level).endswith("của cấp Huyện, thành phố")
    assert sentence(how).endswith("(tự đổi)")
