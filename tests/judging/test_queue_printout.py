"""A judge reads their whole queue on paper: one PDF of blind copies, each with its code and
a score sheet, carrying nothing of the authors (issue 24)."""

from __future__ import annotations

import io
import subprocess

from pypdf import PdfReader
from sqlalchemy import select

from contest.platform.db import db
from judging.models import Assignment, BlindCopy
from judging.services import scoring
from tests.plugins.panels import open_for_judging
from tests.plugins.web import login


def _text(pdf: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode("utf-8")


def test_the_queue_prints_blind_copies_with_score_sheets(client, world, panel):
    open_for_judging(panel)
    judge = panel["judges"][0]
    stage = panel["stage"]
    mine = scoring.judge_assignments(db.session, stage, judge)
    assert mine
    login(client, judge)
    assert "/judging/son-la-2019/queue.pdf" in client.get("/judging/son-la-2019/queue").get_data(
        as_text=True
    )
    response = client.get("/judging/son-la-2019/queue.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _text(response.data)
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) >= len(mine) + 1  # a first page, then a page break per entry
    copies = {
        c.entry_id: c
        for c in db.session.scalars(
            select(BlindCopy).where(BlindCopy.entry_id.in_([a.entry_id for a in mine]))
        )
    }
    for assignment in mine:
        assert copies[assignment.entry_id].code in text
        assert assignment.entry.author.full_name not in text
        assert assignment.entry.author_unit.name not in text
    assert text.count("Phiếu chấm") == len(mine)
    assert stage.criteria[0].name in text
    assert judge.full_name in text
    metadata = " ".join(str(v) for v in (reader.metadata or {}).values())
    assert all(a.entry.author.full_name not in metadata for a in mine)


def test_no_queue_no_printout(client, world, panel):
    login(client, panel["judges"][0])
    assert client.get("/judging/son-la-2019/queue.pdf").status_code == 404  # not released
    open_for_judging(panel)
    held = db.session.scalars(
        select(Assignment).where(Assignment.judge_id == panel["judges"][0].id)
    ).all()
    assert held
    login(client, world["users"]["entrant_a"])
    assert client.get("/judging/son-la-2019/queue.pdf").status_code == 404


def test_a_copy_stored_unclean_is_sanitised_again_before_printing(client, world, panel):
    """The paper goes through the same last guard as the scoring page: a copy stored before
    a sanitiser fix cannot put a live outside link or a script into the judge's PDF."""
    open_for_judging(panel)
    judge = panel["judges"][0]
    first = scoring.judge_assignments(db.session, panel["stage"], judge)[0]
    copy = db.session.scalar(select(BlindCopy).where(BlindCopy.entry_id == first.entry_id))
    copy.html = (
        '<p>Xem <a href="https://lo-danh-tinh.example/tac-gia">trang riêng</a> nhé.</p>'
        "<script>alert(1)</script><p>Hết bài.</p>"
    )
    db.session.commit()
    login(client, judge)
    pdf = client.get("/judging/son-la-2019/queue.pdf").data
    assert b"lo-danh-tinh.example" not in pdf and b"/URI" not in pdf
    text = _text(pdf)
    assert "trang riêng" in text and "Hết bài." in text and "alert" not in text
