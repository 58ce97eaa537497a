"""Issue 26: the board proposes exemplar profiles that reached the province for the
chairman's certificate of merit (Bằng khen), with a justification, and prints the list."""

from __future__ import annotations

import io

import docx
import openpyxl
import pytest
from sqlalchemy import func, select

from anthology.models import CommendationProposal
from anthology.services import proposals
from contest.platform.audit import AuditEvent
from contest.platform.db import db
from contest.platform.errors import DomainError
from contest.platform.storage import file_store
from contest.services.profiles import create_profile
from tests.plugins.factories import NOW
from tests.plugins.web import csrf_token, login

SLUG = "son-la-2019"
PAGE = f"/anthology/{SLUG}/proposals"


def test_the_board_proposes_with_a_reason_once_and_may_withdraw(world, finalised):
    contest = finalised["contest"]
    board = world["users"]["province"]
    first, second = proposals.candidates(db.session, contest)[:2]
    with pytest.raises(DomainError, match="thành tích"):
        proposals.propose(db.session, first, board, "   ")
    made = proposals.propose(db.session, first, board, "Ba năm liền dẫn đầu phong trào.")
    with pytest.raises(DomainError, match="đã được đề nghị"):
        proposals.propose(db.session, first, board, "Lần nữa")
    proposals.propose(db.session, second, board, "Gương sáng của bản.")
    db.session.commit()
    assert [p.profile for p in proposals.standing(db.session, contest)] == [first, second]
    proposals.withdraw(db.session, made, board, NOW)
    db.session.commit()
    assert [p.profile for p in proposals.standing(db.session, contest)] == [second]
    proposals.propose(db.session, first, board, "Đề nghị lại sau khi bổ sung hồ sơ.")
    db.session.commit()
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("commendation%"))
    ).all()
    assert actions == [
        "commendation_propose",
        "commendation_propose",
        "commendation_withdraw",
        "commendation_propose",
    ]


def test_a_profile_still_at_its_unit_cannot_be_proposed(world, finalised):
    contest = finalised["contest"]
    at_unit = create_profile(
        db.session,
        contest=contest,
        round_=world["rounds"]["MCH"],
        actor=world["users"]["organiser_d1"],
        name="Bản Áng",
        kind="collective",
        category="1.1",
        address="Đông Sang",
        achievements="Tốt.",
        commendations="",
        photo=None,
        files=file_store(),
    )
    db.session.commit()
    with pytest.raises(DomainError, match="đã về tỉnh"):
        proposals.propose(db.session, at_unit, world["users"]["province"], "Tiêu biểu")
    assert db.session.scalar(select(func.count(CommendationProposal.id))) == 0


def test_the_page_proposes_and_the_list_reads_back(client, world, finalised):
    contest = finalised["contest"]
    candidate = proposals.candidates(db.session, contest)[0]
    login(client, world["users"]["province"])
    page = client.get(PAGE).get_data(as_text=True)
    assert candidate.name in page
    answer = client.post(
        PAGE,
        data={
            "csrf_token": csrf_token(page),
            "profile_id": candidate.id,
            "justification": "Dẫn đầu phong trào «Sơn La chung sức» 2019.",
        },
        follow_redirects=True,
    )
    assert "Đã đề nghị tặng Bằng khen." in answer.get_data(as_text=True)
    again = client.post(
        PAGE,
        data={"csrf_token": csrf_token(page), "profile_id": candidate.id, "justification": "x"},
        follow_redirects=True,
    )
    assert "đã được đề nghị" in again.get_data(as_text=True)
    listed = client.get(f"/anthology/{SLUG}/papers/proposals.docx")
    document = docx.Document(io.BytesIO(listed.data))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "DANH SÁCH" in text and "Bằng khen" in text
    assert any(candidate.name in c for c in cells)
    assert "Dẫn đầu phong trào «Sơn La chung sức» 2019." in cells
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/anthology/{SLUG}/papers/proposals.xlsx").data)
    ).active
    assert [r[4] for r in sheet.iter_rows(min_row=2, values_only=True)] == [
        "Dẫn đầu phong trào «Sơn La chung sức» 2019."
    ]


@pytest.mark.parametrize("who", ["entrant_a", "organiser_d1", "judge", "head_judge"])
def test_only_the_province_reaches_the_proposals(client, world, finalised, who):
    login(client, world["users"][who])
    assert client.get(PAGE).status_code in (403, 404)
    assert client.get(f"/anthology/{SLUG}/papers/proposals.docx").status_code in (403, 404)


def test_the_cli_proposes_and_writes_the_list(runner, world, finalised, tmp_path):
    candidate = proposals.candidates(db.session, finalised["contest"])[0]
    done = runner.invoke(
        args=["reports", "propose", SLUG, str(candidate.id), "--justification", "Tiêu biểu"]
    )
    assert done.exit_code == 0, done.output
    again = runner.invoke(
        args=["reports", "propose", SLUG, str(candidate.id), "--justification", "x"]
    )
    assert again.exit_code == 1 and "đã được đề nghị" in again.output
    out = tmp_path / "de-nghi.xlsx"
    written = runner.invoke(args=["reports", "proposals", SLUG, "--out", str(out)])
    assert written.exit_code == 0 and out.exists()


def test_a_name_that_looks_like_a_formula_stays_text_in_the_sheet(client, world, finalised):
    contest = finalised["contest"]
    candidate = proposals.candidates(db.session, contest)[0]
    candidate.name = '=HYPERLINK("http://evil.example","x")'
    proposals.propose(db.session, candidate, None, "=1+1")
    db.session.commit()
    login(client, world["users"]["province"])
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/anthology/{SLUG}/papers/proposals.xlsx").data)
    ).active
    row = next(sheet.iter_rows(min_row=2))
    assert all(cell.data_type != "f" for cell in row)
    assert row[1].value.startswith("=HYPERLINK") and row[4].value == "=1+1"
