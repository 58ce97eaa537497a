"""The judging CLI: open (refused while flags are open), status, finalise, results export."""

from __future__ import annotations

import json

import openpyxl
from sqlalchemy import select

from contest.platform.db import db
from judging.models import Assignment, BlindCopy
from judging.services import blinding, scoring
from judging.services import panel as panel_service
from tests.plugins.factories import NOW
from tests.plugins.panels import marks_for


def test_open_status_finalise_and_export(runner, world, panel, tmp_path):
    entry = panel["entries"][0]
    entry.body_markdown += "\n\nQuàng Văn Hặc\n"
    db.session.commit()
    refused = runner.invoke(args=["judging", "open", "son-la-2019"])
    assert refused.exit_code != 0 and "cảnh báo lộ danh tính" in refused.output
    assert "signature\tQuàng Văn Hặc" in refused.output  # each flag listed with its code
    for flag in blinding.open_flags(db.session, panel["contest"]):
        blinding.redact_flag(db.session, flag, world["users"]["province"])
    db.session.commit()
    opened = runner.invoke(args=["judging", "open", "son-la-2019"])
    assert opened.exit_code == 0, opened.output
    assert "12 lượt chấm" in opened.output  # 6 entries × k = 2
    status = json.loads(runner.invoke(args=["judging", "status", "son-la-2019", "--json"]).output)
    assert status["stage_state"] == "open" and status["results_by_state"] == {"pending": 6}
    plain = runner.invoke(args=["judging", "status", "son-la-2019"]).output
    assert "(đang chấm)" in plain and "pending" not in plain and "(open)" not in plain
    before = tmp_path / "before.xlsx"
    runner.invoke(args=["results", "export", "son-la-2019", "--out", str(before)])
    for index, e in enumerate(panel["entries"]):
        for a in db.session.scalars(select(Assignment).where(Assignment.entry_id == e.id)):
            scoring.save_score(
                db.session,
                a,
                marks_for(panel["stage"], 0.9 - index * 0.05),
                "",
                submit=True,
                now=NOW,
            )
    db.session.commit()
    done = runner.invoke(args=["judging", "finalise", "son-la-2019", "--share-ties", "Đồng giải"])
    assert done.exit_code == 0, done.output
    after = tmp_path / "after.xlsx"
    assert runner.invoke(
        args=["results", "export", "son-la-2019", "--out", str(after)]
    ).output.strip() == str(after)
    sheet = openpyxl.load_workbook(after)["Kết quả"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Mã phách" and rows[1][2] == "Giải Nhất"
    assert rows[1][6] in ("Quàng Văn Hặc", "Cầm Thị Xuân", "Tác giả Số 4", "Tác giả Số 5")
    judges = openpyxl.load_workbook(after)["Điểm giám khảo"]
    assert judges.max_row == 13 and judges["C1"].value == "Tính chân thực, cụ thể"
    early = list(openpyxl.load_workbook(before)["Kết quả"].iter_rows(values_only=True))
    assert all(row[6] in ("", None) for row in early[1:])  # no names before finalisation
    codes = set(db.session.scalars(select(BlindCopy.code)))
    assert {row[0] for row in rows[1:]} == codes


def test_the_jury_is_set_from_the_command_line(runner, world, panel):
    """Judges added by e-mail (two at once), the head judge named, one judge withdrawn; an
    unknown address or a non-judge is refused and changes nothing."""
    stage, users = panel["stage"], world["users"]
    extra = [j for j in panel["judges"] if j.id != users["judge"].id]
    withdrawn = panel_service.members(db.session, stage)[0].judge
    done = runner.invoke(
        args=["judging", "jury", "son-la-2019", "--add", f"{extra[0].email}, {extra[1].email}",
              "--head", users["head_judge"].email, "--remove", withdrawn.email]
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert f"{withdrawn.email}\t{withdrawn.full_name} (đã rút)" in done.output
    assert f"Trưởng ban: {users['head_judge'].full_name}" in done.output
    active = {m.judge.email for m in panel_service.members(db.session, stage) if not m.is_withdrawn}
    assert withdrawn.email not in active and {extra[0].email, extra[1].email} <= active

    def seats():
        return [(m.judge_id, m.is_withdrawn) for m in panel_service.members(db.session, stage)]

    before = seats()
    for args in (["--add", "ai@example.com"], ["--add", users["entrant_a"].email]):
        refused = runner.invoke(args=["judging", "jury", "son-la-2019", *args])
        assert refused.exit_code == 1, refused.output
    db.session.expire_all()
    assert [
        (m.judge_id, m.is_withdrawn) for m in panel_service.members(db.session, stage)
    ] == before
