"""Issue 26: the summary report and the prize decision, read back as an organiser's office
would: python-docx and openpyxl, and LibreOffice printing them. Every number of the report is
the status commands' own."""

from __future__ import annotations

import io
import json
import re
import subprocess

import docx
import openpyxl
import pytest
from num2words import num2words
from sqlalchemy import select

from anthology.render import decree30
from anthology.render.reports import amount_in_words
from contest.documents import office
from contest.lifecycles import EntryState
from contest.models import Contest
from contest.platform.db import db
from judging.models import PrizeLevel
from judging.services.reports import awards
from tests.anthology.test_unit_certificates import _finalise
from tests.plugins.web import csrf_token, login

SLUG = "son-la-2019"


def _docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(c.text for c in row.cells))
    return "\n".join(lines)


def _status(runner, *command):
    answer = runner.invoke(args=[*command, SLUG, "--json"])
    assert answer.exit_code == 0, answer.output
    return json.loads(answer.output)


@pytest.fixture
def priced(finalised):
    """The ladder with amounts, as the contest file sets them."""
    for level, amount in zip(
        db.session.query(PrizeLevel).order_by(PrizeLevel.position),
        (3_000_000, 2_000_000, 1_500_000, 500_000),
        strict=False,
    ):
        level.amount = amount
    db.session.commit()
    return finalised


def test_the_summary_report_says_what_the_status_commands_say(runner, priced, tmp_path):
    contest_status = _status(runner, "contest", "status")
    judging_status = _status(runner, "judging", "status")
    out = tmp_path / "bao-cao.docx"
    written = runner.invoke(args=["reports", "summary", SLUG, "--out", str(out)])
    assert written.exit_code == 0, written.output
    text = _docx_text(out.read_bytes())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Nơi nhận:" in text
    assert "BÁO CÁO" in text and "/BC-HĐTĐKT" in text
    assert f"Toàn cuộc thi có {contest_status['entries_total']} bài" in text
    assert f"{contest_status['at_province']} bài được chọn gửi về tỉnh" in text
    assert f"{contest_status['profiles_at_province']} hồ sơ gương điển hình" in text
    assert f"{len(judging_status['judges'])} giám khảo chấm {judging_status['entries']} bài" in text
    assert f"{judging_status['third_judges']} bài có giám khảo thứ ba" in text
    assert f"quyết định {judging_status['head_decisions']} bài" in text
    assert f"Tổng số | {contest_status['entries_total']}" in text
    document = docx.Document(str(out))
    assert len(document.inline_shapes) == 3  # categories, units, prizes

    sheet_out = tmp_path / "bao-cao.xlsx"
    written = runner.invoke(args=["reports", "summary", SLUG, "--out", str(sheet_out)])
    assert written.exit_code == 0, written.output
    book = openpyxl.load_workbook(sheet_out)
    figures = {row[0]: row[1] for row in book["Tổng hợp"].iter_rows(min_row=2, values_only=True)}
    assert figures["Tổng số bài (kể cả nháp, đã rút)"] == contest_status["entries_total"]
    assert figures["Bài về tỉnh"] == contest_status["at_province"]
    assert figures["Bài có giám khảo thứ ba"] == judging_status["third_judges"]
    assert figures["Phiếu điểm đã nộp"] == judging_status["scores_submitted"]
    states = contest_status["entries_by_state"]
    assert sum(n for k, n in figures.items() if k.startswith("Bài ") and k[4:] in _labels()) == (
        sum(states.values())
    )
    categories = list(book["Lĩnh vực"].iter_rows(min_row=2, values_only=True))
    assert len(categories) == 13 and book["Lĩnh vực"]._charts


def _labels():
    return {str(s.label) for s in EntryState}


def test_the_prize_decision_carries_winners_amounts_and_the_total_in_words(
    runner, priced, tmp_path
):
    contest = priced["contest"]
    won = [a for a in awards(db.session, contest) if a.prize_level]
    total = sum(a.prize_level.amount for a in won)
    out = tmp_path / "quyet-dinh.docx"
    written = runner.invoke(
        args=["reports", "decision", SLUG, "--out", str(out), "--date", "2020-05-15"]
    )
    assert written.exit_code == 0, written.output
    text = _docx_text(out.read_bytes())
    assert "QUYẾT ĐỊNH" in text and "QUYẾT ĐỊNH:" in text and "/QĐ-HĐTĐKT" in text
    assert "Sơn La, ngày 15 tháng 5 năm 2020" in text
    assert "Điều 1." in text and "Điều 2." in text and "Điều 3." in text
    # Two of the fixture's authors win twice: people and prizes are counted apart.
    people = len({a.entry.author_id for a in won})
    assert people < len(won) and f"Khen thưởng {people} tác giả với {len(won)} bài" in text
    for award in won:
        assert award.entry.author.full_name in text and award.entry.title in text
    assert decree30.format_number(total) in text
    words = num2words(total, lang="vi")
    assert f"Bằng chữ: {words[0].upper()}{words[1:]} đồng" in text


def test_the_decision_prints_to_pdf_with_its_vietnamese_intact(runner, priced, tmp_path):
    out = tmp_path / "quyet-dinh.pdf"
    written = runner.invoke(args=["reports", "decision", SLUG, "--out", str(out)])
    assert written.exit_code == 0, written.output
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "QUYẾT ĐỊNH" in text and "Bằng chữ" in text
    assert "DANH SÁCH TÁC GIẢ ĐOẠT GIẢI" in text


def test_amounts_in_words_are_vietnamese():
    assert amount_in_words(21_000_000) == "Hai mươi mốt triệu đồng"
    assert amount_in_words(1_500_000) == "Một triệu năm trăm nghìn đồng"
    assert amount_in_words(0) == "Không đồng"
    assert decree30.format_number(1_500_000) == "1.500.000"
    assert decree30.format_number(0.82) == "0,82"


def test_a_bad_output_is_refused_before_any_work(runner, priced, tmp_path):
    for out, message in (
        (tmp_path / "bao-cao.pdf", "đuôi .docx hoặc .xlsx"),
        (tmp_path / "khong" / "bao-cao.docx", "Không có thư mục"),
    ):
        answer = runner.invoke(args=["reports", "summary", SLUG, "--out", str(out)])
        assert answer.exit_code == 1 and message in answer.output
        assert not out.exists()
    missing = runner.invoke(
        args=["reports", "decision", "khong-co", "--out", str(tmp_path / "a.docx")]
    )
    assert missing.exit_code == 1 and "Không có cuộc thi" in missing.output
    assert not re.search(r"Traceback", missing.output)


def test_the_board_downloads_the_papers_from_its_page(client, world, priced):
    login(client, world["users"]["province"])
    page = client.get(f"/anthology/{SLUG}/publication").get_data(as_text=True)
    assert "Báo cáo tổng kết cuộc thi" in page and "Quyết định khen thưởng" in page
    for path, kind in (
        ("summary.docx", "wordprocessingml"),
        ("summary.xlsx", "spreadsheetml"),
        ("decision.docx", "wordprocessingml"),
    ):
        answer = client.get(f"/anthology/{SLUG}/papers/{path}")
        assert answer.status_code == 200 and kind in answer.mimetype, path
        assert answer.data[:2] == b"PK"
    login(client, world["users"]["organiser_d1"])
    assert client.get(f"/anthology/{SLUG}/papers/summary.docx").status_code in (403, 404)


def test_a_unit_that_judged_its_own_round_issues_its_decision(client, world, district):
    won = _finalise(district)
    login(client, world["users"]["organiser_d1"])
    url = f"/anthology/{SLUG}/unit/MCH/certificates"
    token = csrf_token(client.get(url).get_data(as_text=True))
    answer = client.post(
        url,
        data={
            "csrf_token": token,
            "body": "Ủy ban nhân dân huyện Mộc Châu",
            "code": "UBND",
            "place": "Mộc Châu",
            "day": "2019-10-20",
            "signer_authority": "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH",
            "signer_name": "Đinh Văn Thành",
            "format": "docx",
            "decision": "1",
        },
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    text = _docx_text(answer.data)
    assert "ỦY BAN NHÂN DÂN HUYỆN MỘC CHÂU" in text and "/QĐ-UBND" in text
    assert "Mộc Châu, ngày 20 tháng 10 năm 2019" in text
    for award in won:
        assert award.entry.author.full_name in text


def test_after_the_demo_the_reports_open_and_agree_with_the_status_commands(
    runner, awarded_demo, tmp_path
):
    """`demo --through awarded`, then every paper as the board would print it: python-docx
    and openpyxl read them, LibreOffice prints them, and the numbers are the commands'."""
    slug = db.session.scalar(select(Contest.slug))
    contest_status = json.loads(runner.invoke(args=["contest", "status", slug, "--json"]).output)
    judging_status = json.loads(runner.invoke(args=["judging", "status", slug, "--json"]).output)
    files = {}
    for name in ("summary.docx", "summary.xlsx", "decision.docx", "proposals.docx"):
        command = name.split(".")[0]
        out = tmp_path / name
        written = runner.invoke(args=["reports", command, slug, "--out", str(out)])
        assert written.exit_code == 0, written.output
        files[name] = out.read_bytes()
    text = _docx_text(files["summary.docx"])
    assert f"Toàn cuộc thi có {contest_status['entries_total']} bài" in text
    assert f"{contest_status['at_province']} bài được chọn gửi về tỉnh" in text
    assert f"{judging_status['third_judges']} bài có giám khảo thứ ba" in text
    assert f"quyết định {judging_status['head_decisions']} bài" in text
    sheet = openpyxl.load_workbook(io.BytesIO(files["summary.xlsx"]))["Tổng hợp"]
    figures = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert figures["Bài về tỉnh"] == contest_status["at_province"]
    assert figures["Phiếu điểm đã nộp"] == judging_status["scores_submitted"]
    contest = db.session.scalar(select(Contest))
    won = [a for a in awards(db.session, contest) if a.prize_level]
    decision = _docx_text(files["decision.docx"])
    people = len({a.entry.author_id for a in won})
    assert f"Khen thưởng {people} tác giả với {len(won)} bài đoạt giải" in decision
    for name in ("summary.docx", "decision.docx", "proposals.docx"):
        printed = office.to_pdf(files[name], 120)
        assert printed[:5] == b"%PDF-", name
